"""Bulk ingest: every file reported, incremental, --sync, and the parsing sandbox's limits."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future

import pytest

from core.errors import ParseError
from core.settings import ParsingSettings
from ingest.bulk import BulkIngest
from ingest.sandbox import SandboxedParser
from ingest.sources import iter_sources
from redaction.source_names import SourceName
from tests.fakes import InlineParser
from tests.unit.helpers import fake_veil


@pytest.fixture
def veil(tmp_path):
    v = fake_veil(tmp_path / "data")
    yield v
    v.close()


def write(path, text: str | bytes):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def run(veil, *paths, sync=False, **kw):
    return BulkIngest(veil.pipeline, InlineParser(), **kw).run(list(paths), "default", sync=sync)


def statuses(report):
    return {r.path: (r.status, r.error) for r in report.files}


def test_every_file_is_reported_with_its_status(veil, tmp_path):
    share = tmp_path / "share"
    write(share / "a.txt", "Refunds take 14 days.")
    write(share / "sub" / "b.txt", "Parcels ship on weekdays.")
    write(share / "empty.txt", "")
    write(share / "slides.key", b"\x00\x01binary")
    os.symlink(share / "a.txt", share / "link.txt")
    os.symlink(share / "sub", share / "linked-folder")
    os.mkfifo(share / "pipe.txt")
    write(share / os.fsdecode(b"caf\xe9.txt"), "Menus change on Mondays.")  # a Latin-1 name: not UTF-8
    report = run(veil, share)
    assert statuses(report) == {
        "share/a.txt": ("ingested", None),
        "share/sub/b.txt": ("ingested", None),
        "share/caf\ufffd.txt": ("ingested", None),
        "share/empty.txt": ("failed", "the file is empty"),
        "share/slides.key": ("failed", "unsupported file type (key)"),
        "share/link.txt": ("failed", "symbolic link: not followed"),
        "share/linked-folder": ("failed", "symbolic link: not followed"),
        "share/pipe.txt": ("failed", "not a regular file (a device, socket or pipe)"),
    }
    totals = report.totals()
    assert (totals["files"], totals["ingested"], totals["failed"]) == (8, 3, 5)
    assert veil.store.count("default") == 3


def test_a_second_run_costs_a_hash_and_a_changed_file_is_updated(veil, tmp_path):
    share = tmp_path / "share"
    write(share / "a.txt", "Refunds take 14 days.")
    write(share / "b.txt", "Parcels ship on weekdays.")
    run(veil, share)
    write(share / "b.txt", "Parcels ship every day.")
    parsed = []

    class CountingParser(InlineParser):
        def submit(self, data, filename):
            parsed.append(filename)
            return super().submit(data, filename)

    report = BulkIngest(veil.pipeline, CountingParser()).run([share], "default")
    assert statuses(report) == {"share/a.txt": ("unchanged", None), "share/b.txt": ("updated", None)}
    assert parsed == ["b.txt"]  # the unchanged file was never parsed
    assert sorted(c.text for c in veil.store.iter_chunks("default")) == [
        "Parcels ship every day.", "Refunds take 14 days."]


def test_sync_removes_documents_of_files_gone_from_that_folder_only(veil, tmp_path):
    share, other = tmp_path / "share", tmp_path / "other"
    write(share / "keep.txt", "Refunds take 14 days.")
    write(share / "gone.txt", "Parcels ship on weekdays.")
    write(share / "broken.txt", "Menus change on Mondays.")
    write(other / "elsewhere.txt", "Payroll runs monthly.")
    run(veil, share)
    run(veil, other)
    (share / "gone.txt").unlink()
    write(share / "broken.txt", "")  # still there, now unreadable: its published version stays
    without_sync = run(veil, share)
    assert "deleted" not in {r.status for r in without_sync.files} and veil.store.count("default") == 4
    report = run(veil, share, sync=True)
    assert statuses(report) == {"share/keep.txt": ("unchanged", None), "share/gone.txt": ("deleted", None),
                                "share/broken.txt": ("failed", "the file is empty")}
    assert report.totals()["deleted"] == 1
    assert sorted(d.source for d in veil.registry.list()) == ["other/elsewhere.txt", "share/broken.txt",
                                                                "share/keep.txt"]
    assert veil.store.count("default") == 3


def test_a_batch_embeds_many_files_at_once(veil, tmp_path, monkeypatch):
    share = tmp_path / "share"
    for i in range(12):
        write(share / f"{i:02}.txt", f"Document number {i} is about topic {i}.")
    calls = []
    real = veil.embedder.embed_documents
    monkeypatch.setattr(veil.embedder, "embed_documents", lambda texts: calls.append(len(texts)) or real(texts))
    report = run(veil, share)
    assert report.totals()["ingested"] == 12 and sum(calls) == 12 and len(calls) < 12


class SlowFirstParser(InlineParser):
    """The first file submitted finishes only once every other file's result has been collected: a
    collector that waits for files in submission order would hang on it."""

    def __init__(self, others: int) -> None:
        super().__init__()
        self._others, self._collected, self.slow = others, 0, None

    def submit(self, data: bytes, filename: str):
        future = super().submit(data, filename)
        if self.slow is not None:
            return future
        self.slow, self._slow_result = Future(), future.result()
        return self.slow

    def result(self, future):
        if future is not self.slow:
            self._collected += 1
            if self._collected == self._others:
                self.slow.set_result(self._slow_result)
        return super().result(future)


def test_a_slow_file_never_keeps_the_files_parsed_after_it_waiting(veil, tmp_path):
    write(tmp_path / "docs" / "a-slow.txt", "The slow scan of the archive shelf.")
    for i in range(6):  # more than the four files in flight for one worker
        write(tmp_path / "docs" / f"b-{i}.txt", f"Fast note number {i} about the canteen menu.")
    parser = SlowFirstParser(others=6)
    order = []
    hung = threading.Timer(20, lambda: parser.slow.set_exception(ParseError("collected in order: hung")))
    hung.start()
    try:
        report = BulkIngest(veil.pipeline, parser, on_result=lambda r, p: order.append(r.path)).run(
            [tmp_path / "docs"], "default")
    finally:
        hung.cancel()
    assert {r.status for r in report.files} == {"ingested"}
    assert len(order) == 7 and order[-1].endswith("a-slow.txt")


def test_a_file_name_is_never_a_path_outside_the_folder(tmp_path):
    share = tmp_path / "private" / "share"
    write(share / "x" / "a.txt", "text")
    assert [s.name for s in iter_sources([share])] == ["share/x/a.txt"]


# -- the parsing sandbox ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox():
    settings = ParsingSettings(timeout_s=4, max_memory_mb=1024)
    with SandboxedParser(settings, workers=2, parser_class="tests.fakes:HostileParser") as parser:
        yield parser
        scratch = parser.scratch
        assert scratch is not None and any(scratch.rglob("*.part"))  # the parsers' leftovers...
    assert not scratch.exists()  # ...went with the pool, killed workers' included


def test_a_hanging_parser_is_stopped_and_the_next_file_still_parses(sandbox):
    with pytest.raises(ParseError, match=r"longer than 4 s \(parsing.timeout_s\)"):
        sandbox.parse(b"anything", "hang.txt")
    assert sandbox.parse(b"Still here.", "ok.txt")[0].text == "Still here."


def test_a_crashing_parser_costs_a_worker_not_the_batch(sandbox):
    with pytest.raises(ParseError, match="the parser crashed"):
        sandbox.parse(b"anything", "crash.txt")
    assert sandbox.parse(b"Still here.", "ok.txt")[0].text == "Still here."


def test_a_file_that_needs_too_much_memory_fails_with_the_setting_named(sandbox):
    with pytest.raises(ParseError, match="parsing.max_memory_mb"):
        sandbox.parse(b"anything", "hog.txt")
    assert sandbox.parse(b"Still here.", "ok.txt")[0].text == "Still here."


def test_parser_errors_keep_their_reason_and_run_concurrently(sandbox):
    futures = [sandbox.submit(b"Text %d." % i, f"tempfile{i}.txt") for i in range(6)]
    assert [sandbox.result(f).elements[0].text for f in futures] == [f"Text {i}." for i in range(6)]
    with pytest.raises(Exception, match="the file is empty"):
        sandbox.parse(b"", "empty.txt")


def test_redaction_batched_across_documents_equals_one_document_at_a_time(veil):
    documents = [(["Mail ann@example.com or bob@example.com.", "Again: ann@example.com."], "d1"),
                 (["Only bob@example.com here."], "d2"), (["No personal data."], "d3")]
    batched = veil.redactor.redact_documents(documents)
    assert batched == [veil.redactor.redact(texts, scope) for texts, scope in documents]
    assert batched[1][0].text == "Only <EMAIL_ADDRESS_1> here."  # numbering starts afresh per document


def test_the_human_summary_repeats_the_failed_files_by_reason(capsys):
    from api.ingest_cli import report_out
    from ingest.pipeline import FileResult, IngestReport

    report = IngestReport((FileResult("a/notes.txt", "ingested", chunks=2),
                           FileResult("a/empty.txt", "failed", error="the file is empty (0 bytes)"),
                           FileResult("b/scan.pdf", "failed", error="the PDF is encrypted"),
                           FileResult("b/blank.md", "failed", error="the file is empty (0 bytes)")))
    report_out(report, as_json=False)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("4 files: 1 ingested") and "3 failed" in lines[0]
    assert lines[1:] == ["failed (2): the file is empty (0 bytes)", "    a/empty.txt", "    b/blank.md",
                         "failed (1): the PDF is encrypted", "    b/scan.pdf"]
    report_out(IngestReport((FileResult("a/notes.txt", "unchanged"),)), as_json=False)
    assert len(capsys.readouterr().err.splitlines()) == 1  # nothing failed: the summary line alone


def test_each_files_line_stays_one_line_in_a_pipe(capsys):
    from api.ingest_cli import progress_bar
    from ingest.bulk import Progress
    from ingest.pipeline import FileResult

    reason = "not a .docx file: its content is in no format Veil reads " * 3
    with progress_bar(as_json=False) as show:
        show(FileResult("finance/2021/file03001.docx", "failed", error=reason.strip()), Progress(total=1, done=1))
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines == [f"failed finance/2021/file03001.docx  {reason.strip()}"]


# -- detection in the parsing workers (issue 25) -------------------------------------------------


@pytest.fixture(scope="module")
def detecting_sandbox():
    """One worker that parses and runs Presidio's detection (the real detector, loaded in the worker)."""
    from core.settings import RedactionSettings

    settings = ParsingSettings(timeout_s=20, max_memory_mb=2048)
    with SandboxedParser(settings, workers=1, parser_class="tests.fakes:HostileParser",
                         redaction=RedactionSettings(deadline_s=30)) as parser:
        yield parser


@pytest.fixture(scope="module")
def presidio_redactor():
    from core.settings import RedactionSettings
    from redaction.presidio import PresidioDetector
    from redaction.redactor import DocumentRedactor
    from redaction.transform.operators import ReplacementPolicy

    return DocumentRedactor(PresidioDetector(RedactionSettings()), ReplacementPolicy())


LETTER = ("Dear Mr Halvorsen,\n\nYour refund of 40 EUR goes to IBAN DE89 3704 0044 0532 0130 00.\n\n"
          "Call Ingrid Halvorsen on +44 20 7946 0958 or write to ingrid.halvorsen@example.com.")


def test_detection_in_a_worker_redacts_exactly_as_detection_in_the_parent(detecting_sandbox, presidio_redactor):
    name_texts = SourceName("letters/Halvorsen_refund.txt").texts()
    parsed = detecting_sandbox.result(detecting_sandbox.submit_detected(LETTER.encode(), "refund.txt", name_texts))
    texts = [*(e.text for e in parsed.elements), *name_texts]
    assert parsed.detected is not None and len(parsed.detected.found) == len(texts)
    in_worker = presidio_redactor.redact_documents([(texts, None)], detected=[parsed.detected])
    in_parent = presidio_redactor.redact_documents([(texts, None)])
    assert in_worker == in_parent
    redacted = " ".join(r.text for r in in_worker[0])
    for value in ("Halvorsen", "DE89", "7946", "ingrid.halvorsen@"):
        assert value not in redacted
    assert detecting_sandbox.detect_seconds > 0


def test_a_placeholder_look_alike_is_neutralised_before_the_worker_detects(detecting_sandbox):
    parsed = detecting_sandbox.result(detecting_sandbox.submit_detected(b"Signed <PERSON_1> today.", "a.txt", ["a"]))
    assert parsed.elements[0].text == "Signed \u2039PERSON_1\u203a today."
    assert parsed.detected.cased[0].startswith("Signed \u2039PERSON_1\u203a")  # detection read the stored text


def test_a_hanging_parse_still_fails_with_the_parsing_limit_when_the_workers_detect(detecting_sandbox):
    slow = SandboxedParser(ParsingSettings(timeout_s=2, max_memory_mb=2048), workers=1,
                           parser_class="tests.fakes:HostileParser", redaction=detecting_sandbox._redaction)
    with slow:
        with pytest.raises(ParseError, match=r"longer than 2 s \(parsing.timeout_s\)"):
            slow.result(slow.submit_detected(b"anything", "hang.txt", ["hang"]))
        assert slow.result(slow.submit_detected(b"Still here.", "ok.txt", ["ok"])).elements[0].text == "Still here."


def test_a_file_that_fails_in_a_detecting_worker_brings_its_name_detected(detecting_sandbox, presidio_redactor):
    """The parent logs a failed file by its redacted name without a detector of its own."""
    name_texts = SourceName("letters/crash_Halvorsen_refund.txt").texts()
    with pytest.raises(ParseError, match="the parser crashed") as failed:
        detecting_sandbox.result(detecting_sandbox.submit_detected(b"anything", "crash.txt", name_texts))
    detected = failed.value.name_detected
    assert len(detected.found) == len(name_texts)
    in_worker = presidio_redactor.redact_documents([(name_texts, None)], detected=[detected])
    assert in_worker == presidio_redactor.redact_documents([(name_texts, None)])
    assert "Halvorsen" not in " ".join(r.text for r in in_worker[0])


def test_a_failed_file_is_logged_by_the_name_its_worker_detected(veil, caplog):
    from redaction.spans import DetectedDocument, Detection

    texts = SourceName("notes/Halvorsen.txt").texts()
    # a detection only a worker could have made: the parent's own detector would not mark "notes"
    planted = DetectedDocument(tuple(texts), tuple((Detection("PERSON", 0, 5, 0.9, "worker"),) if t == "notes" else ()
                                                   for t in texts))
    failure = ParseError("cannot parse this file: ValueError")
    failure.name_detected = planted
    with caplog.at_level("WARNING", logger="ingest.pipeline"):
        veil.pipeline.failed("notes/Halvorsen.txt", failure)
    assert "notes" not in caplog.text and "<PERSON_1>" in caplog.text


def test_detection_past_the_deadline_fails_the_file_in_the_worker_with_the_setting_named():
    from core.settings import RedactionSettings
    from redaction.deadline import RedactionTimeout

    tight = SandboxedParser(ParsingSettings(timeout_s=20, max_memory_mb=2048), workers=1,
                            parser_class="tests.fakes:HostileParser", redaction=RedactionSettings(deadline_s=1e-6))
    with tight:
        with pytest.raises(RedactionTimeout, match=r"redaction.deadline_s"):
            tight.result(tight.submit_detected(b"Call Ingrid on 020 7946 0958.", "call.txt", ["call"]))


def test_a_parser_built_without_redaction_settings_does_not_detect():
    plain = SandboxedParser(ParsingSettings(), workers=1, parser_class="tests.fakes:HostileParser")
    assert not plain.detects
    with pytest.raises(RuntimeError, match="do not detect"):
        plain.submit_detected(b"x", "x.txt", ["x"])


def test_detections_for_other_texts_are_refused(veil):
    from redaction.redactor import detect_documents

    detected = detect_documents(veil.redactor._detector, [["one text"]])
    with pytest.raises(ValueError, match="other texts"):
        veil.redactor.redact_documents([(["one text", "and another"], None)], detected=detected)


def test_documents_detected_elsewhere_and_here_mix_in_one_batch(veil):
    from redaction.redactor import detect_documents

    documents = [(["Mail ann@example.com."], "d1"), (["Only bob@example.com here."], "d2")]
    first = detect_documents(veil.redactor._detector, [documents[0][0]])[0]
    assert veil.redactor.redact_documents(documents, detected=[first, None]) == veil.redactor.redact_documents(documents)
