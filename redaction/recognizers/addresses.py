"""Street addresses in international layouts, single-line or as a multi-line block.

An address is found from its core (house number and street, in the order local custom writes
them, or a PO box / military box) and then extended over what follows it in an address:
unit, city, region, postal code and country, across commas and line breaks.
"""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS

from core.vocabulary.calendar_words import month_words
from core.vocabulary.patterns import trie_regex
from redaction.field_labels import is_field_label
from redaction.lexicons import STREET_ENDINGS, STREET_TYPES_AFTER, STREET_TYPES_BEFORE, UNIT_WORDS, US_ZIP_PREFIXES
from redaction.recognizers.base import VeilRecognizer, result



# Words are bounded (a street or place name word has at most 64 characters) and, where what follows
# cannot continue them, possessive: the cores are tried at every word start, and unbounded words made
# each try on a long run such as "a.a.a...." or "a'a'a'..." scan to its end (quadratic time).
_MAX_WORD = 63
_WORD = rf"[^\W\d_][\w'’.-]{{0,{_MAX_WORD}}}+"
_NAME_WORD = rf"[^\W\d_][\w'’-]{{0,{_MAX_WORD}}}+"
# "3/45"; a unit before the number or a range ("1205-88 Harbour", "10-12 High"), only before a street
# name in title case: clinical notes write ranges everywhere ("3-5 BEAT RUNS VT. DR. …", "320-460. Left …")
_NUM = r"\d{1,6}[A-Za-z]?(?:/\d{1,4}|-\d{1,4}(?=[ \t]+[A-Z][a-z]))?\.?"
_GAP = r"[ \t]+"
_TYPE_AFTER = rf"(?i:{trie_regex(STREET_TYPES_AFTER)})\b\.?"
_TYPE_BEFORE = rf"(?i:{trie_regex(STREET_TYPES_BEFORE)})"
# After a building number, a lower-case "via" is the English preposition ("40 via left femoral line"):
# where "via" is a street type the number follows the street's name, and a street name that begins
# with the word after a number is capitalised.
_TYPE_BEFORE_AFTER_NUMBER = rf"(?:(?i:{trie_regex(t for t in STREET_TYPES_BEFORE if t != 'via')})|Via|VIA)"
_ENDING = rf"[^\W\d_][\w'’-]{{0,{_MAX_WORD}}}(?i:{trie_regex(STREET_ENDINGS)})"  # backtracks to find the ending
_UNIT = rf"(?i:{trie_regex(UNIT_WORDS)})\.?[ \t]*#?[ \t]*\d+[A-Za-z]?\b"

# 12 Main Street / 7 Wrenfield St
_NUMBER_FIRST = rf"{_NUM}(?:{_GAP}{_WORD}){{1,4}}?{_GAP}{_TYPE_AFTER}"
# The same, longest first: "12 pellingham hill dr" in lower case, where the shortest reading
# ("12 pellingham hill") ends in a street type that needs a capital.
_NUMBER_FIRST_LONGEST = rf"{_NUM}(?:{_GAP}{_WORD}){{1,4}}{_GAP}{_TYPE_AFTER}"
# rue des Lilas 14 / ul. Sosnowa 53 / C/ Mayor 12 (optionally after a building number)
_LETTERS_WORD = rf"[^\W\d_](?:[^\W\d_]|['’.-]){{0,{_MAX_WORD}}}+"  # no digit: "BD. HbA1c 58" is a dosage and a lab value
_TYPE_FIRST = (rf"{_NUM}{_GAP}{_TYPE_BEFORE_AFTER_NUMBER}(?:{_GAP}{_LETTERS_WORD}){{1,4}}(?:,?{_GAP}{_NUM})?|"
               rf"{_TYPE_BEFORE}(?:{_GAP}{_LETTERS_WORD}){{1,4}},?{_GAP}{_NUM}")
# Lindenhofgasse 80 / Koivurinteenkatu 55
_ENDING_FIRST = rf"(?:{_WORD}{_GAP}){{0,2}}{_ENDING}{_GAP}{_NUM}"
_BOXES = (r"(?:P\.?\s?O\.?\s?Box|PSC \d{1,5},? Box|Unit \d{1,5},? Box|USNS [^\W\d_]+|USNV [^\W\d_]+|USS [^\W\d_]+)"
          r"(?:[ \t]*\d{1,6})?")
_CORNER = rf"(?i:the[ \t]+)?(?i:corner[ \t]+of)[ \t]+[^\n.?!,]{{2,60}}?[ \t]+(?:and|&)[ \t]+(?:{_WORD}|{_NUM})(?:{_GAP}{_WORD}){{0,3}}"
# Each core shape is matched on its own: alternation would stop at the first, shorter, shape.
# Not inside a larger number either: "$48,150 Fee rate 3" is an amount and a rate.
_CORES = [re.compile(rf"(?<![\w$€£-])(?<!\d[.,])(?:{shape})(?![\w-])") for shape in
          (_BOXES, _NUMBER_FIRST, _NUMBER_FIRST_LONGEST, _TYPE_FIRST, _ENDING_FIRST, _CORNER)]
_CUE = (r"(?i:\b(?:address(?:es)?|addr|lives?|living|located|resides?|residing|moved|send|sent|deliver|"
        r"ship|return|meet|office)\b[^\n.?!]{0,24}?\b(?:at|on|to|is|:)[ \t]+)")
# "Name 12" only counts after an address cue: "lives at Männiku 43", "address is Lipová 688".
_CUED = re.compile(
    rf"{_CUE}(?P<core>(?:{_NUM}{_GAP})?(?:{_NAME_WORD}{_GAP}){{0,3}}{_NAME_WORD}{_GAP}\d{{1,5}}[A-Za-z]?\b)")
_CUE_BEFORE = re.compile(rf"{_CUE}$")
# "Boise, ID 83706", "FRESNO CA 93720": a place, a USPS state code and a ZIP code that falls in that
# state's range form an address line of their own, at a line's start or after a comma or a colon.
_US_PLACE_LINE = re.compile(
    rf"(?m)(?:^|(?<=[,:]))[ \t]*(?P<line>(?P<place>(?:{_NAME_WORD}[ \t]+){{0,2}}{_NAME_WORD}),?[ \t]+"
    rf"(?P<state>(?i:{trie_regex(US_ZIP_PREFIXES)}))[ \t]+(?P<zip>\d{{5}})(?:-\d{{4}})?)(?![\w-])")
_STANDALONE_UNIT = re.compile(rf"(?<![\w#-])(?i:apt|apartment|suite|ste|unit|flat)\.?[ \t]*#?[ \t]*\d+[A-Za-z]?\b")

_POSTCODE = (r"(?:\d{3,6}(?:-\d{3,4})?|\d{3} \d{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|\d{4} ?[A-Z]{2}|"
             r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]{2}-\d{4,5})")
# Typed in lower case, UK and Canadian codes keep their shape: letters and digits interleaved ("ex4 6pq").
_LOWERCASE_POSTCODE = (rf"(?:{_POSTCODE}|[a-z]{{1,2}}\d[a-z\d]? ?\d[a-z]{{2}}"
                       rf"|[a-z]\d[a-z] ?\d[a-z]\d)")
_CAPITAL_WORD = rf"(?:[A-ZÀ-ÖØ-ÞĀ-Ž\u0370-\u03ff\u0400-\u042f][\w'’.-]{{0,{_MAX_WORD}}}+|\([^\W\d_]{{1,{_MAX_WORD}}}+\))"
# Letters only: in lower case "ex4" is the start of a postcode, not a place name.
_ANY_WORD = rf"(?:[^\W\d_](?:[^\W\d_]|['’.-]){{0,{_MAX_WORD}}}+(?!\d)|\([^\W\d_]{{1,{_MAX_WORD}}}+\))"
_PARTICLE = r"(?:de|del|della|da|di|do|dos|du|des|la|le|les|na|nad|pod|u|am|an|ob|bei|upon|on|sur|en|y|i)"
_LINE_BREAK = r",?[ \t]*\n(?:[ \t]*\n)?[ \t>?*|-]*"


def _continuation(place_word: str, postcode: str) -> re.Pattern:
    place = rf"{place_word}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{place_word}){{0,3}}"
    return re.compile(
        rf"(?:,?[ \t]*{_UNIT}"                                               # Apt. 4
        rf"|{_LINE_BREAK}(?:{_UNIT}|{postcode}\b|{place})"                   # next line of a block
        rf"|(?:,[ \t]*|[ \t]+)(?:{postcode}\b|{place}))"                    # same line
    )


_CONTINUATION = _continuation(_CAPITAL_WORD, _POSTCODE)
# An address written in lower case (a chat, a re-cased upper-case note) goes on in lower case: its
# place names cannot be told by their capitals.
_LOWERCASE_CONTINUATION = _continuation(_ANY_WORD, _LOWERCASE_POSTCODE)
_MAX_CONTINUATIONS = 8
_STREET_TYPE_WORDS = frozenset(STREET_TYPES_BEFORE) | frozenset(STREET_TYPES_AFTER)
_SENTENCE_WORDS = {"The", "This", "That", "It", "I", "We", "He", "She", "They", "You", "But", "And", "Then",
                   "Please", "Thanks", "Thank", "Regards", "Best", "Dear", "Hi", "Hello", "If", "In", "On",
                   "At", "For", "My", "Our", "Your", "St", "St.", "Mobile", "Phone", "Tel", "Fax", "Desk",
                   "Email", "E-mail", "Website", "Office", "Name", "Address", "Personal", "Cell", "Home",
                   "Work"}


class StreetAddressRecognizer(VeilRecognizer):
    """House number + street (any order, many languages) plus unit, city, postcode and country."""

    def __init__(self) -> None:
        super().__init__(["STREET_ADDRESS"])

    def analyze(self, text, entities, nlp_artifacts=None):
        spans = [(m.start(), m.end(), 0.7) for core in _CORES for m in core.finditer(text)
                 if core is _CORES[-1] or not (_has_function_word(m.group()) or _is_quantity_or_date(m.group())
                                               or not (_names_a_street(m.group()) or _cued(text, m.start())))]
        spans += [(m.start("core"), m.end("core"), 0.6) for m in _CUED.finditer(text)
                  if not _has_function_word(m.group("core"))]
        results = [self._result(start, _extend(text, end, _continuation_for(text[start:end])), score)
                   for start, end, score in spans]
        results += [self._result(m.start(), m.end(), 0.5) for m in _STANDALONE_UNIT.finditer(text)]
        results += [self._result(m.start("line"), m.end("line"), 0.6) for m in _US_PLACE_LINE.finditer(text)
                    if _is_us_place_line(m)]
        return results

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return result(self, "STREET_ADDRESS", start, end, score)


def _is_us_place_line(match: re.Match) -> bool:
    """The ZIP code lies in the state's range; the place is capitalised beside a code in capitals, or
    the line is all lower case (a chat, a re-cased note); no place word is an English function word,
    and the place is not a field label ("Badge ID 51902" is an identifier)."""
    state, place, line = match["state"], match["place"], match["line"]
    prefix = int(match["zip"][:3])
    if not any(low <= prefix <= high for low, high in US_ZIP_PREFIXES[state.upper()]):
        return False
    words = place.split()
    if state.isupper():
        cased = all(w[0].isupper() for w in words)
    else:  # in lower case "in", "or" and "me" are words first: a comma must set them apart
        cased = line == line.lower() and (state not in _WORD_CODES or "," in line)
    return cased and not any(_is_function_word(w) for w in words) and not is_field_label(place)


_WORD_CODES = frozenset({"in", "or", "me"})


def _cued(text: str, start: int) -> bool:
    """"new address is 14 marrowbone walk": a cue vouches for a street type that needs a capital."""
    return _CUE_BEFORE.search(text, max(0, start - 60), start) is not None


def _continuation_for(core: str) -> re.Pattern:
    return _CONTINUATION if any(c.isupper() for c in core) else _LOWERCASE_CONTINUATION


def _extend(text: str, end: int, continuation: re.Pattern) -> int:
    """Grow an address over the unit, place names and postcode that follow it."""
    for _ in range(_MAX_CONTINUATIONS):
        if _ends_a_sentence(text, end):
            break  # "88 Mortimer Road. Section 21 notice …": the next sentence is no place
        match = continuation.match(text, end)
        if not match or _starts_sentence(match.group()):
            break
        end = match.end()
    if text[end - 1] == "." and end - 4 >= 0 and text[end - 4:end - 1].isalpha():
        end -= 1  # a full stop after a place name ends the sentence, not an abbreviation
    return end


def _ends_a_sentence(text: str, end: int) -> bool:
    """A full stop after a whole word ("Road.", not "Rd."), then a space on the same line."""
    return (text[end - 1:end] == "." and text[max(0, end - 5):end - 1].isalpha()
            and text[end:end + 1] in (" ", "\t"))


def _has_function_word(core: str) -> bool:
    """'3 Songs Of The Summer', 'on the weekend I turn 40': English function words are not street names."""
    return any(w.lower().strip(".,") in STOP_WORDS and w.lower() not in _STREET_TYPE_WORDS
               for w in core.split() if not w[0].isdigit())


_UNIT_WORDS = frozenset(
    f"{unit}{plural}" for unit in ("second", "minute", "hour", "hr", "day", "night", "week", "month", "year", "yr",
                                   "time", "mg", "ml", "kg", "km", "mile", "dose", "tablet")
    for plural in ("", "s"))
_MONTHS = month_words()  # the one that is also a modal verb is a stop word as well (_has_function_word)
_NOT_STREET_WORDS = _UNIT_WORDS | _MONTHS


def _is_quantity_or_date(core: str) -> bool:
    """'3 hours 42 minutes', '2 tablets 3 times', '9' + a month + '2024': not a building, a street and a number."""
    return any(w.lower().strip(".,") in _NOT_STREET_WORDS for w in core.split())


# Street types that are hardly anything else; "green", "via", "run", "al." need a capitalised name.
_UNAMBIGUOUS_TYPES = frozenset("street st avenue ave road rd boulevard blvd lane ln drive terrace parkway pkwy "
                               "highway hwy crescent strasse straße gasse rue calle".split())


def _names_a_street(core: str) -> bool:
    """"12 Wrenfield Lane", "rue des Lilas 14", "12 main street"; not "10 cups 2" or "4 thick green"."""
    words = [w.strip(".,") for w in core.split() if not w[0].isdigit()]
    return any(w[:1].isupper() for w in words) or any(w.lower() in _UNAMBIGUOUS_TYPES for w in words)


def _starts_sentence(piece: str) -> bool:
    words = piece.strip(" \t\n>?*|,-").split()
    return bool(words) and (_opens_sentence(words[0]) or any(_is_function_word(w) for w in words))


def _opens_sentence(word: str) -> bool:
    """"Thanks", and in lower-case text "thanks"; "st" in lower case is still a saint ("st albans")."""
    return word in _SENTENCE_WORDS or (word.islower() and word.capitalize() in _SENTENCE_WORDS
                                       and not word.startswith("st"))


def _is_function_word(word: str) -> bool:
    """'or', 'in', 'me' are; 'OR', 'IN', 'ME' after a city are Oregon, Indiana and Maine."""
    return word.lower() in STOP_WORDS and not (len(word) == 2 and word.isupper())

