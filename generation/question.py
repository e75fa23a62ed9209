"""What a question asks for, as classic question-answering systems read it: its expected answer type
(from the wh-phrase: "how much" wants an amount, "how long" a duration, "when" a date) and its focus
(the noun the question is about: "What was the *root cause* that …", "What *dose* of …").

A sentence that holds the expected kind of value, or names the focus, is more likely the answer than
one that merely restates the question's topic (a title, a heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from core.vocabulary.calendar_words import month_pattern
from core.vocabulary.currencies import COMMON_CURRENCY_CODES, CURRENCY_NAMES, CURRENCY_SYMBOLS
from core.vocabulary.patterns import alternation
from generation.grounding import content_stems

_NUM = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"\
       r"forty|fifty|sixty|hundred|thousand|million|billion|a few|several)"
_CURRENCY = (rf"(?:[{re.escape(CURRENCY_SYMBOLS)}]|\b(?:{alternation(c.upper() for c in COMMON_CURRENCY_CODES)}"
             rf"|{alternation(CURRENCY_NAMES)}s?)\b)")  # IGNORECASE where used
_TIME_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_DOSE_UNIT = r"(?:mg|mcg|µg|g|kg|ml|mL|l|units?|IU|tablets?|capsules?|puffs?|drops?)"
_MONTH = month_pattern(abbreviated=False, capitalised=True)

ANSWER_FORMS = {
    "amount": re.compile(rf"{_CURRENCY}\s?\d|\d[\d,.]*\s?{_CURRENCY}", re.IGNORECASE),
    "dose": re.compile(rf"\b\d[\d,.]*\s?{_DOSE_UNIT}\b"),
    "duration": re.compile(rf"\b{_NUM}[\s-]+{_TIME_UNIT}\b", re.IGNORECASE),
    "number": re.compile(rf"\b\d[\d,.]*\s?(?:%|percent\b)?|\b{_NUM}\b", re.IGNORECASE),
    "date": re.compile(rf"<DATE_TIME_\d+>|\b(?:1[5-9]|20)\d\d\b|\b{_MONTH}\b|\b\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\b"),
    "person": re.compile(r"<(?:PERSON|ORGANIZATION|TITLE)_\d+>|\b[A-Z][a-z]+ [A-Z][a-z]+\b"),
    "place": re.compile(r"<(?:LOCATION|STREET_ADDRESS|ORGANIZATION)_\d+>|\b(?:in|at|from) [A-Z][a-z]+"),
}

# (pattern on the question's opening, expected answer type); the first that matches wins
_WH_TYPES = [
    (r"how (?:much|many) (?:money|dollars|euros|pounds)|how much (?:is|was|will|would|does|did|do)\b"
     r"|what (?:is |was )?(?:the )?(?:amount|cost|price|fee|salary|sum|budget|total)\b"
     r"|(?:what|how much)\b[^?]*\b(?:cost|costs|pay|paid|charge|charged|owe|owed|lend|borrow|wired?)\b", "amount"),
    (r"what (?:is |was )?(?:the )?(?:dose|dosage)\b|how many (?:mg|milligrams|tablets|units)", "dose"),
    (r"(?:for )?how long\b|what (?:is |was )?(?:the )?(?:duration|period|length of)\b", "duration"),
    (r"how (?:many|much|often|old|far|large|big|high)\b|what (?:is |was |are |were )?(?:the )?(?:[\w-]+ ){0,2}?"
     r"(?:number|percentage|percent|proportion|rate|ratio|share|fraction|age|size|level|incidence|prevalence)s?\b",
     "number"),
    (r"when\b|what (?:is |was )?(?:the )?(?:date|year|day|month|time)\b|(?:in )?what year\b", "date"),
    (r"who\b|whom\b|whose\b|which (?:person|company|firm|doctor|physician|organi[sz]ation)\b", "person"),
    (r"where\b|in which (?:country|city|state|region|place)\b|what (?:country|city|place|location)\b", "place"),
]
_CLAUSE_START = r"(?:^|[,;:]\s*)\W*"  # a question may open with a clause: "After leaving, for how long …"
_WH_TYPES_COMPILED = [(re.compile(rf"{_CLAUSE_START}(?:{p})", re.IGNORECASE), t) for p, t in _WH_TYPES]
_OPENING = re.compile(_CLAUSE_START + r"(?:for\s+)?(?:what|which|who|whom|whose|where|when|why|how)"
                      r"(?:\s+(?:much|many|long|often|old|far))?(?:\s+(?:is|are|was|were|do|does|did|"
                      r"has|have|had|will|would|can|could|should|may|might))?(?:\s+(?:the|a|an|this|that|these|"
                      r"those|his|her|their|its))?\s+", re.IGNORECASE)
_FOCUS_END = re.compile(r"\b(?:of|for|that|which|who|in|on|at|to|by|with|from|did|does|do|was|were|is|are|has|"
                        r"have|had|will|would|can|could|should|after|before|when|if)\b|[?,;]", re.IGNORECASE)


_COPULA = r"\s+(?:is|was|are|were|has been|had been|remains|remained)\b"
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@dataclass(frozen=True)
class QuestionShape:
    answer_type: str | None
    focus: frozenset[str]  # content-word stems of the focus phrase
    focus_phrase: str = ""  # the focus as the question words it ("root cause")

    def expects(self, sentence: str) -> bool:
        form = ANSWER_FORMS.get(self.answer_type or "")
        return bool(form and form.search(sentence))

    def names_focus(self, sentence: str) -> bool:
        return bool(self.focus) and self.focus <= content_stems(sentence)

    def defines_focus(self, sentence: str) -> bool:
        """The sentence predicates the focus ("The root cause was …"), the surface form of a definitional
        answer to "What was the root cause …" (the answer-pattern idea of classic QA systems)."""
        return bool(self.focus_phrase) and _predication(self.focus_phrase).search(sentence) is not None


def read_question(question: str) -> QuestionShape:
    answer_type = next((t for pattern, t in _WH_TYPES_COMPILED if pattern.search(question)), None)
    opening = _OPENING.search(question)
    rest = question[opening.end():] if opening else ""
    end = _FOCUS_END.search(rest)
    phrase = (rest[: end.start()] if end else rest) if rest else ""
    focus = content_stems(phrase) if phrase else set()
    if not focus or len(focus) > 3:
        return QuestionShape(answer_type, frozenset())
    return QuestionShape(answer_type, frozenset(focus), " ".join(_WORD.findall(phrase)))


@lru_cache(maxsize=256)
def _predication(phrase: str) -> re.Pattern:
    """The focus phrase (each word's plural too) followed by a copula."""
    words = r"\W+".join(re.escape(w) + "(?:e?s)?" for w in phrase.split())
    return re.compile(rf"\b{words}{_COPULA}", re.IGNORECASE)
