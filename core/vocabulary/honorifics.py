"""Words written before a person's name: forms of address and spelled-out titles.

After one of them the next words are a name (name cues, re-casing of one-case text); the form of
address itself reveals gender or profession (redaction detects it as a TITLE). Lower case.
"""

from __future__ import annotations

# Forms of address, abbreviated or not ("Mrs", "Dr.", "Sir").
HONORIFICS = ("mr", "mrs", "ms", "miss", "mx", "mister", "dr", "prof", "rev", "sir", "dame",
              # the same in the languages of forms Veil reads (de, fr, es, it, nl), less those that are
              # English words or clinical shorthand ("don", "sr" for sinus rhythm, "sig" for a dosage)
              "herr", "frau", "monsieur", "madame", "mademoiselle", "mme", "mlle", "señor", "señora", "senor",
              "senora", "señorita", "signor", "signora", "signorina", "dhr", "mevr", "mevrouw")
# Titles that are also ordinary nouns, before a surname only as a cue ("nurse" + surname).
TITLES = ("doctor", "professor", "judge", "justice", "nurse")
# Abbreviations written with a full stop before a name: never the end of a sentence.
ABBREVIATED_TITLES = ("mr", "mrs", "ms", "mx", "dr", "prof", "rev", "hon", "gov", "sgt")


def name_titles() -> tuple[str, ...]:
    """Every word that, written before a name, cues it: forms of address and titles."""
    return HONORIFICS + TITLES
