"""`veil watch DIR` (and `veil serve --watch DIR`): keep a collection in step with a folder.

On start the folder is caught up as `veil ingest DIR --sync` would (an unchanged file costs one hash,
so a restart re-ingests nothing it already did; what changed while nobody watched is picked up). Then
file-system events (`watchfiles`) feed the same bulk stages and the same journal and statuses: a new
or changed file is ingested once it has *settled* — its size and modification time unchanged for
`settle_s` — so a file still being copied is never read half-written; a deletion (or a rename, or a
folder moved away) removes the documents whose files are gone, found by walking the folder as `--sync`
does. Each file's result goes to `on_result`, one line per file in the CLI.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import VeilError
from ingest.bulk import BulkIngest
from ingest.names import DEFAULT_GROUPS, collection_name, reader_groups
from ingest.pipeline import IngestReport
from ingest.sources import sources_below

log = logging.getLogger(__name__)

DEFAULT_SETTLE_S = 1.0


@dataclass
class Settling:
    """Changed paths wait here until their size and mtime stop moving for `settle_s` seconds."""

    settle_s: float
    clock: Callable[[], float] = time.monotonic
    _pending: dict[Path, tuple[tuple[int, int] | None, float]] = field(default_factory=dict)

    def note(self, path: Path) -> None:
        self._pending[path] = (_signature(path), self.clock())

    def settled(self) -> list[Path]:
        """The paths quiet for `settle_s`, taken out; a path that moved since is noted again."""
        now, ready = self.clock(), []
        for path, (signature, since) in list(self._pending.items()):
            current = _signature(path)
            if current != signature:
                self._pending[path] = (current, now)
            elif now - since >= self.settle_s:
                ready.append(path)
                del self._pending[path]
        return ready

    def __len__(self) -> int:
        return len(self._pending)


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None  # gone (or unreadable): settled as it is; the ingest reports what it finds
    return st.st_size, st.st_mtime_ns


class FolderWatch:
    """One folder, one collection: `serve` catches up, then follows events until `stop` is set."""

    def __init__(self, bulk: BulkIngest, folder: Path, collection: str,
                 groups: Iterable[str] = DEFAULT_GROUPS, settle_s: float = DEFAULT_SETTLE_S) -> None:
        if not folder.is_dir() or folder.is_symlink():
            raise VeilError(f"not a folder: {folder} (veil watch follows one folder, links are not followed)")
        self._bulk, self._folder = bulk, folder.absolute()
        self._collection, self._groups = collection_name(collection), reader_groups(groups)
        self._settling = Settling(settle_s)
        self._removals = False

    @property
    def folder(self) -> Path:
        return self._folder

    def catch_up(self) -> IngestReport:
        """What changed while nobody watched, as `veil ingest DIR --sync`."""
        return self._bulk.run([self._folder], self._collection, self._groups, sync=True)

    def serve(self, stop: threading.Event) -> None:
        """Catch up, then watch until `stop` is set. The watch is armed before the catch-up, so a file
        that arrives meanwhile is never missed. Events are read with a timeout of `settle_s`, so settled
        files are ingested even when nothing else happens."""
        import watchfiles

        tick_ms = max(50, int(self._settling.settle_s * 1000))
        caught_up = False
        for changes in watchfiles.watch(self._folder, stop_event=stop, rust_timeout=tick_ms, yield_on_timeout=True,
                                        debounce=tick_ms, step=50, ignore_permission_denied=True,
                                        raise_interrupt=False):  # armed from here; the first set comes a tick later
            if not caught_up:
                self.catch_up()
                caught_up = True
            self.note(changes)
            self.apply()

    def note(self, changes: Iterable[tuple[object, str]]) -> None:
        """Events in: additions and changes wait to settle; a deletion schedules a removal pass."""
        import watchfiles

        for change, raw in changes:
            path = Path(raw)
            if change == watchfiles.Change.deleted:
                self._removals = True
            else:
                self._settling.note(path)
            if change != watchfiles.Change.added and path.is_dir():
                self._removals = True  # a folder renamed or emptied: its old files may be gone

    def apply(self) -> list[IngestReport]:
        """Ingest what settled and remove what is gone; returns the reports (empty when nothing was due)."""
        reports = []
        if ready := self._settling.settled():
            sources = [s for s in sources_below(self._folder, ready) if s.problem != "file not found"]
            if sources:
                reports.append(self._bulk.run_sources(sources, self._collection, self._groups))
        if self._removals and not len(self._settling):  # after the additions: a rename is never a gap
            self._removals = False
            reports.append(self._bulk.remove_missing(self._folder, self._collection))
        return [r for r in reports if r.files]
