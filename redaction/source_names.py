"""File names carry personal data too ("Whitfield_Eleanor/discharge.pdf"): redact them like the text.

A name is redacted in the same batch as its document, so its placeholders agree with the body's
and a surname found in the text is found in the name. Each folder and file name is one text;
"_" and "+" become spaces for detection (recognizers look for word boundaries and "_" is a word
character) and the extension is blanked, which keeps every offset.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from core.types import Redacted

_PATH_SEPARATOR = re.compile(r"([/\\])")
_WORD_JOINERS = str.maketrans({"_": " ", "+": " "})
# A file extension is no personal data, but ".do", ".md" or ".py" would pass for a domain name.
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")


class SourceName:
    """A path split into the parts a detector sees, and put back together once they are redacted."""

    def __init__(self, path: str) -> None:
        self._pieces = _PATH_SEPARATOR.split(path)  # names at even indexes, separators at odd ones
        self._names = self._pieces[::2]

    def texts(self) -> list[str]:
        """One text per folder or file name, joiners and extension as spaces: same length, same offsets."""
        texts = [name.translate(_WORD_JOINERS) for name in self._names]
        texts[-1] = _EXTENSION.sub(lambda m: " " * len(m.group()), texts[-1])
        return texts

    def rebuild(self, redacted: Sequence[Redacted]) -> Redacted:
        """The stored path, with spans located in it (for the audit trail)."""
        text, spans = "", []
        for index, (name, red) in enumerate(zip(self._names, redacted, strict=True)):
            spans += [replace(s, start=s.start + len(text), end=s.end + len(text)) for s in red.spans]
            text += _restore(name, red)
            if 2 * index + 1 < len(self._pieces):
                text += self._pieces[2 * index + 1]
        return Redacted(text, tuple(spans))


def _restore(name: str, redacted: Redacted) -> str:
    """The redacted name with its original joiners wherever they can be placed exactly.

    Text before the first placeholder and after the last lines up with `name` character for
    character; between two placeholders only the detectable form is known, so it stays as it is.
    """
    if not redacted.spans:
        return name
    first = min(redacted.spans, key=lambda s: s.start)
    last = max(redacted.spans, key=lambda s: s.end)
    tail = len(redacted.text) - last.end
    return name[:first.start] + redacted.text[first.start:last.end] + name[len(name) - tail:]

