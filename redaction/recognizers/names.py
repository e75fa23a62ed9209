"""Person-name recognizers that do not depend on the NER model seeing enough context.

spaCy's small model misses names in headers, tables and signatures ("Patient: Rosamund Ashgrove").
Three cheap signals catch them: a census gazetteer of given names and surnames, an honorific
before a surname, and a field label ("Borrower: Tobiah Vantreese").
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult

from core.vocabulary.honorifics import name_titles
from core.vocabulary.kin import KIN_WORDS
from core.vocabulary.names import (AMBIGUOUS_GIVEN_NAMES as _AMBIGUOUS_GIVEN, COMMON_WORD_NAMES as _COMMON_WORDS,
                                   PERSON_VERBS, SURNAME_PARTICLES, given_names, surnames, world_name_ranks)
from core.vocabulary.calendar_words import MONTHS
from core.vocabulary.patterns import alternation
from redaction.name_evidence import is_probable_name
from redaction.recognizers.base import VeilRecognizer, result
from redaction.recognizers.cued_names import may_be_name, name_words
from redaction.words import LOWER as _L, UPPER as _U, fold, is_term, zipf

# Repetitions are bounded: these patterns are tried at every word start, and an unbounded chain
# ("Ab-Ab-Ab-...", "a'a'a'...") made each try scan to the end of a long run (quadratic time).
_NAME_WORD = rf"[{_U}][{_L}]+(?:[-'][{_U}]?[{_L}]+){{0,8}}|[{_U}]'[{_U}][{_L}]+|Ma?c[{_U}][{_L}]+"
_INITIAL = rf"[ \t]+[{_U}]\.?"
_FULL_NAME = rf"(?:{_NAME_WORD})(?:{_INITIAL})?(?:[ \t]+(?:{_NAME_WORD})){{1,2}}"
_PAIR = re.compile(rf"(?<!\w)(?P<first>{_NAME_WORD})(?:{_INITIAL})?[ \t]+(?P<last>{_NAME_WORD})(?!\w)")
_LABELS = (
    "patient|name|full name|applicant|co-applicant|borrower|co-borrower|guarantor|employee|"
    "claimant|insured|policyholder|policy holder|beneficiary|contact|attn|attention|signed|signature|"
    "prepared by|reviewed by|approved by|reported by|submitted by|author|owner|incident commander|"
    "manager|case manager|witness|driver|physician|attending physician|nurse|recipient|sender|"
    "account holder|account name|payee|client|tenant|landlord|plaintiff|defendant|from|to|cc|"
    "directed by|written by|produced by|performed by|composed by|edited by|by"
)
_LABELLED = re.compile(rf"(?m)\b(?i:{_LABELS})[ \t]*:[ \t]*(?P<name>{_FULL_NAME})\b")
# A label, then an honorific or title: two cues, so the name after them counts in any case and
# whatever census name its words are ("Patient: <title> <GIVEN> <SURNAME>", "tenant: <title> <surname>").
_LABEL_AND_TITLE = re.compile(rf"(?m)\b(?i:{_LABELS})[ \t]*:[ \t]*(?i:{alternation(name_titles())})\b\.?[ \t]+")
# A label, then a full name in capitals, as forms print it ("Patient: <GIVEN> <SURNAME>", a register's
# "<SURNAME>, <GIVEN>"). Capitals say nothing alone: the lists must know one of the words.
_CAPITALS_WORD = rf"[{_U}][{_U}'’-]{{1,40}}+"
_LABELLED_CAPITALS = re.compile(rf"(?m)\b(?i:{_LABELS})[ \t]*:[ \t]*"
                                rf"(?P<name>{_CAPITALS_WORD}(?:,?[ \t]+{_CAPITALS_WORD}){{1,2}}+)(?![\w'’-])")
_NAME_GROUP_WORD = re.compile(r"[^\s,]+")

class _RegexNameRecognizer(VeilRecognizer):
    def __init__(self, name: str) -> None:
        super().__init__(["PERSON"], name)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return result(self, "PERSON", start, end, score)


class GazetteerNameRecognizer(_RegexNameRecognizer):
    """Capitalised given name from the US census list followed by a capitalised word."""

    def __init__(self) -> None:
        super().__init__("GazetteerNameRecognizer")
        self._given, self._surnames = given_names(), surnames()

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in _PAIR.finditer(text):
            first, last = fold(match["first"]), fold(match["last"])
            if first not in self._given:
                if is_probable_name(match["first"]) and is_probable_name(match["last"]):
                    results.append(self._result(match.start(), match.end(), 0.6))  # "Chinonso Obiora"
                continue
            known_last = last in self._surnames
            if first in _AMBIGUOUS_GIVEN and not known_last:
                continue
            results.append(self._result(match.start(), match.end(), 0.7 if known_last else 0.5))
        return results


class LowercaseNameRecognizer(_RegexNameRecognizer):
    """"brenda castellano", "stavros kalogeridis": a lower-case pair of two probable names."""

    _LOWER_PAIR = re.compile(r"(?<![\w@./-])(?P<first>[a-z]{2,})[ \t]+(?P<last>[a-z]{2,})(?![\w@-])")

    def __init__(self) -> None:
        super().__init__("LowercaseNameRecognizer")
        self._given, self._surnames = given_names(), surnames()

    def analyze(self, text, entities, nlp_artifacts=None):
        from spacy.lang.en.stop_words import STOP_WORDS

        results = []
        for match in self._LOWER_PAIR.finditer(text):
            first, last = match["first"], match["last"]
            if first in STOP_WORDS or last in STOP_WORDS:
                continue
            census = (first in self._given and last in self._surnames and first not in _AMBIGUOUS_GIVEN
                      and first not in _COMMON_WORDS and last not in _COMMON_WORDS)
            if census or (is_probable_name(first) and is_probable_name(last)):
                results.append(self._result(match.start(), match.end(), 0.5))
        return results


# A word English writes more often than its commonest given name is the word, though some census
# lists it as a name (determiners and everyday nouns at the start of a sentence).
COMMONER_THAN_ANY_NAME_ZIPF = 5.5


class SingleGivenNameRecognizer(_RegexNameRecognizer):
    """A capitalised census given name on its own ("Thanks, Brenda"), not at a sentence start."""

    _WORD = re.compile(r"(?<![\w'-])[A-Z][a-z]{2,}(?![\w-])")

    def __init__(self) -> None:
        super().__init__("SingleGivenNameRecognizer")
        self._given = given_names()

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in self._WORD.finditer(text):
            word = match.group().lower()
            if (word in self._given and word not in _AMBIGUOUS_GIVEN and word not in _COMMON_WORDS
                    and zipf(word) < COMMONER_THAN_ANY_NAME_ZIPF):
                results.append(self._result(match.start(), match.end(), 0.4))
        return results


# A paragraph that opens by addressing someone: "Marisol, thanks for the figures", "Teodor - see below",
# or a salutation line "Marisol,". The word must be a probable name by the lexicons ("However, ..." and
# "Note - ..." open with English words; "<place>, ..." with an ambiguous one).
_VOCATIVE = re.compile(rf"(?m)^[ \t>*]*(?P<name>{_NAME_WORD})"
                       rf"(?=[ \t]*,[ \t]*(?:$|[^\W\d_])|[ \t]+[-\u2013\u2014]{{1,2}}[ \t]+[^\W\d_])")


# A salutation: "Dear Jasvir Singh,", "Hi Chioma!", "Hello <honorific> Okafor:" — the words before the comma name
# the person greeted when the first is a probable name ("Dear Customer," and "Hi Team," greet no one).
_SALUTATION = re.compile(rf"(?m)^[ \t>*]*(?i:dear(?:est)?|hi|hello|hey|greetings)[ \t]+"
                         rf"(?P<name>(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,2}})(?=[ \t]*(?:[,!:\n]|$))")


# A closing and the sender's name, on its line or the next, ending the line: "Best, Philippa", "Kind
# regards,\nPhilippa Ashdown", "Thanks! Chioma".
_VALEDICTION = re.compile(
    rf"(?m)^[ \t>*]*(?i:(?:(?:best|kind|warm|warmest|many)[ \t]+)?(?:regards|wishes)|best|many thanks|thanks|"
    rf"thank you|cheers|sincerely|yours(?:[ \t]+(?:sincerely|faithfully|truly))?|cordially|respectfully|"
    rf"all the best|take care)[ \t]*[,!.]?[ \t]*(?:\r?\n[ \t>*]*)?"
    rf"(?P<name>(?:[{_U}]\.[ \t]?){{0,2}}(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,2}})[ \t]*$")  # "T. Abernethy"


class VocativeNameRecognizer(_RegexNameRecognizer):
    """A probable name opening a paragraph, followed by a comma or a dash, or greeted by a salutation:
    the person addressed; or signing after a closing ("Best, Philippa"): the sender."""

    def __init__(self) -> None:
        super().__init__("VocativeNameRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        addressed = [m for pattern in (_VOCATIVE, _SALUTATION) for m in pattern.finditer(text)
                     if is_probable_name(m.group("name").split()[0])]
        signed = [m for m in _VALEDICTION.finditer(text) if _signs_a_letter(_first_word(m.group("name")))]
        return [self._result(m.start("name"), m.end("name"), 0.5) for m in addressed + signed]


# Under a closing a word is a signature unless English writes it often ("Thanks, Team"): a name of the
# worldwide lists as rare as "Philippa" (Zipf 2.8) counts there, though alone it would not.
SIGNATURE_ZIPF = 3.5


def _first_word(name: str) -> str:
    """The first word of a name that is not an initial."""
    return next(w for w in name.replace(".", ". ").split() if not w.endswith("."))


def _signs_a_letter(word: str) -> bool:
    folded = fold(word)
    return is_probable_name(word) or (folded in world_name_ranks() and zipf(word) < SIGNATURE_ZIPF
                                      and folded not in _COMMON_WORDS)


# "<I>. de <Surname>", "<I>. van der <Surname>": initials, one or two lower-case surname particles,
# a capitalised word. The shape is a name's whatever the words (no term is written "X. de Word").
_PARTICLE = alternation(SURNAME_PARTICLES)
_INITIALLED_PARTICLE_NAME = re.compile(
    rf"(?<![\w.])(?:[{_U}]\.[ \t]?){{1,3}}(?:{_PARTICLE})(?:[ \t]+(?:{_PARTICLE}))?[ \t]+(?:{_NAME_WORD})(?![\w-])")


# "<Given> bin <Father> Al-<Family>", "<Given> binti <Father>": a patronymic joins a given name to the father's,
# then perhaps a family name; one of the names must be a known or probable name ("the Recycle bin Folder").
_PATRONYMIC_NAME = re.compile(
    rf"(?<![\w-])(?P<first>{_NAME_WORD})[ \t]+(?:bin|binti|bint|ibn)[ \t]+(?P<father>{_NAME_WORD})"
    rf"(?:[ \t]+(?:[Aa]l-|[Ee]l-)?(?:{_NAME_WORD})){{0,2}}(?![\w-])")


class ParticleNameRecognizer(_RegexNameRecognizer):
    """Initials, a surname particle and a capitalised word ("<I>. de <Surname>", "<I>. ten <Surname>"), or a
    patronymic ("<Given> bin <Father> Al-<Family>")."""

    def __init__(self) -> None:
        super().__init__("ParticleNameRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        found = list(_INITIALLED_PARTICLE_NAME.finditer(text))
        found += [m for m in _PATRONYMIC_NAME.finditer(text)
                  if is_probable_name(m.group("first")) or is_probable_name(m.group("father"))]
        return [self._result(m.start(), m.end(), 0.6) for m in found]


# A month's name that is also a given name, as the subject of a verb only a person does ("<month> called",
# "<month> wrote back"); not after a preposition or determiner of time ("in <month> said company").
_TIME_BEFORE = re.compile(r"(?i)\b(?:in|on|of|since|until|till|by|during|before|after|from|to|last|next|this|"
                          r"that|the|a|early|late|mid|each|every|through)[ \t]+$")


class MonthNamedPersonRecognizer(_RegexNameRecognizer):
    """A month's name that the census lists as a given name, before a verb of speaking or calling."""

    def __init__(self) -> None:
        super().__init__("MonthNamedPersonRecognizer")
        months = [m.capitalize() for m in MONTHS if m in given_names()]
        self._pattern = re.compile(rf"(?<![\w-]){alternation(months)}(?=[ \t]+{alternation(PERSON_VERBS)}\b)")

    def analyze(self, text, entities, nlp_artifacts=None):
        return [self._result(m.start(), m.end(), 0.6) for m in self._pattern.finditer(text)
                if not _TIME_BEFORE.search(text, max(0, m.start() - 16), m.start())]


# "OYEDEPO, Temitope", "CHATTERJEE, Debashish": a register's surname in capitals, a comma, a given name.
_SURNAME_FIRST = re.compile(rf"(?<![\w-])(?P<surname>[{_U}]{{2,30}}+(?:[-'’][{_U}]{{2,30}}+)?),[ \t]+(?P<given>{_NAME_WORD})(?![\w-])")


class SurnameFirstRecognizer(_RegexNameRecognizer):
    """A surname in capitals before a comma and a given name, as registers and court lists write them."""

    def __init__(self) -> None:
        super().__init__("SurnameFirstRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        return [self._result(m.start(), m.end(), 0.6) for m in _SURNAME_FIRST.finditer(text)
                if _surname_then_given(m.group("surname"), m.group("given"))]


EVERYDAY_ZIPF = 4.0  # "NOTE" 5.0, "URGENT" 4.4, "Please" 6.0, "Review" 5.1: headings and words, not names


def _surname_then_given(surname: str, given: str) -> bool:
    """The register's shape is the evidence; the lists must know one of the two as a name, and neither
    may be a word English writes often that is no name ("Colin" is written often, and is one)."""
    parts = re.split(r"[-'’]", surname)
    surname_named = any(is_probable_name(p) for p in parts)
    given_named = (fold(given) in given_names() and fold(given) not in _AMBIGUOUS_GIVEN) or is_probable_name(given)
    everyday = (any(zipf(p) >= EVERYDAY_ZIPF and not is_probable_name(p) for p in parts)
                or (zipf(given) >= EVERYDAY_ZIPF and not given_named))
    return (surname_named or given_named) and not everyday and not is_term(surname)


class LabelledNameRecognizer(_RegexNameRecognizer):
    """The name after a field label: "Patient: Rosamund Ashgrove", "Incident commander: ..."."""

    def __init__(self) -> None:
        super().__init__("LabelledNameRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        found = [(m.start("name"), m.end("name")) for m in _LABELLED.finditer(text) if _may_name_someone(m.group("name"))]
        found += [span for m in _LABEL_AND_TITLE.finditer(text) if (span := name_words(text, m.end(), 3, any_census=True))]
        found += [span for m in _LABELLED_CAPITALS.finditer(text) if (span := _full_name_in_capitals(m))]
        return [self._result(start, end, 0.7) for start, end in dict.fromkeys(found)]


def _may_name_someone(value: str) -> bool:
    """A label's value names nobody when no word of it is on a name list and each is one English writes
    every day: "To: <Everyday> <Everyday>" is a team, a desk or a department."""
    return any(fold(word) in surnames() or may_be_name(word, given_names_too=True, surnames_too=True)
               for word in value.split())


def _full_name_in_capitals(match: re.Match) -> tuple[int, int] | None:
    """The leading two or three words that may each name someone (`cued_names.may_be_name`), one of
    them a given name or a probable name by the lists; "<GIVEN> <SURNAME> SEX: F" ends before "SEX"."""
    words = []
    for word in _NAME_GROUP_WORD.finditer(match.group("name")):
        if not may_be_name(word.group(), given_names_too=True, surnames_too=True):
            break
        words.append(word)
    if len(words) < 2 or not any(_named_by_the_lists(w.group()) for w in words):
        return None
    return match.start("name"), match.start("name") + words[-1].end()


def _named_by_the_lists(word: str) -> bool:
    folded = fold(word)
    return ((folded in given_names() and folded not in _AMBIGUOUS_GIVEN and zipf(word) < COMMONER_THAN_ANY_NAME_ZIPF)
            or is_probable_name(word))


_ANY_WORD = rf"[{_U}{_L}][{_U}{_L}'-]{{1,63}}"  # "okafor", "Okafor", "OKAFOR"
# Phrases that introduce a name in any case: "my name is rosaura", "people call me Bálint".
_NAMING_CUE = re.compile(
    r"(?i)\b(?:my name is|name's|names? is|call me|calls me|called me|named (?:him|her|them|it)|"
    r"(?:first|last|middle|maiden|family|sur|fore|given)[ -]?names?(?:\(s\))?(?: is)?[?:]?)[ \t]+")
_CUED_NAME = re.compile(rf"{_ANY_WORD}(?:[ \t]+[{_U}{_L}]\.?(?=[ \t]))?(?:[ \t]+{_ANY_WORD})?")
# A relative before a capitalised name: "my kid Anselm", "her husband Tobiah".
_KIN_CUE = re.compile(
    rf"(?i:\b(?:my|our|his|her|their|your)[ \t]+{alternation(KIN_WORDS)})[ \t]+(?=[A-ZÀ-Ž])")
_NAME_WORD_RE = re.compile(rf"(?:{_NAME_WORD})(?![\w-])")
_LIST_ITEM = rf"[{_U}{_L}][{_L}'-]{{1,63}}"
# "Oriana, Tessa, Halvard, Mirela and Brenda": a list of single words, mostly given names.
_NAME_LIST = re.compile(rf"(?<![\w-])(?:{_LIST_ITEM},[ \t]+){{1,}}{_LIST_ITEM},?[ \t]+(?:and|&|or)[ \t]+{_LIST_ITEM}(?![\w-])"
                        rf"|(?<![\w-])(?:{_LIST_ITEM},[ \t]+){{3,}}{_LIST_ITEM}(?![\w-])"
                        rf"|(?<![\w-])(?:{_NAME_WORD})[ \t]+(?:and|&)[ \t]+(?:{_NAME_WORD})(?![\w-])")
_LIST_SPLIT = re.compile(rf"{_LIST_ITEM}")


def _name_words(value: str) -> list[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    words = []
    for word in value.split():
        common = zipf(word) >= _COMMON_ZIPF and fold(word) not in given_names()
        if word.lower() in STOP_WORDS or (common and not word[0].isupper()):
            break
        words.append(word)
    return words


class NameCueRecognizer(_RegexNameRecognizer):
    """The words after "my name is", "call me", "last name?" (any case) or "my kid" (capitalised)."""

    def __init__(self) -> None:
        super().__init__("NameCueRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for cue in _NAMING_CUE.finditer(text):
            match = _CUED_NAME.match(text, cue.end())
            words = _name_words(match.group()) if match else []
            if words:
                start = match.start()
                end = text.index(words[-1], start) + len(words[-1])
                results.append(self._result(start, end, 0.6))
        for cue in _KIN_CUE.finditer(text):
            match = _NAME_WORD_RE.match(text, cue.end())
            if match and (_is_name_like(match.group()) or fold(match.group()) in given_names()):
                results.append(self._result(match.start(), match.end(), 0.5))
        return results


class NameListRecognizer(_RegexNameRecognizer):
    """Every item of a list whose items are nearly all known names: "Halvard, Tessa, Mirela and Oriana"."""

    def __init__(self) -> None:
        super().__init__("NameListRecognizer")

    def analyze(self, text, entities, nlp_artifacts=None):
        results = []
        for match in _NAME_LIST.finditer(text):
            items = [m for m in _LIST_SPLIT.finditer(match.group()) if m.group().lower() not in ("and", "or")]
            cases = {m.group()[0].isupper() for m in items}
            if len(cases) != 1:
                continue
            # In lower case rarity says little ("repainting"): only census names count there.
            known = sum(_is_name_like(m.group()) if True in cases else _is_census_name(m.group())
                        for m in items)
            if known >= 2 and known >= len(items) - 1:
                results += [self._result(match.start() + m.start(), match.start() + m.end(), 0.5) for m in items]
        return results


def _is_name_like(word: str) -> bool:
    folded = fold(word)
    if folded in _COMMON_WORDS or folded in _AMBIGUOUS_GIVEN:
        return False
    return folded in given_names() or folded in surnames() or _is_rare(word)


def _is_census_name(word: str) -> bool:
    folded = fold(word)
    return folded in given_names() and folded not in _COMMON_WORDS and folded not in _AMBIGUOUS_GIVEN


def _is_rare(word: str) -> bool:
    """Rarer in English than a name that is also a word: "Halvard", "Mirela", not "Will" or "Hope"."""
    return len(word) > 2 and zipf(word) < _NAME_ZIPF and not is_term(word)


_NAME_ZIPF = 3.0
_COMMON_ZIPF = 4.0
