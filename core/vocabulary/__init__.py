"""Veil's word lists, one module per concept; every pattern that needs these words compiles from here.

`calendar_words` (months, weekdays), `honorifics` (forms of address and titles before a name), `kin`
(relatives and close contacts before a name), `credentials` (degrees after a name), `currencies`,
`names` (the census and names-dataset gazetteer), `clinical` (medical abbreviations), `drugs` (drug
names), `facilities` (kinds of care facility) and `patterns` (lists into regular expressions).
They live in core so that redaction, generation and ingest read the same lists without importing
each other. Plain data and pure functions: no Veil module above core is imported here.
"""
