"""Kinds of care facility, as a pattern: the word that makes a name a hospital's or a care home's
("Union Hospital", "calvert hosp", "Sacred Heart Memorial", "Maple Grove nursing home")."""

FACILITY_KIND = (r"(?:hospital|hosp\.?|medical cent(?:er|re)|health cent(?:er|re)|clinic|infirmary|memorial|"
                 r"nursing home|rehab(?:ilitation)? cent(?:er|re)|hospice|sanatorium|care home)")
