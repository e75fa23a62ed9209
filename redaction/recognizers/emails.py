"""E-mail addresses, justified by FORMAT (the RFC 5322 dot-atom shape), on ANY domain.

Presidio's stock recognizer accepts only domains on the public suffix list, so company mail
(`jdoe@corp.local`, `a.b@fin.internal`, `x@host.example`) stayed whole or was half-replaced as a
URL. An address needs no registry to be personal data. Addresses written to dodge filters
("jane dot doe at example dot com", "j o h n @ ...") are found too.
"""

from __future__ import annotations


from presidio_analyzer import Pattern, PatternRecognizer

# local part: dot-atom characters; domain: dot-separated labels, the last alphabetic. Letters of any
# script (internationalised addresses, RFC 6531: "jürgen.weiß@beispiel.de", "info@müller-bäckerei.de").
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_ADDRESS = (rf"(?<![\w.%+-]){_ATOM}(?:\.{_ATOM})*"
            rf"@(?:{_LABEL}\.)+[^\W\d_]{{2,24}}(?![\w-])")


class AnyDomainEmailRecognizer(PatternRecognizer):
    """local@domain.tld for every domain, internal ones included (replaces Presidio's EmailRecognizer)."""

    def __init__(self) -> None:
        super().__init__(supported_entity="EMAIL_ADDRESS", name="AnyDomainEmailRecognizer",
                         patterns=[Pattern("e-mail address", _ADDRESS, 0.9)], global_regex_flags=0)


_TLDS = r"com|org|net|edu|gov|mil|int|io|co|uk|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|pl|ie|ca|au|nz|in|jp|br|info|biz|me|us"
# Every repetition is bounded and, where nothing after it can start with what it takes, possessive:
# the pattern is tried at every word start, and an unbounded run ("a.a.a.a..." without an "at")
# made each try scan to the end of the text (quadratic, worse with backtracking).
_GAP = r"\s{0,8}+"
_AT = rf"(?:{_GAP}[\[({{<]{_GAP}(?i:at){_GAP}[\])}}>]{_GAP}|\s{{1,8}}+(?i:at)\s{{1,8}}+)"  # "at", "AT"
_DOT = rf"(?:{_GAP}[\[({{<]{_GAP}(?i:dot){_GAP}[\])}}>]{_GAP}|\s{{1,8}}+(?i:dot)\s{{1,8}}+|\.)"
_PART = r"[A-Za-z0-9][A-Za-z0-9_+-]{0,63}+"  # an e-mail address's local part is at most 64 characters
_MAX_PARTS = 8



class ObfuscatedEmailRecognizer(PatternRecognizer):
    """"jane dot doe at example dot com", "jane(at)example(dot)org": addresses written to dodge filters."""

    def __init__(self) -> None:
        pattern = (rf"\b{_PART}(?:{_DOT}{_PART}){{0,{_MAX_PARTS}}}+{_AT}"
                   rf"{_PART}(?:{_DOT}{_PART}){{0,{_MAX_PARTS}}}{_DOT}(?i:{_TLDS})\b")
        super().__init__(supported_entity="EMAIL_ADDRESS", name="ObfuscatedEmailRecognizer",
                         patterns=[Pattern("obfuscated e-mail", pattern, 0.5)], global_regex_flags=0)

    def validate_result(self, pattern_text: str) -> bool | None:
        """Prose has " at " too ("meet at noon.com"? no): demand a spelled-out or bracketed marker."""
        lowered = pattern_text.lower()
        marked = "dot" in lowered or "(at)" in lowered or "[at]" in lowered or "<at>" in lowered
        return None if marked else False


class SpacedEmailRecognizer(PatternRecognizer):
    """"j o h n . s m i t h @ g m a i l . c o m": one character at a time around an @."""

    def __init__(self) -> None:
        char = r"[A-Za-z0-9._+-]"
        # bounded (a local part has at most 64 characters, a domain 255) and possessive before the "@":
        # unbounded, every character of a long "1 1 1 ..." line started a scan to the end of the line
        pattern = rf"(?<![\w@])(?:{char} ){{2,64}}+@(?: {char}){{3,255}}(?![\w@])"
        super().__init__(supported_entity="EMAIL_ADDRESS", name="SpacedEmailRecognizer",
                         patterns=[Pattern("spaced e-mail", pattern, 0.6)], global_regex_flags=0)


def email_recognizers() -> list:
    return [AnyDomainEmailRecognizer(), ObfuscatedEmailRecognizer(), SpacedEmailRecognizer()]
