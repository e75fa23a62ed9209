"""Every request and response shape of Veil, once: the REST routes declare them (`response_model`, so
/openapi.json describes every response), and the CLI's `--json` output is their `model_dump(mode="json")`.
Response models are built straight from the domain objects (`Model.model_validate(obj)`, pydantic's
`from_attributes`): `core.types.Answer` -> `AnswerOut`, `ingest.pipeline.IngestReport` -> `IngestReportOut`,
`core.audit.Verification` -> `Verification`, and so on. One module per area."""

from api.schemas.answers import (AnswerEvent, AnswerOut, CitationOut, QueryRequest, StreamError, TokenEvent,
                                 Turn)
from api.schemas.audit import Event, EventPage, Report, SearchMatch, SearchRequest, SearchResult, Verification
from api.schemas.base import Model
from api.schemas.documents import (CollectionList, CollectionOut, Deleted, DocumentList, DocumentOut,
                                   FileResultOut, IngestReportOut, StoredChunkOut)
from api.schemas.jobs import JobFileOut, JobOut, JobQueued
from api.schemas.chat import (MODEL_ID, ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest, Choice,
                                ChunkChoice, Delta, FinalChunk, ModelCard, ModelList, ReplyMessage, Usage,
                                VeilFields)
from api.schemas.service import Health, KeyCreated, KeyList, KeyOut, Me, Ready
from api.schemas.subjects import (AllowRequest, ErasureMarkOut, ForgetRequest, ForgottenDocumentOut,
                                  SubjectDocumentOut, SubjectForgotten, SubjectFound, SubjectRequest)

__all__ = [
    "AnswerEvent", "AnswerOut", "CitationOut", "QueryRequest", "StreamError", "TokenEvent", "Turn",
    "Event", "EventPage", "Report", "SearchMatch", "SearchRequest", "SearchResult", "Verification",
    "Model",
    "CollectionList", "CollectionOut", "Deleted", "DocumentList", "DocumentOut", "FileResultOut",
    "IngestReportOut", "StoredChunkOut",
    "JobFileOut", "JobOut", "JobQueued",
    "MODEL_ID", "ChatCompletion", "ChatCompletionChunk", "ChatMessage", "ChatRequest", "Choice", "ChunkChoice",
    "Delta", "FinalChunk", "ModelCard", "ModelList", "ReplyMessage", "Usage", "VeilFields",
    "Health", "KeyCreated", "KeyList", "KeyOut", "Me", "Ready",
    "AllowRequest", "ErasureMarkOut", "ForgetRequest", "ForgottenDocumentOut", "SubjectDocumentOut",
    "SubjectForgotten", "SubjectFound", "SubjectRequest",
]
