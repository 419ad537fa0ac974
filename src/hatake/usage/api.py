"""REST API for ingestion health: is usage data flowing, and has everything reached the stores?"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from hatake.core.runtime import Runtime
from hatake.usage import buffer, drain
from hatake.web.deps import ReadToken, get_runtime

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


@router.get("/ingestion", summary="Messages accepted and how many still wait to be stored")
def ingestion_status(request: Request, _token: ReadToken) -> IngestionStatus:
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
