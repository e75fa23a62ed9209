"""Kinds of care facility, as a pattern — the word that makes a name a hospital's or a care home's
("Fenwold Hospital", "velmora hosp", "St Anselm Memorial", "Larkmere nursing home") — and the verbs
that move a patient between them ("transferred to", "tx from")."""

from core.vocabulary.patterns import alternation

FACILITY_KIND = (r"(?:hospital|hosp\.?|medical cent(?:er|re)|health cent(?:er|re)|clinic|infirmary|memorial|"
                 r"p(?:a)?ediatrics|medical group|family (?:practice|medicine)|urgent care|health system|"
                 r"dental (?:practice|clinic|care|surgery)|"
                 r"nursing home|rehab(?:ilitation)? cent(?:er|re)|hospice|sanatorium|care home)")

# Verbs (and their clinical shorthand) that move a patient to, from or within care: "transferred to",
# "sent from", "tx to", "admitted to". What follows them, with a preposition, is a place of care.
MOVEMENT_VERBS = frozenset("""
    admit admitted adm transfer transferred transfered trans tx came come sent went taken arrived arrival
    referred followed seen discharged brought returned presented readmitted moved medflight enroute
    """.split())
# A movement verb, a particle, a preposition: "transferred back to the", "sent over from".
MOVED_TO = (rf"\b{alternation(MOVEMENT_VERBS)}(?:[ \t]+(?:back|in|over|out|up))?"
            r"[ \t]+(?:to|from|at|into|in)[ \t]+(?:the[ \t]+)?")
