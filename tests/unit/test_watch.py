"""`veil watch`: files are read once settled, through the bulk stages and the journal, deletions found
by walking the folder, a restart re-ingests nothing; and the real watcher thread on real inotify events."""

from __future__ import annotations

import threading
import time

import pytest
import watchfiles

from core.errors import VeilError
from ingest.bulk import BulkIngest
from ingest.sources import iter_sources, sources_below
from ingest.watch import FolderWatch, Settling
from tests.fakes import InlineParser
from tests.unit.helpers import fake_veil

ADDED, MODIFIED, DELETED = watchfiles.Change.added, watchfiles.Change.modified, watchfiles.Change.deleted


@pytest.fixture
def veil(tmp_path):
    v = fake_veil(tmp_path / "data")
    yield v
    v.close()


def write(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_path_settles_only_after_its_size_and_time_stop_moving(tmp_path):
    clock = Clock()
    settling = Settling(1.0, clock)
    growing = write(tmp_path / "a.txt", "first part")
    settling.note(growing)
    clock.now = 0.6
    write(growing, "first part and a second part")  # still being copied
    assert settling.settled() == []
    clock.now = 1.2  # quiet for 0.6 s only
    assert settling.settled() == []
    clock.now = 1.7
    assert settling.settled() == [growing]
    assert len(settling) == 0 and settling.settled() == []


def test_sources_below_name_files_exactly_as_the_folder_walk(tmp_path):
    share = tmp_path / "share"
    write(share / "a.txt", "x")
    write(share / "sub" / "deep" / "b.txt", "y")
    write(share / ".hidden" / "c.txt", "z")
    write(tmp_path / "outside.txt", "w")
    walked = {s.name: s for s in iter_sources([share])}
    picked = list(sources_below(share, [share / "a.txt", share / "sub", share / ".hidden" / "c.txt",
                                        tmp_path / "outside.txt"]))
    assert [s.name for s in picked] == ["share/a.txt", "share/sub/deep/b.txt"]  # a folder expands
    for source in picked:
        assert (source.source_key, source.folder_id) == (walked[source.name].source_key,
                                                         walked[source.name].folder_id)


def watcher(veil, share, **kw) -> FolderWatch:
    return FolderWatch(BulkIngest(veil.pipeline, InlineParser()), share, "default", settle_s=0.0, **kw)


def statuses(reports):
    return sorted((r.path, r.status) for report in reports for r in report.files)


def test_new_changed_and_deleted_files_go_through_the_journal(veil, tmp_path):
    share = tmp_path / "share"
    write(share / "a.txt", "Refunds take 14 days.")
    watch = watcher(veil, share)
    assert statuses([watch.catch_up()]) == [("share/a.txt", "ingested")]

    b = write(share / "sub" / "b.txt", "Parcels ship on weekdays.")
    watch.note({(ADDED, str(b))})
    assert statuses(watch.apply()) == [("share/sub/b.txt", "ingested")]

    write(b, "Parcels ship every day.")
    watch.note({(MODIFIED, str(b))})
    assert statuses(watch.apply()) == [("share/sub/b.txt", "updated")]
    assert [c.text for c in veil.store.iter_chunks("default") if "Parcels" in c.text] == ["Parcels ship every day."]

    (share / "a.txt").unlink()
    watch.note({(DELETED, str(share / "a.txt"))})
    assert statuses(watch.apply()) == [("share/a.txt", "deleted")]
    assert veil.store.count("default") == 1
    assert watch.apply() == []  # nothing more is due


def test_a_folder_moved_away_removes_its_documents_and_a_rename_loses_nothing(veil, tmp_path):
    share = tmp_path / "share"
    write(share / "old" / "a.txt", "Refunds take 14 days.")
    write(share / "old" / "b.txt", "Parcels ship on weekdays.")
    watch = watcher(veil, share)
    watch.catch_up()
    (share / "old").rename(share / "new")  # inotify reports the folders only, never the files inside
    watch.note({(DELETED, str(share / "old")), (ADDED, str(share / "new"))})
    assert statuses(watch.apply()) == [("share/new/a.txt", "ingested"), ("share/new/b.txt", "ingested"),
                                       ("share/old/a.txt", "deleted"), ("share/old/b.txt", "deleted")]
    assert veil.store.count("default") == 2


def test_a_restart_re_ingests_nothing_and_catches_up_on_what_changed_meanwhile(veil, tmp_path):
    share = tmp_path / "share"
    write(share / "a.txt", "Refunds take 14 days.")
    write(share / "b.txt", "Parcels ship on weekdays.")
    watcher(veil, share).catch_up()
    (share / "b.txt").unlink()  # while nobody watched
    write(share / "c.txt", "Invoices are due in 30 days.")
    assert statuses([watcher(veil, share).catch_up()]) == [
        ("share/a.txt", "unchanged"), ("share/b.txt", "deleted"), ("share/c.txt", "ingested")]


def test_a_broken_file_is_reported_and_the_watch_goes_on(veil, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    watch = watcher(veil, share)
    watch.catch_up()
    empty, good = write(share / "empty.txt", ""), write(share / "good.txt", "Refunds take 14 days.")
    watch.note({(ADDED, str(empty)), (ADDED, str(good))})
    assert statuses(watch.apply()) == [("share/empty.txt", "failed"), ("share/good.txt", "ingested")]


def test_watching_something_that_is_not_a_folder_fails_clearly(veil, tmp_path):
    with pytest.raises(VeilError, match="not a folder"):
        watcher(veil, write(tmp_path / "a.txt", "x"))
    with pytest.raises(VeilError, match="collection"):
        FolderWatch(BulkIngest(veil.pipeline, InlineParser()), tmp_path, "HR docs")


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not get there in time"
        time.sleep(0.05)


def test_the_watcher_thread_follows_real_file_system_events(veil, tmp_path):
    share = tmp_path / "share"
    share.mkdir()
    seen = []
    bulk = BulkIngest(veil.pipeline, InlineParser(), on_result=lambda result, progress: seen.append(
        (result.path, result.status)))
    watch = FolderWatch(bulk, share, "default", settle_s=0.2)
    stop = threading.Event()
    thread = threading.Thread(target=watch.serve, args=(stop,), daemon=True)
    thread.start()
    try:
        time.sleep(0.5)  # the watch is armed
        write(share / "a.txt", "Refunds take 14 days.")
        wait_for(lambda: ("share/a.txt", "ingested") in seen)
        (share / "a.txt").unlink()
        wait_for(lambda: ("share/a.txt", "deleted") in seen)
        assert veil.store.count("default") == 0
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    assert seen.count(("share/a.txt", "ingested")) == 1  # settled once, read once
