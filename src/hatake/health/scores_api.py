"""Stored health scores of one day, read-only and paginated; each item links to the account's
explanation (factors, trend, why it changed)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from hatake.core.pagination import Page, PageRequest, paginate_table
from hatake.health import snapshots
from hatake.health.versions import active_definition
from hatake.web.api import page_query
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1")

# API field -> column of the snapshot table; account ids are unique within one day and version.
SCORE_SORTS = {"account": "account_id", "score": "score", "grade": "grade"}
ScorePage = Annotated[PageRequest, Depends(page_query(list(SCORE_SORTS), default="account"))]


class StoredScore(BaseModel):
    account_external_id: str = Field(examples=["ACC-0001"])
    as_of: date = Field(examples=["2026-11-22"])
    definition_version: str = Field(examples=["builtin-1"])
    profile: str | None = Field(examples=["default"])
    score: float | None = Field(examples=[74.1])
    grade: str | None = Field(examples=["healthy"])
    explanation: str = Field(
        description="The account's latest score with every factor's contribution",
        examples=["/api/v1/accounts/ACC-0001/health"],
    )
    changes: str = Field(
        description="Why the score changed, from 30 days before this day to this day",
        examples=["/api/v1/accounts/ACC-0001/health/changes?from=2026-10-23&to=2026-11-22"],
    )


def _item(row: dict[str, object]) -> StoredScore:
    account = str(row["account_id"])
    as_of: date = row["as_of"]  # type: ignore[assignment]
    base = f"/api/v1/accounts/{account}/health"
    return StoredScore(
        account_external_id=account,
        as_of=as_of,
        definition_version=str(row["definition_version"]),
        profile=row["profile"],  # type: ignore[arg-type]
        score=row["score"],  # type: ignore[arg-type]
        grade=row["grade"],  # type: ignore[arg-type]
        explanation=base,
        changes=f"{base}/changes?from={as_of - timedelta(days=30)}&to={as_of}",
    )


@router.get("/health/scores", tags=["health"], summary="List the stored scores of a day")
def list_scores(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    page: ScorePage,
    day: Annotated[
        date | None,
        Query(alias="date", description="The scored day; the latest one when left out"),
    ] = None,
    grade: Annotated[str | None, Query(description="Only this grade", examples=["at_risk"])] = None,
    account: Annotated[str | None, Query(description="Only this account (external id)")] = None,
    version: Annotated[
        str | None, Query(description="Definition version; the active one when left out")
    ] = None,
) -> Page[StoredScore]:
    """Every account's stored score on one day under one definition version, with its grade;
    follow `explanation` for the factors behind it."""
    version = version or active_definition(session).version
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        table = snapshots.scores(runtime.analytics())
        table = table.filter(table.definition_version == version)
        if day is None:
            day = table.as_of.max().to_pyarrow().as_py()
            if day is None:
                return Page[StoredScore](items=[])
        table = table.filter(table.as_of == day)
        if grade is not None:
            table = table.filter(table.grade == grade)
        if account is not None:
            table = table.filter(table.account_id == account)
        rows, cursor = paginate_table(table, sorts=SCORE_SORTS, id_column="account_id", page=page)
    return Page[StoredScore](items=[_item(row) for row in rows], next_cursor=cursor)
