"""The document redactor: detection (any detector), then merging (the document pass), then
transformation (a replacement policy), each its own stage."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from core.types import Redacted
from redaction.base import Detector
from redaction.casing import normalise_document
from redaction.deadline import check_deadline, deadline
from redaction.policies import DEFAULT_POLICY, RedactionPolicy
from redaction.refine import document_pass, ruled
from redaction.spans import DetectedDocument, Detection, merge_overlaps
from redaction.transform.operators import ReplacementPolicy
from redaction.transform.placeholders import PlaceholderBook
from redaction.transform.splice import apply_placeholders
from redaction.vault import PseudonymVault


def detect_documents(detector: Detector, documents: Sequence[Sequence[str]]) -> list[DetectedDocument]:
    """Detection for several documents in one batch (spaCy reads them together); re-casing is per
    document. Checks the redaction deadline of the caller's thread."""
    texts = [t for doc_texts in documents for t in doc_texts]
    cased = [t for doc_texts in documents for t in normalise_document(doc_texts)]
    found = _found(detector, texts, cased)
    out, start = [], 0
    for doc_texts in documents:
        end = start + len(doc_texts)
        out.append(DetectedDocument(tuple(cased[start:end]), tuple(tuple(f) for f in found[start:end])))
        start = end
    return out


class DocumentRedactor:
    """Redacts the texts of ONE document: propagation and placeholder numbering span the batch.

    `deadline_s` (`redaction.deadline_s`) bounds each `redact_documents` call: past it, the call raises
    `RedactionTimeout` (a batch that fails is redone file by file by the ingest pipeline, each with the
    whole deadline, so the reason lands on the file that is slow)."""

    def __init__(self, detector: Detector, policy: ReplacementPolicy,
                 hash_value: Callable[[str], str] | None = None, vault: PseudonymVault | None = None,
                 deadline_s: float | None = None) -> None:
        self._detector, self._policy, self._hash_value = detector, policy, hash_value
        self._vault, self._deadline_s = vault, deadline_s

    def redact(self, texts: Sequence[str], scope: str | None = None) -> list[Redacted]:
        """`scope` (the document id) files the pseudonyms in the vault, when one is configured."""
        return self.redact_documents([(texts, scope)])[0]

    def redact_documents(self, documents: Sequence[tuple[Sequence[str], str | None]],
                         policies: Sequence[RedactionPolicy] | None = None,
                         detected: Sequence[DetectedDocument | None] | None = None) -> list[list[Redacted]]:
        """Detection runs once over every text of every document; the document pass, the numbering and
        the vault stay per document. `policies` (one per document; default: `default`) decide which
        detections are replaced, after the document pass has read them all. `detected` (one per
        document, or None where it is still to be done): detection already run elsewhere on exactly
        these texts (`detect_documents`, in a parsing worker)."""
        with deadline(self._deadline_s):
            detected = self._complete(documents, detected or [None] * len(documents))
            return self._transform(documents, detected, policies or [DEFAULT_POLICY] * len(documents))

    def _complete(self, documents: Sequence[tuple[Sequence[str], str | None]],
                  detected: Sequence[DetectedDocument | None]) -> list[DetectedDocument]:
        missing = [i for i, one in enumerate(detected) if one is None]
        out = list(detected)
        for i, one in zip(missing, detect_documents(self._detector, [documents[i][0] for i in missing])):
            out[i] = one
        for (texts, _), one in zip(documents, out, strict=True):  # re-casing keeps every length
            if [len(t) for t in one.cased] != [len(t) for t in texts]:
                raise ValueError("detections were made for other texts than the ones to redact")
        return out

    def _transform(self, documents: Sequence[tuple[Sequence[str], str | None]],
                   detected: Sequence[DetectedDocument], policies: Sequence[RedactionPolicy]) -> list[list[Redacted]]:
        out = []
        for (doc_texts, scope), one, policy in zip(documents, detected, policies, strict=True):
            check_deadline()
            passed = document_pass(list(one.cased), [list(f) for f in one.found], originals=doc_texts)
            detections = _applied(policy, doc_texts, passed)
            book = PlaceholderBook()
            out.append([apply_placeholders(t, d, book, self._policy, self._hash_value)
                        for t, d in zip(doc_texts, detections)])
            if self._vault is not None and scope is not None:
                self._vault.store(scope, book.originals())
        return out

    def ranges(self, texts: Sequence[str], policy: RedactionPolicy = DEFAULT_POLICY) -> list[list[tuple[int, int]]]:
        """What would be redacted, each text a document of its own (evaluation); detection stays batched."""
        cased = [normalise_document([text])[0] for text in texts]
        found = self._detect(texts, cased)
        passed = [document_pass([copy], [dets], originals=[text]) for text, copy, dets in zip(texts, cased, found)]
        return [[(d.start, d.end) for d in merge_overlaps(_applied(policy, [text], one)[0])]
                for text, one in zip(texts, passed)]

    def detections(self, texts: Sequence[str], lowercase_evidence: Collection[str] = ()) -> list[list[Detection]]:
        """What to replace in each text of one document, before merging, under the `default` policy
        (every type detected): what the pseudonymiser and the egress guard use, whatever a collection's
        policy. Detection and the document pass read a re-cased copy (same offsets) of one-case text.
        `lowercase_evidence`: see `document_pass`. These are what the egress guard and the request
        pseudonymiser mask in text that leaves the machine, held to the rules alone: the learned span
        filter trades up to 0.01 recall for readability, a trade the store may make but egress does not."""
        cased = normalise_document(texts)
        return document_pass(cased, self._detect(texts, cased), lowercase_evidence, learned=False)

    def candidates(self, texts: Sequence[str]) -> tuple[list[str], list[list[Detection]]]:
        """Each text a document of its own, as `ranges` reads them: its re-cased copy and what the rules
        keep of its detections, before the learned span filter (what that filter is trained on)."""
        cased = [normalise_document([text])[0] for text in texts]
        found = self._detect(texts, cased)
        return cased, [ruled([copy], [dets])[0] for copy, dets in zip(cased, found)]

    def _detect(self, texts: Sequence[str], cased: Sequence[str]) -> list[list[Detection]]:
        return _found(self._detector, texts, cased)


def _found(detector: Detector, texts: Sequence[str], cased: Sequence[str]) -> list[list[Detection]]:
    """Detections in the re-cased copies; where re-casing changed a text, identifiers written in
    capitals (plates, postcodes, NINOs) are also read from the original."""
    found = detector.detect(cased)
    changed = [i for i, (text, copy) in enumerate(zip(texts, cased)) if text != copy]
    if changed:
        originals = detector.detect_capitalised([texts[i] for i in changed])
        for i, dets in zip(changed, originals):
            found[i] = list(found[i]) + dets
    return found


def _applied(policy: RedactionPolicy, texts: Sequence[str], detections: list[list[Detection]]) -> list[list[Detection]]:
    """The policy's choice per text (allow and deny terms matched in the text as written)."""
    if policy.is_default:
        return detections
    return [policy.apply(text, dets) for text, dets in zip(texts, detections)]
