from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import serialize
from api.deps import VeilDep

router = APIRouter(prefix="/v1", tags=["query"])


class QueryRequest(BaseModel):
    question: str = Field(min_length=1, max_length=4000)
    collection: str | None = None
    top_k: int | None = Field(None, ge=1, le=100)
    generate: bool = True


@router.post("/query")
def query(veil: VeilDep, request: QueryRequest) -> dict:
    collection = request.collection or veil.settings.default_collection
    with veil.lock:
        answer = veil.answerer.answer(request.question, collection, request.top_k, request.generate)
    return serialize.answer(answer)
