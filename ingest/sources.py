"""The files an ingest reads: folders walked recursively, every file reported, symbolic links never followed.

Names keep only what tells documents apart ("patients/2024/a.pdf" for a folder "/home/jo/patients"):
nothing above the folder the admin named reaches the store (data minimisation). A name that is not
valid UTF-8 is shown with U+FFFD in place of the bad bytes; its identity (the document id) uses the
raw bytes, so two such files never collide.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath

from core import ids
from core.errors import VeilError


@dataclass(frozen=True)
class SourceFile:
    path: Path  # where to read it
    name: str   # what Veil stores and shows: the folder given and the path below it, or the file name
    folder_id: str | None = None  # the folder named on the command line, as an id (for --sync)
    problem: str | None = None    # why it cannot be read at all (a link, a device, an unreadable folder)

    @property
    def source_key(self) -> str:
        """The file's identity for `doc_id`: its resolved folder and its own name (a link is not followed),
        bytes that are not UTF-8 as \\x escapes."""
        return os.fsencode(self.path.parent.resolve() / self.path.name).decode("utf-8", errors="backslashreplace")


def folder_id(folder: Path) -> str:
    """uuid5 of the resolved folder, like doc_id: the journal never holds the path itself."""
    return ids.document_id("folder", os.fsencode(folder.resolve()).decode("utf-8", errors="backslashreplace"))


def iter_sources(paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Folders expand recursively in a stable order; hidden files and folders (".git") are skipped."""
    for path in paths:
        if path.is_symlink():
            yield SourceFile(path, _shown(path.name), problem="symbolic link: not followed")
        elif path.is_dir():
            yield from _walk(path, _shown(path.resolve().name), folder_id(path))
        else:
            yield _file(path, _shown(path.name), None)


def sources_below(root: Path, paths: Iterable[Path]) -> Iterator[SourceFile]:
    """Some files (or sub-folders) of the folder `root`, named and identified exactly as walking `root`
    names them, so that `--sync` and `veil watch` agree on every document. Paths outside `root`, hidden
    ones, and ones inside a hidden folder are skipped, as the walk skips them."""
    root_name, folder = _shown(root.resolve().name), folder_id(root)
    for path in sorted(set(paths)):
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        if not relative.parts or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_dir() and not path.is_symlink():
            yield from _walk(root, root_name, folder, top=path)
        else:
            yield _file(path, _name(root_name, root, path), folder)


def _walk(root: Path, root_name: str, folder: str, top: Path | None = None) -> Iterator[SourceFile]:
    """The files below `top` (default: all of `root`), named relative to `root`."""
    errors: list[OSError] = []
    for directory, dirnames, filenames in os.walk(top or root, onerror=errors.append, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        here = Path(directory)
        for link in [d for d in dirnames if (here / d).is_symlink()]:
            dirnames.remove(link)  # os.walk lists links to folders as folders; they are not followed
            yield SourceFile(here / link, _name(root_name, root, here / link), folder,
                             "symbolic link: not followed")
        for filename in sorted(f for f in filenames if not f.startswith(".")):
            yield _file(here / filename, _name(root_name, root, here / filename), folder)
        while errors:  # a sub-folder that cannot be listed is reported, not skipped in silence
            failed = Path(errors.pop(0).filename or directory)
            yield SourceFile(failed, _name(root_name, root, failed), folder, "folder cannot be read")


def _file(path: Path, name: str, folder: str | None) -> SourceFile:
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return SourceFile(path, name, folder, "file not found")
    except OSError as exc:
        return SourceFile(path, name, folder, f"cannot read file: {exc.strerror or 'error'}")
    if stat.S_ISLNK(mode):
        return SourceFile(path, name, folder, "symbolic link: not followed")
    if not stat.S_ISREG(mode):
        return SourceFile(path, name, folder, "not a regular file (a device, socket or pipe)")
    return SourceFile(path, name, folder)


def _name(root_name: str, root: Path, path: Path) -> str:
    return _shown(PurePath(root_name, path.relative_to(root)).as_posix())


def _shown(name: str) -> str:
    """Bytes that are not UTF-8 (kept by the OS as surrogate escapes) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", errors="replace")


def read_source(source: SourceFile, max_bytes: int) -> bytes:
    """The file's bytes, or a VeilError a person understands; never follows a link."""
    if source.problem:
        raise VeilError(source.problem)
    try:
        fd = os.open(source.path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise VeilError("file not found") from None
    except OSError as exc:
        raise VeilError(f"cannot read file: {exc.strerror or 'error'}") from None
    with os.fdopen(fd, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > max_bytes:
            raise VeilError(f"file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit "
                            "(parsing.max_file_mb)")
        try:
            return file.read(max_bytes + 1)
        except OSError as exc:
            raise VeilError(f"cannot read file: {exc.strerror or 'error'}") from None
