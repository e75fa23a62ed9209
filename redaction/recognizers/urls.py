"""Web addresses, justified by FORMAT: a scheme ("https://"), "www.", or a bare domain on a
generic or well-known country top-level domain.

Presidio's stock recognizer takes any "word.word" on a public suffix for a URL, and hurried notes
drop the space after a full stop ("held.pt", "today.no"), so top-level domains that are also
English words or common abbreviations only count with a scheme or "www.".
"""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

_TAIL = r"(?:[/?#][^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])?"
_BARE_TLDS = ("com|org|net|edu|gov|mil|int|io|info|biz|app|dev|ai|co\\.uk|org\\.uk|ac\\.uk|gov\\.uk|nhs\\.uk|"
              "de|fr|nl|eu|ch|se|dk|fi|ie|pl|ca|au|nz|jp|cn|ru|br|es")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"


class WebAddressRecognizer(PatternRecognizer):
    """URLs with a scheme or www., and bare domains on the TLDs above (replaces Presidio's UrlRecognizer)."""

    def __init__(self) -> None:
        super().__init__(
            supported_entity="URL", name="WebAddressRecognizer",
            patterns=[Pattern("url with scheme", r"(?i)\b(?:https?|ftps?|sftp)://[^\s<>\"'()\[\]]+" + _TAIL, 0.8),
                      Pattern("www address", rf"(?i)(?<![\w@.-])www\.(?:{_LABEL}\.)+[a-z]{{2,24}}\b{_TAIL}", 0.7),
                      Pattern("bare domain", rf"(?<![\w@.-])(?:{_LABEL}\.)+(?:{_BARE_TLDS})(?![\w-]|\.[a-z]){_TAIL}",
                              0.5)],
            global_regex_flags=0)
