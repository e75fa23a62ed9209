from __future__ import annotations

import pytest

from tests.unit.helpers import fake_veil

DOC = ("The warranty covers water damage for 24 months. Contact jane.roe@example.com for claims.\n\n"
       "Claims are paid within 10 business days of approval.")


@pytest.fixture
def veil(tmp_path):
    v = fake_veil(tmp_path / "data", chunking={"size": 120, "overlap": 30})
    yield v
    v.close()


def write(folder, name, text):
    path = folder / name
    path.write_text(text)
    return path


def test_ingest_stores_redacted_chunks_with_metadata(veil, tmp_path):
    path = write(tmp_path, "policy.txt", DOC)
    result = veil.pipeline.ingest_file(path, "default")
    assert result.status == "ingested" and result.chunks >= 2
    assert result.redactions == {"EMAIL_ADDRESS": 1}
    stored = list(veil.store.iter_chunks("default"))
    assert len(stored) == result.chunks
    assert not any("jane.roe@example.com" in c.text for c in stored)
    assert any("<EMAIL_ADDRESS_1>" in c.text for c in stored)
    meta = stored[0].payload
    assert meta["doc_id"] == result.doc_id and meta["source"] == "policy.txt" and meta["page"] == 1
    assert {"start", "end", "content_hash", "ingested_at", "redactions", "chunk_index"} <= meta.keys()


def test_second_ingest_of_same_file_adds_nothing(veil, tmp_path):
    path = write(tmp_path, "policy.txt", DOC)
    first = veil.pipeline.ingest_file(path, "default")
    count = veil.store.count("default")
    second = veil.pipeline.ingest_file(path, "default")
    assert second.status == "unchanged" and second.chunks == 0 and second.doc_id == first.doc_id
    assert veil.store.count("default") == count


def test_changed_file_replaces_its_chunks(veil, tmp_path):
    path = write(tmp_path, "policy.txt", DOC + "\n\n" + "Extra clause. " * 30)
    veil.pipeline.ingest_file(path, "default")
    path.write_text("Only one short sentence now.")
    result = veil.pipeline.ingest_file(path, "default")
    assert result.status == "updated"
    assert [c.text for c in veil.store.iter_chunks("default")] == ["Only one short sentence now."]


def test_broken_files_are_reported_and_never_stop_the_batch(veil, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    write(folder, "a_good.txt", DOC)
    write(folder, "b_empty.txt", "")
    write(folder, "c_binary.xyz", "??")
    write(folder, "d_good.txt", "Second document about invoices.")
    report = veil.pipeline.ingest_paths([folder, tmp_path / "missing.txt"], "default")
    by_name = {r.path.rsplit("/", 1)[-1]: r for r in report.files}
    assert by_name["a_good.txt"].status == by_name["d_good.txt"].status == "ingested"
    assert by_name["b_empty.txt"].error == "the file is empty"
    assert "unsupported file type" in by_name["c_binary.xyz"].error
    assert by_name["missing.txt"].error == "file not found"
    assert report.totals()["failed"] == 3 and report.totals()["ingested"] == 2


def test_a_failed_write_leaves_the_published_version_alone(veil, tmp_path, monkeypatch):
    path = write(tmp_path, "policy.txt", DOC)
    first = veil.pipeline.ingest_file(path, "default")
    before = sorted(c.text for c in veil.store.iter_chunks("default"))
    real_stage = veil.store.stage

    def crash_after_half(chunks):
        real_stage(chunks[: len(chunks) // 2])
        raise RuntimeError("power cut")

    monkeypatch.setattr(veil.store, "stage", crash_after_half)
    path.write_text(DOC.replace("24 months", "36 months"))
    crashed = veil.pipeline.ingest_file(path, "default")
    assert crashed.status == "failed" and "RuntimeError" in crashed.error
    assert sorted(c.text for c in veil.store.iter_chunks("default")) == before
    assert veil.registry.get(first.doc_id).content_hash == first_hash(veil, first.doc_id)
    assert veil.registry.unfinished() == []  # the staged half was discarded at once

    monkeypatch.setattr(veil.store, "stage", real_stage)
    resumed = veil.pipeline.ingest_file(path, "default")
    assert resumed.status == "updated"
    stored = list(veil.store.iter_chunks("default"))
    assert len({c.chunk_id for c in stored}) == len(stored) == resumed.chunks
    assert all("36 months" in c.text for c in stored if "months" in c.text)


def first_hash(veil, doc_id):
    return {c.payload["content_hash"] for c in veil.store.iter_chunks("default") if c.payload["doc_id"] == doc_id}.pop()


def test_a_search_sees_one_version_during_a_replace(veil, tmp_path, monkeypatch):
    """Never both versions, never neither: the new one is staged unseen, then published in one step."""
    path = write(tmp_path, "policy.txt", "Refunds take 14 days.")
    veil.pipeline.ingest_file(path, "default")
    seen = []
    real_publish = veil.store.publish

    def watch(collection, doc_id, version):
        seen.append(sorted(c.text for c in veil.store.iter_chunks("default")))
        removed = real_publish(collection, doc_id, version)
        seen.append(sorted(c.text for c in veil.store.iter_chunks("default")))
        return removed

    monkeypatch.setattr(veil.store, "publish", watch)
    path.write_text("Refunds take 30 days.")
    assert veil.pipeline.ingest_file(path, "default").status == "updated"
    assert seen == [["Refunds take 14 days."], ["Refunds take 30 days."]]
    hits = veil.answerer.answer("How long do refunds take?", "default", mode="extractive").citations
    assert [c.text for c in hits] == ["Refunds take 30 days."]


@pytest.mark.parametrize("step", ["writing", "publishing", "deleting"])
def test_repair_finishes_or_undoes_each_interrupted_step(veil, tmp_path, step):
    """A crash inside write() or delete(): the journal names the step, the store holds what it had done."""
    from core.types import EmbeddedChunk
    from ingest.pipeline import Incoming

    path = write(tmp_path, "policy.txt", "Refunds take 14 days.")
    old = veil.pipeline.ingest_file(path, "default")
    old_hash = veil.registry.get(old.doc_id).content_hash
    data = b"Refunds take 30 days."
    incoming = veil.pipeline.check(data, "policy.txt", str(path.resolve()), "default")
    assert isinstance(incoming, Incoming)
    prepared = veil.pipeline.prepare(incoming, veil.parser.parse(data, "policy.txt"))
    info, [vectors] = prepared.info, veil.pipeline.embed([prepared])
    veil.registry.begin("writing", info)
    veil.store.stage([EmbeddedChunk(c, info, v) for c, v in zip(prepared.chunks, vectors)])
    if step == "publishing":
        veil.registry.advance(info.doc_id, "publishing")
    if step == "deleting":
        veil.registry.begin("deleting", info)
    assert [c.text for c in veil.store.iter_chunks("default")] == ["Refunds take 14 days."]

    assert veil.pipeline.repair() == [old.doc_id]
    expected = {"writing": (["Refunds take 14 days."], [old_hash]),
                "publishing": (["Refunds take 30 days."], [info.content_hash]),
                "deleting": ([], [])}[step]
    assert [c.text for c in veil.store.iter_chunks("default")] == expected[0]
    assert [d.content_hash for d in veil.registry.list()] == expected[1]
    assert veil.registry.unfinished() == [] and veil.pipeline.repair() == []


def test_library_error_messages_are_redacted(veil, tmp_path, monkeypatch):
    def leaky_parse(data, filename):
        raise ValueError("bad row near jane.roe@example.com")

    monkeypatch.setattr(veil.parser, "parse", leaky_parse)
    result = veil.pipeline.ingest_file(write(tmp_path, "x.txt", DOC), "default")
    assert result.status == "failed"
    assert "jane.roe@example.com" not in result.error and "<EMAIL_ADDRESS_1>" in result.error


def test_delete_removes_chunks_and_registry_entry(veil, tmp_path):
    a = veil.pipeline.ingest_file(write(tmp_path, "a.txt", DOC), "default")
    veil.pipeline.ingest_file(write(tmp_path, "b.txt", "Another file entirely."), "default")
    removed = veil.pipeline.delete("default", a.doc_id)
    assert removed == a.chunks
    assert {c.payload["doc_id"] for c in veil.store.iter_chunks("default")} == {veil.registry.list()[0].doc_id}


def test_collections_are_separate(veil, tmp_path):
    path = write(tmp_path, "a.txt", DOC)
    one = veil.pipeline.ingest_file(path, "legal")
    two = veil.pipeline.ingest_file(path, "finance")
    assert one.doc_id != two.doc_id
    assert veil.store.collections() == ["finance", "legal"]
    assert veil.store.count("legal") == veil.store.count("finance") == one.chunks


def test_ingest_and_query_leave_audit_events_without_values(veil, tmp_path):
    result = veil.pipeline.ingest_file(write(tmp_path, "policy.txt", DOC), "default")
    veil.answerer.answer("jane.roe@example.com warranty", "default")
    events = list(veil.audit.events())
    assert [e.kind for e in events] == ["document.ingested", "redaction", "query"]
    redaction = events[1].payload
    stored = {c.chunk_id: c.text for c in veil.store.iter_chunks("default")}
    chunk_text = stored[redaction["chunk_id"]]
    assert chunk_text[redaction["start"]:redaction["end"]] == "<EMAIL_ADDRESS_1>"
    assert redaction["value_hmac"] == veil.audit.hash_value("jane.roe@example.com")
    assert redaction["doc_id"] == result.doc_id and redaction["operator"] == "placeholder"
    assert events[2].payload["question_hmac"] == veil.audit.hash_value("jane.roe@example.com warranty")
    assert events[2].payload["outcome"] == "answered" and events[2].payload["reason"]
    assert "jane.roe" not in repr([e.payload for e in events])
    assert veil.audit.verify().ok


def test_personal_data_in_a_file_name_is_redacted_like_the_text(veil, tmp_path, caplog):
    caplog.set_level("DEBUG")
    folder = tmp_path / "jane.roe@example.com"
    folder.mkdir()
    write(folder, "jane.roe@example.com_claims.txt", DOC)
    [result] = veil.pipeline.ingest_paths([folder], "default").files
    assert result.status == "ingested" and result.redactions == {"EMAIL_ADDRESS": 3}
    stored_source = "<EMAIL_ADDRESS_1>/<EMAIL_ADDRESS_1>_claims.txt"  # the body's placeholder
    assert {c.payload["source"] for c in veil.store.iter_chunks("default")} == {stored_source}
    assert [d.source for d in veil.registry.list()] == [stored_source]
    events = list(veil.audit.events())
    name_events = [e.payload for e in events if e.payload.get("field") == "source"]
    assert len(name_events) == 2 and {e["chunk_id"] for e in name_events} == {None}
    assert [stored_source[e["start"]:e["end"]] for e in name_events] == ["<EMAIL_ADDRESS_1>"] * 2
    assert {e["value_hmac"] for e in name_events} == {veil.audit.hash_value("jane.roe@example.com")}
    assert "jane.roe" not in repr([e.payload for e in events]) + caplog.text


def test_a_failed_file_name_is_redacted_in_the_logs(veil, tmp_path, caplog):
    caplog.set_level("DEBUG")
    result = veil.pipeline.ingest_file(write(tmp_path, "jane.roe@example.com.txt", ""), "default")
    assert result.status == "failed"
    assert "<EMAIL_ADDRESS_1>" in caplog.text and "jane.roe" not in caplog.text


def test_a_value_only_in_the_file_name_does_not_shift_the_body_placeholders(veil, tmp_path):
    folder = tmp_path / "ops@example.org"
    folder.mkdir()
    write(folder, "claims.txt", DOC)
    veil.pipeline.ingest_paths([folder], "default")
    stored = list(veil.store.iter_chunks("default"))
    assert any("<EMAIL_ADDRESS_1>" in c.text for c in stored)
    assert stored[0].payload["source"] == "<EMAIL_ADDRESS_2>/claims.txt"


def test_nothing_above_the_folder_given_is_stored(veil, tmp_path):
    """Data minimisation: /home/<user>/... never reaches the store; the folder named and below does."""
    folder = tmp_path / "home" / "jdoe" / "claims"
    (folder / "2024").mkdir(parents=True)
    write(folder / "2024", "a.txt", DOC)
    single = write(tmp_path / "home" / "jdoe", "b.txt", "Claims are paid within 10 business days.")
    report = veil.pipeline.ingest_paths([folder, single], "default")
    assert [f.path for f in report.files] == ["claims/2024/a.txt", "b.txt"]
    assert {d.source for d in veil.registry.list()} == {"claims/2024/a.txt", "b.txt"}
    assert not any("jdoe" in c.payload["source"] for c in veil.store.iter_chunks("default"))


def test_reader_groups_are_stored_on_every_chunk_and_a_new_list_re_ingests(veil, tmp_path):
    path = write(tmp_path, "policy.txt", DOC)
    first = veil.pipeline.ingest_file(path, "default", groups=["hr", "finance", "hr"])
    assert first.status == "ingested"
    assert {tuple(c.payload["groups"]) for c in veil.store.iter_chunks("default")} == {("finance", "hr")}
    assert veil.registry.get(first.doc_id).groups == ("finance", "hr")
    assert veil.pipeline.ingest_file(path, "default", groups=["finance", "hr"]).status == "unchanged"
    again = veil.pipeline.ingest_file(path, "default", groups=["legal"])
    assert again.status == "updated" and again.doc_id == first.doc_id
    assert {tuple(c.payload["groups"]) for c in veil.store.iter_chunks("default")} == {("legal",)}
    assert veil.store.count("default") == first.chunks


def test_default_readers_are_everyone_and_bad_group_names_fail_clearly(veil, tmp_path):
    ok = veil.pipeline.ingest_file(write(tmp_path, "a.txt", DOC), "default")
    assert veil.registry.get(ok.doc_id).groups == ("everyone",)
    bad = veil.pipeline.ingest_file(write(tmp_path, "b.txt", DOC), "default", groups=["fin ance"])
    assert bad.status == "failed" and "invalid group name" in bad.error


def test_answers_only_rest_on_chunks_the_principal_may_read(tmp_path):
    from core.types import Principal

    veil = fake_veil(tmp_path / "acl", retrieval={"min_score": -1.0})
    veil.pipeline.ingest_file(write(tmp_path, "hr.txt", "Salaries are reviewed every March."), "default", groups=["hr"])
    veil.pipeline.ingest_file(write(tmp_path, "ops.txt", "Salaries are paid by bank transfer."), "default", groups=["ops"])
    ops = Principal("olu", groups=frozenset({"ops"}))
    answer = veil.answerer.answer("When are salaries reviewed?", "default", mode="extractive", principal=ops)
    assert [c.source for c in answer.citations] == ["ops.txt"] and "March" not in answer.answer
    nobody = veil.answerer.answer("When are salaries reviewed?", "default", principal=Principal("x"))
    assert nobody.citations == () and nobody.route == "none"
    everything = veil.answerer.answer("When are salaries reviewed?", "default", mode="extractive", top_k=2)
    assert "March" in everything.answer  # the CLI's local admin sees every group
    veil.close()


def test_a_registry_written_before_groups_existed_is_migrated(tmp_path):
    import sqlite3

    from ingest.registry import DocumentRegistry

    db = sqlite3.connect(tmp_path / "veil.db")
    db.execute("CREATE TABLE documents (doc_id TEXT PRIMARY KEY, collection TEXT NOT NULL, source TEXT NOT NULL, "
               "content_hash TEXT NOT NULL, ingested_at TEXT NOT NULL, chunks INTEGER NOT NULL, "
               "redactions TEXT NOT NULL, status TEXT NOT NULL)")
    db.execute("INSERT INTO documents VALUES ('d', 'default', 'a.txt', 'h', 't', 1, '{}', 'done')")
    db.commit()
    db.close()
    registry = DocumentRegistry(tmp_path / "veil.db")
    assert registry.get("d").groups == ("everyone",) and registry.is_current("d", "h")
    registry.close()


def test_stored_chunks_carry_their_documents_common_word_evidence(veil, tmp_path):
    """Chunks of 120 characters: the heading's chunk never writes "loan" in lower case itself."""
    filler = "Repayments are due on the first working day of each month by direct debit. " * 3
    path = write(tmp_path, "terms.txt", f"Loan Terms\n\n{filler}\n\nEarly repayment of the loan is free.")
    veil.pipeline.ingest_file(path, "default")
    chunks = {c.text: c.payload["common_words"] for c in veil.store.iter_chunks("default")}
    heading = [words for text, words in chunks.items() if text.startswith("Loan Terms")]
    assert len(chunks) > 2 and heading == [["loan"]]  # "Terms": never lower case in the document
