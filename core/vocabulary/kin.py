"""Relatives and close contacts, the words that introduce a person's name ("son" + a name, "my
neighbour" + a name). Lower case; the common misspellings and shorthands notes use are included."""

from __future__ import annotations

KIN_WORDS = (
    "son", "sons", "daughter", "daughters", "dtr", "wife", "husband", "hubby", "spouse", "partner",
    "brother", "bro", "sister", "sis", "mother", "mom", "mum", "father", "dad", "child", "kid",
    "grandson", "granddaughter", "grand daughter", "grand-daughter", "grand son", "grand-son",
    "nephew", "niece", "neice", "cousin", "aunt", "uncle", "fiance", "fiancé", "fiancee", "fiancée",
    "boyfriend", "girlfriend", "friend", "neighbor", "neighbour", "boss", "colleague", "proxy", "hcp",
    "spokesperson", "in-law", "dtr-in-law", "son-in-law", "daughter-in-law", "guardian", "caregiver", "carer",
)
