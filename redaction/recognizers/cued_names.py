"""Person names justified by a CUE, in any case: an honorific or title before them (in capitals,
lower case or as written), a relative's title ("son tom", "DAUGHTER-MARISOL", "husband teodor"),
a credential after them ("j. castell rrt", "LEO B. ARDEN-COLE, RRT"), or the speaker's place in a
chat transcript ("[14:02] agent sunita:", "**tomas.k** - 06:58") and handles like "ines.v".

Notes and chats write names in lower or upper case, where no capital gives them away; the cue
does. The words taken stop at the first English function word or common word that no census
list knows as a name ("dr aware", "son called").
"""

from __future__ import annotations

import re

from core.vocabulary.credentials import STRONG_CREDENTIALS
from core.vocabulary.honorifics import name_titles
from core.vocabulary.kin import KIN_WORDS
from core.vocabulary.names import ELIDED_SURNAME_PREFIX, given_names, surnames
from core.vocabulary.patterns import alternation
from redaction.name_evidence import is_probable_name
from redaction.recognizers.base import VeilRecognizer, result
from redaction.words import fold, zipf

_HONORIFIC = alternation(name_titles())
_KIN = alternation(KIN_WORDS)
_STRONG_CREDENTIALS = alternation(STRONG_CREDENTIALS)
# A word: letters, digits, apostrophes and hyphens, ending in a letter ("O'Neil", "Arden-Cole"); an
# initial or a chain of them ("j.", "J.-R."). Written so that there is one way to match each and no
# backtracking (possessive, bounded): tried at every word start, an unbounded word on a long run such
# as "a-a-a-..." or "a.a.a...." scanned to the end of the run from each start (quadratic time).
_WORD = r"[^\W\d_](?:(?:(?![^\W\d_])[\w'’-])*+[^\W\d_]){0,40}+"
_INITIAL = r"[^\W\d_](?:\.-?[^\W\d_](?=\.)){0,8}+\."
_AFTER_HONORIFIC = re.compile(rf"(?i)\b{_HONORIFIC}\b\.?[ \t]*(?=[^\W\d_])")
_AFTER_KIN = re.compile(rf"(?i)\b{_KIN}\b(?:\(\?\))?(?:[ \t]*[,:-]+[ \t]*|[ \t]+)(?=[^\W\d_])")
_BEFORE_CREDENTIAL = re.compile(
    rf"(?i)(?<![\w.])((?:{_INITIAL}[ \t]*|{_WORD}[ \t]+){{0,2}}{_WORD}),?[ \t]+{_STRONG_CREDENTIALS}\b\.?[ \t]*(?:$|\n)",
    re.MULTILINE)
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]m)?"
_ROLES = frozenset("agent customer user client operator bot system support admin moderator host guest you me".split())
# "[14:02] agent sunita: ...", "14:02 sunita: ...", "14/02/24, 21:13 - Kasia: ..." (a messenger's export):
# the speaker after a timestamp at the start of a line
_SPEAKER_AFTER_TIME = re.compile(rf"(?im)^[ \t]*\[?(?:\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}},?[ \t]+)?{_CLOCK}\]?"
                                 rf"(?:[ \t]+[-–])?[ \t]+(?:(?:agent|customer|user|operator)[ \t]+)?"
                                 r"(?P<name>[^\W\d_][\w.'-]{1,30}(?:[ \t][^\W\d_][\w'-]{1,30})?)[ \t]*:")
# "**tomas.k** - 06:58", "sunita (14:02)": the speaker before a timestamp at the start of a line
_SPEAKER_BEFORE_TIME = re.compile(rf"(?im)^[ \t]*\**(?P<name>[^\W\d_][\w.'-]{{1,30}})\**[ \t]*(?:-|–|\(|,)?[ \t]*{_CLOCK}")
# "ines.v", "j.smith": a chat or system handle made of a probable name and an initial
_HANDLE = re.compile(r"(?<![\w@.])(?P<name>[A-Za-z]{2,}\.[A-Za-z]|[A-Za-z]\.[A-Za-z]{2,})(?![\w@]|\.\w)")
RARE_ZIPF = 3.0     # a word without name evidence counts only this rare in English ("Zelmanovic", not "lunch")
CREDENTIAL_ZIPF = 4.0
EVERYDAY_ZIPF = 4.5  # after an honorific a census name counts unless it is this common a word
_NOT_NAMES = frozenset("by per from with and or the to for called paged notified seen note signed".split())


_NAME_TOKEN = re.compile(rf"(?:{_INITIAL}|{_WORD})")
_GAP = re.compile(r"[ \t]+")


def name_words(text: str, start: int, limit: int, given_names_too: bool = False,
               surnames_too: bool = False, capitalised_census: bool = False,
               any_census: bool = False) -> tuple[int, int] | None:
    """The name that starts at `start`: up to `limit` words (initials allowed), stopping at a word
    English uses commonly that is no census name (with `capitalised_census`: that is no census name
    written with a capital, as after an honorific in running text: "Rose Hope"; with `any_census`, where
    two cues stand before the words: that is no census name in any case)."""
    end, taken, cursor = start, 0, start
    while taken < limit:
        token = _NAME_TOKEN.match(text, cursor)
        if not token or not (may_be_name(token.group(), given_names_too, surnames_too)
                             or (capitalised_census and _capitalised_census_name(token.group()))
                             or (any_census and _census_name(token.group()) and not _function_word(token.group()))):
            break
        end = token.end()
        taken += 1 if not token.group().endswith(".") else 0.5
        gap = _GAP.match(text, end)
        cursor = gap.end() if gap else end
    return (start, end) if taken else None


def may_be_name(word: str, given_names_too: bool = False, surnames_too: bool = False) -> bool:
    """Census or names-dataset evidence, or a word English hardly writes that is no verb form.
    After a relative's title any census given name counts, everyday word or not ("son bill").
    A surname with an elided prefix or of two parts ("O'<Surname>", "<Surname>-<Surname>") is one when
    each part is."""
    if re.fullmatch(_INITIAL, word):
        return True
    stem = _ELIDED_PREFIX.sub("", word)
    if stem == word and "-" not in word:
        return _one_word_may_be_name(word, given_names_too, surnames_too)
    parts = stem.split("-")
    return _one_word_may_be_name(word, given_names_too, surnames_too) or (
        all(len(p) > 1 for p in parts) and all(_one_word_may_be_name(p, given_names_too, surnames_too) for p in parts))


_ELIDED_PREFIX = re.compile(rf"^{ELIDED_SURNAME_PREFIX}(?=[A-Z])")


def _one_word_may_be_name(word: str, given_names_too: bool, surnames_too: bool) -> bool:
    folded = fold(word)
    if _function_word(word):
        return False
    if given_names_too and folded in given_names():
        return True
    if surnames_too and (folded in given_names() or folded in surnames()) and zipf(word) < EVERYDAY_ZIPF:
        return True  # a surname that is also a trade after an honorific; not an everyday word
    return is_probable_name(word) or (zipf(word) < RARE_ZIPF and not folded.endswith(("ed", "ing", "ly")))


def _capitalised_census_name(word: str) -> bool:
    """"Rose", "Hope", "Joy": everyday words, but written with a capital after an honorific, a name."""
    return word[:1].isupper() and word[1:].islower() and _census_name(word)


def _function_word(word: str) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    folded = fold(word)
    return folded in STOP_WORDS or len(folded) < 2


def _census_name(word: str) -> bool:
    folded = fold(word)
    return folded in given_names() or folded in surnames()


class CuedNameRecognizer(VeilRecognizer):
    """Up to three words after an honorific, one after a relative's title, up to three before a credential."""

    def __init__(self) -> None:
        super().__init__(["PERSON"])

    def analyze(self, text, entities, nlp_artifacts=None):
        spans = [name_words(text, m.end(), 3, surnames_too=True, capitalised_census=_as_in_prose(m.group()))
                 for m in _AFTER_HONORIFIC.finditer(text)]
        spans += [name_words(text, m.end(), 1, given_names_too=True) for m in _AFTER_KIN.finditer(text)]
        spans += [self._credited(text, m) for m in _BEFORE_CREDENTIAL.finditer(text)]
        spans += [self._speaker(m) for pattern in (_SPEAKER_AFTER_TIME, _SPEAKER_BEFORE_TIME)
                  for m in pattern.finditer(text)]
        spans += [(m.start(), m.end()) for m in _HANDLE.finditer(text) if _is_handle(m.group())]
        return [result(self, "PERSON", start, end, 0.6) for start, end in filter(None, spans)]

    @staticmethod
    def _speaker(match: re.Match) -> tuple[int, int] | None:
        """A speaker with name evidence or a handle ("sunita", "tomas.k"), not "Vitals 08:00" or "Plan:"."""
        name = match.group("name")
        parts = [p for p in re.split(r"[\s._]", name) if len(p) > 1]  # "j_barrington", "tomas.k"
        if name.lower() in _ROLES or not parts or not (_is_handle(name) or all(is_probable_name(p) for p in parts)):
            return None
        return match.start("name"), match.end("name")

    @staticmethod
    def _credited(text: str, match: re.Match) -> tuple[int, int] | None:
        """The name words right before the credential: "note by j. castell rrt" -> "j. castell"."""
        tokens = list(_NAME_TOKEN.finditer(text, match.start(1), match.end(1)))
        while tokens and not _before_credential(tokens[0].group()):
            tokens.pop(0)
        if not tokens or not all(_before_credential(t.group()) for t in tokens):
            return None
        return tokens[0].start(), match.end(1)


def _as_in_prose(honorific: str) -> bool:
    """An honorific as running text writes it, capital then lower case; in capitals or lower case, case
    says nothing about the words after it."""
    word = honorific.strip(" \t.")
    return word[:1].isupper() and word[1:].islower()


def _is_handle(handle: str) -> bool:
    return any(len(part) > 1 and is_probable_name(part) for part in handle.split("."))


def _before_credential(word: str) -> bool:
    """A credential at the end of a line is a strong cue: a less rare word may be the surname ("Lander")."""
    return may_be_name(word) or (zipf(word) < CREDENTIAL_ZIPF and not fold(word).endswith(("ed", "ing", "ly"))
                                  and fold(word) not in _NOT_NAMES)
