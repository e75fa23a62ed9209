"""A small client of Veil's REST API, used by the CLI when a server holds the embedded store."""

from __future__ import annotations

from collections.abc import Iterator

import httpx

from api.schemas.answers import AnswerOut
from api.schemas.documents import FileResultOut
from api.schemas.subjects import SubjectForgotten
from core.errors import VeilError
from ingest.pipeline import FileResult, SourceFile


class RemoteVeil:
    def __init__(self, url: str, transport: httpx.BaseTransport | None = None, key: str | None = None) -> None:
        """`key`: VEIL_API_KEY, or the server's local admin token from the data dir."""
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self._http = httpx.Client(base_url=url, timeout=600.0, transport=transport, headers=headers)

    def ingest_file(self, source: SourceFile, collection: str, groups: tuple[str, ...] = ("everyone",),
                    policy: dict | None = None) -> FileResult:
        """The resolved path travels as the identity only; the server stores `source.name`. `policy`
        ({name, allow, deny}) sets the collection's redaction policy first."""
        fields = {"collection": collection, "source": str(source.path.resolve()), "name": source.name,
                  "groups": list(groups)}
        if policy is not None:  # the form states it as the flags do: what is left out is empty (or kept: the name)
            fields |= {"allow": list(policy["allow"]), "deny": list(policy["deny"])}
            fields |= {"policy": policy["name"]} if policy["name"] else {}
        with source.path.open("rb") as handle:
            response = self._http.post("/v1/documents", files={"files": (source.path.name, handle)}, data=fields)
        if response.status_code == 413:  # over the server's api.max_upload_mb: this file fails, the batch goes on
            return FileResult(source.name, "failed", error=f"server: {_error(response)}")
        return FileResult(**FileResultOut.model_validate(_json(response)["files"][0]).model_dump())

    def query(self, question: str, collection: str, top_k: int | None, generate: bool,
              mode: str | None = None, escalate: bool = False) -> AnswerOut:
        body = {"question": question, "collection": collection, "top_k": top_k, "generate": generate,
                "mode": mode, "escalate": escalate}
        return AnswerOut.model_validate(_json(self._http.post("/v1/query", json=body)))

    def forget_subject(self, values: list[str], reason: str) -> SubjectForgotten:
        """The values travel in the body, never in the URL."""
        body = {"values": values, "reason": reason}
        return SubjectForgotten.model_validate(_json(self._http.post("/v1/subjects/forget", json=body)))

    def export(self, collection: str) -> Iterator[str]:
        with self._http.stream("GET", "/v1/export", params={"collection": collection}) as response:
            if response.status_code != 200:
                response.read()
                _json(response)
            yield from response.iter_lines()


def _error(response: httpx.Response) -> str:
    try:
        return response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def _json(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        raise VeilError(f"server answered {response.status_code} without JSON") from None
    if response.status_code >= 400:
        raise VeilError(f"server: {body.get('error') or body.get('detail')}")
    return body
