"""Letter classes and English word frequencies shared by the proper-noun recognizers.

A capitalised word that is rare in English is most likely a name, a company or a place; wordfreq
(bundled frequency lists, no network) says how rare. Words formed like drug names or clinical
terms are rare too, but not personal data, so their endings are excluded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import cache

# Latin Extended-A and -B, and Latin Extended Additional (Vietnamese "Nguyễn", Welsh "Ŵ", "Ỳ")
_LATIN_EXTRA = [chr(c) for c in (*range(0x100, 0x250), *range(0x1E00, 0x1F00))]
UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _LATIN_EXTRA if c.isupper())
LOWER = "a-zß-öø-ÿ" + "".join(c for c in _LATIN_EXTRA if c.islower())

# USAN drug stems and clinical-term endings (generic vocabulary, not values from any corpus).
_TERM_ENDINGS = re.compile(
    r"(?i)(?:pril|sartan|olol|alol|statin|dipine|azole|prazole|cillin|mycin|cycline|oxacin|floxacin|"
    r"mab|nib|tinib|parin|xaban|gatran|formin|gliptin|glitazone|tide|vir|navir|azepam|zepam|zolam|"
    r"barbital|caine|profen|fenac|coxib|sone|olone|asone|triptan|setron|tidine|pam|oxetine|triptyline|"
    r"phen|iazem|apine|idone|peridol|amine|thiazide|semide|ase|itis|ectomy|otomy|ostomy|ogram|ography|oscopy|"
    r"plasty|emia|aemia|osis|pathy|algia|trophy|plasia|oma|uria|cardia|phagia|kinase|globin|lipid)$")

RARE_ZIPF = 2.5        # rarer than this, a capitalised word inside a sentence is a proper noun
UNKNOWN_ZIPF = 1.2     # at a sentence start only words English hardly has count


@cache
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", wordlist="large")


def zipf(word: str) -> float:
    """Zipf frequency of the word in English (0 for unknown words, ~7 for 'the'); a hyphenated
    word unknown as a whole is as common as its rarest part ("follow-up", "Hauta-aho")."""
    freq = _frequencies().get(word.lower())
    if freq:
        return math.log10(freq) + 9
    parts = [p for p in re.split(r"[-'’]", word) if p]
    return min(map(zipf, parts)) if len(parts) > 1 else 0.0


def is_term(word: str) -> bool:
    """Formed like a drug name or a clinical term ("apixaban", "cardiomyopathy")."""
    return len(word) > 5 and bool(_TERM_ENDINGS.search(word))


def fold(word: str) -> str:
    """Lower case without accents, for gazetteer look-ups: "Júlia" -> "julia"."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_foreign_letters(word: str) -> bool:
    """ð, ł, ö, ć ...: letters English spelling does not use."""
    return any(ord(c) > 127 and c.isalpha() for c in word)
