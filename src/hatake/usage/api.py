"""REST API for ingestion: sources and their write keys (ingest scope), and whether accepted
events have reached the stores."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, ConfigDict, Field

from hatake.core.runtime import Runtime
from hatake.usage import buffer, drain, sources
from hatake.usage.models import Source
from hatake.web.deps import DbSession, IngestToken, get_runtime

router = APIRouter(prefix="/api/v1/usage", tags=["usage"])


class IngestionStatus(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"buffered_through": 120450, "drained_through": 120400, "pending_batches": 50}
            ]
        }
    )

    buffered_through: int = Field(description="Sequence number of the last batch accepted")
    drained_through: int = Field(description="... and of the last one moved to the stores")
    pending_batches: int = Field(description="Accepted batches not yet in the stores")


class SourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "web-app"}]})

    name: str = Field(min_length=1, max_length=200, description="What sends the events")


class SourceRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "name": "web-app",
                    "key_prefix": "wk_T3C9eZl",
                    "created_at": "2026-11-23T09:00:00Z",
                    "last_used_at": "2026-11-23T09:05:12Z",
                    "revoked_at": None,
                }
            ]
        }
    )

    id: int
    name: str
    key_prefix: str = Field(description="The first characters of the write key, to tell keys apart")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class SourceCreated(SourceRead):
    write_key: str = Field(description="Shown once; only its digest is stored")


def _read(source: Source) -> SourceRead:
    return SourceRead.model_validate(source, from_attributes=True)


@router.get("/ingestion", summary="Messages accepted and how many still wait to be stored")
def ingestion_status(request: Request, _token: IngestToken) -> IngestionStatus:
    runtime: Runtime = get_runtime(request)
    connection = buffer.open_connection(runtime.settings.ingest_file)
    try:
        with runtime.analytics_lock:
            drained = drain.drained_through(runtime.analytics())
        return IngestionStatus(
            buffered_through=buffer.last_seq(connection),
            drained_through=drained,
            pending_batches=buffer.pending_batches(connection, drained),
        )
    finally:
        connection.close()


@router.get("/sources", summary="Sources of usage events and the state of their write keys")
def list_sources(session: DbSession, _token: IngestToken) -> list[SourceRead]:
    return [_read(source) for source in sources.list_sources(session)]


@router.post(
    "/sources",
    summary="Create a source; the answer holds its write key, shown only this once",
    status_code=status.HTTP_201_CREATED,
)
def create_source(session: DbSession, _token: IngestToken, data: SourceCreate) -> SourceCreated:
    source, key = sources.create_source(session, name=data.name)
    return SourceCreated(**_read(source).model_dump(), write_key=key)


@router.delete(
    "/sources/{name}", summary="Revoke a source's write key (senders get 401 within 10 s)"
)
def revoke_source(session: DbSession, _token: IngestToken, name: str) -> SourceRead:
    return _read(sources.revoke_source(session, name=name))
