"""Names a client hands Veil - a collection, reader groups, a file's name - checked or made safe before
anything is written.

A collection or group name that Veil cannot store is refused, with the rule, at every entry point (CLI,
REST, queue) and again by the pipeline before its journal sees the document: a bad name must never
reach the state database, where it would stop every later start.

A file's name is only shown and stored, never used as a path, but it is text from outside: an upload
may be called `../../etc/passwd`, `C:\\Windows\\x`, hold control characters or a look-alike of a
placeholder. `display_name` keeps what tells a person which file it was and drops the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from core.errors import VeilError
from core.placeholders import neutralise
from core.settings import COLLECTION_NAME

DEFAULT_GROUPS = ("everyone",)
_COLLECTION = re.compile(COLLECTION_NAME)
_GROUP = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
MAX_NAME_CHARS = 255  # a stored file name, folders included (the common file-system limit for one name)
UNNAMED = "unnamed"
_SEPARATORS = re.compile(r"[/\\]+")
_DRIVE = re.compile(r"^[A-Za-z]:")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,8}$")
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})  # controls, NUL, bidi overrides, line separators


def collection_name(name: str) -> str:
    """The name itself when Veil can store a collection under it; otherwise a VeilError saying why."""
    if not isinstance(name, str) or not _COLLECTION.match(name):
        raise VeilError(f"invalid collection name {_shown(name)}: use letters, digits, _ and - (at most 64)")
    return name


def reader_groups(groups: Sequence[str]) -> tuple[str, ...]:
    """Validated, de-duplicated, sorted; an empty list means the default (`everyone`)."""
    cleaned = tuple(sorted({g.strip() for g in groups if g.strip()})) or DEFAULT_GROUPS
    bad = [g for g in cleaned if not _GROUP.match(g)]
    if bad:
        raise VeilError(f"invalid group name {_shown(bad[0])}: use letters, digits, '.', '_' and '-' (at most 64)")
    return cleaned


def display_name(name: str) -> str:
    """A client's file name as Veil stores and shows it.

    Control and format characters go; a name that climbs out of its folder (`..`), starts at a root
    (`/`, `\\`, `C:`, `~`) is reduced to its last part; a plain relative name keeps its folders
    (`hr/2022/a.pdf`: the CLI sends the folder-relative names of a bulk ingest this way), with `/`
    between them. Over MAX_NAME_CHARS, leading folders go first, then the file name is shortened
    before its extension. Look-alikes of placeholders are neutralised like document text."""
    text = "".join(c for c in str(name) if unicodedata.category(c) not in _INVISIBLE)
    rooted = text.lstrip().startswith(("/", "\\", "~")) or bool(_DRIVE.match(text.lstrip()))
    parts = [p.strip() for p in _SEPARATORS.split(text)]
    parts = [p for p in parts if p not in ("", ".")]
    if rooted or ".." in parts:
        parts = [p for p in parts[-1:] if p != ".."]
    while len(parts) > 1 and len("/".join(parts)) > MAX_NAME_CHARS:
        parts.pop(0)
    shown = "/".join(parts) or UNNAMED
    return neutralise(_shortened(shown))


def _shortened(name: str) -> str:
    if len(name) <= MAX_NAME_CHARS:
        return name
    match = _EXTENSION.search(name)
    extension = match.group() if match else ""
    return name[: MAX_NAME_CHARS - len(extension) - 1] + "\u2026" + extension


def _shown(value) -> str:
    """A refused name in an error message: quoted, escaped, never long."""
    text = str(value)
    return repr(text[:64] + ("..." if len(text) > 64 else ""))
