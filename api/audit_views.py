"""The compliance officer's queries over the audit log, shared by the CLI (`veil audit ... --json`) and
REST (`/v1/audit/...`); each answers with its `api.schemas.audit` model. No answer holds a raw value:
values are matched through their keyed HMAC."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

from api.schemas.audit import (Event, EventPage, PolicyList, PolicyOut, Report, SearchMatch, SearchResult,
                               Verification)
from core.audit import AuditEvent, AuditLog


def verification(audit: AuditLog) -> Verification:
    return Verification.model_validate(audit.verify())


def search(audit: AuditLog, value: str) -> SearchResult:
    """Was this value ever redacted, and where? The search itself is audited (its HMAC only)."""
    digest = audit.hash_value(value)
    sources = {e.payload["doc_id"]: e.payload["source"] for e in audit.events("document.ingested")}
    matches = [_match(e, sources) for e in audit.events("redaction") if e.payload.get("value_hmac") == digest]
    audit.append("audit.search", {"value_hmac": digest, "matches": len(matches)})
    return SearchResult(found=bool(matches), matches=matches)


def _match(event: AuditEvent, sources: dict[str, str]) -> SearchMatch:
    payload = event.payload
    return SearchMatch(seq=event.seq, ts=event.ts, doc_id=payload["doc_id"], source=sources.get(payload["doc_id"]),
                       chunk_id=payload["chunk_id"], field=payload.get("field", "text"),
                       entity_type=payload["entity_type"], detector=payload["detector"])


def policies(views, detected) -> PolicyList:
    """Each collection's redaction policy (`ingest.collection_policies.CollectionPolicies.views()`) and what
    `default` masks of the `detected` types (`redaction.entities`)."""
    return PolicyList(default_masked=list(detected), collections=[PolicyOut.model_validate(v) for v in views])


def report(audit: AuditLog, document: str | None = None) -> Report:
    """Redactions by entity type and by detector (one document or all), plus event counts."""
    by_type, by_detector, kinds = Counter(), Counter(), Counter()
    for event in audit.events():
        kinds[event.kind] += 1
        if event.kind == "redaction" and document in (None, event.payload["doc_id"]):
            by_type[event.payload["entity_type"]] += 1
            by_detector[event.payload["detector"]] += 1
    return Report(document=document, redactions=sum(by_type.values()), by_type=dict(by_type.most_common()),
                  by_detector=dict(by_detector.most_common()), events=dict(kinds.most_common()))


def events(audit: AuditLog, kind: str | None = None, document: str | None = None,
           entity_type: str | None = None, since: str | None = None, until: str | None = None,
           limit: int = 200) -> EventPage:
    """Events newest first, filtered by kind, document, entity type and ISO date range."""
    start, end = _instant(since), _instant(until, end=True)
    found = []
    for event in audit.events(kind):
        payload = event.payload
        if document and payload.get("doc_id") != document:
            continue
        if entity_type and payload.get("entity_type") != entity_type:
            continue
        if (start or end) and not _within(datetime.fromisoformat(event.ts), start, end):
            continue
        found.append(event)
    found.reverse()
    return EventPage(events=[Event.model_validate(e) for e in found[:limit]], total=len(found))


def check_iso_time(text: str) -> str:
    """An ISO 8601 date (2024-05-01) or time (2024-05-01T09:30, with or without its zone), else ValueError."""
    _instant(text)
    return text


def _instant(text: str | None, end: bool = False) -> datetime | None:
    """An ISO date or time as a UTC instant (a time without a zone is UTC). With `end`, the first instant
    after it: an end date includes its whole day, an end time the moment itself; None past the last one."""
    if text is None:
        return None
    try:
        day = date.fromisoformat(text)
        moment, step = datetime(day.year, day.month, day.day, tzinfo=timezone.utc), timedelta(days=1)
    except ValueError:
        try:
            moment, step = datetime.fromisoformat(text), timedelta(microseconds=1)
            moment = (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
        except (ValueError, OverflowError):
            raise ValueError("not an ISO date (2024-05-01) or time (2024-05-01T09:30)") from None
    try:
        return moment + step if end else moment
    except OverflowError:  # nothing is later: no bound
        return None


def _within(moment: datetime, start: datetime | None, end: datetime | None) -> bool:
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return (start is None or moment >= start) and (end is None or moment < end)
