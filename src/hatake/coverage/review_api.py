"""REST API of the weekly review: one ISO week against the week before."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from hatake.coverage.review import METRICS, TOUCH_KINDS, Compared, ReviewRow
from hatake.coverage.review_service import review_for
from hatake.web.deps import DbSession, ReadToken

router = APIRouter(prefix="/api/v1", tags=["review"])


class ComparedRead(BaseModel):
    value: float | None = Field(examples=[12])
    previous: float | None = Field(examples=[9])
    change: float | None = Field(
        description="value - previous; coverage changes are fractions (0.05 = 5 points)",
        examples=[3],
    )


class ChannelRead(BaseModel):
    channel: str = Field(examples=["web_meeting"])
    kind: str = Field(description="meaningful, other or automated", examples=["meaningful"])
    touches: ComparedRead


class WorsenedRead(BaseModel):
    external_id: str = Field(examples=["A-001"])
    name: str = Field(examples=["株式会社サンプル"])
    grade_before: str = Field(examples=["healthy"])
    grade_after: str = Field(examples=["neutral"])
    score_before: float | None = Field(examples=[72.5])
    score_after: float | None = Field(examples=[64.0])


class ReviewRowRead(BaseModel):
    csm: str | None = Field(
        description="null: the team (or, in csms, no owner)", examples=["佐藤 花子"]
    )
    accounts: ComparedRead = Field(description="Accounts under contract at the week's end")
    coverage: ComparedRead
    meaningful_touches: ComparedRead
    other_touches: ComparedRead
    automated_touches: ComparedRead
    tasks_done: ComparedRead
    tasks_overdue: ComparedRead = Field(description="Open at the week's end and due by then")
    worsened: ComparedRead = Field(description="Accounts whose health grade worsened")
    channels: list[ChannelRead]
    worsened_accounts: list[WorsenedRead]


class ReviewRead(BaseModel):
    week: str = Field(examples=["2026-W47"])
    start: date = Field(examples=["2026-11-16"])
    end: date = Field(
        description="The last day measured: Sunday, or today while it runs",
        examples=["2026-11-22"],
    )
    in_progress: bool = Field(examples=[False])
    previous_week: str = Field(examples=["2026-W46"])
    previous_start: date = Field(examples=["2026-11-09"])
    previous_end: date = Field(examples=["2026-11-15"])
    team: ReviewRowRead
    csms: list[ReviewRowRead]


def _compared(compared: Compared) -> ComparedRead:
    return ComparedRead(value=compared.value, previous=compared.previous, change=compared.change)


def _row(row: ReviewRow, channels: tuple[str, ...]) -> ReviewRowRead:
    figures = {name: _compared(row.compared(name)) for name in METRICS}
    return ReviewRowRead(
        csm=row.csm,
        **figures,
        channels=[
            ChannelRead(channel=channel, kind=kind, touches=_compared(row.channel(channel, kind)))
            for channel in channels
            for kind in TOUCH_KINDS
            if row.this.touches[(channel, kind)] or row.previous.touches[(channel, kind)]
        ],
        worsened_accounts=[
            WorsenedRead(**{key: getattr(line, key) for key in WorsenedRead.model_fields})
            for line in row.this.worsened
        ],
    )


@router.get("/review", summary="The weekly review of an ISO week against the week before")
def get_review(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    week: Annotated[
        str | None, Query(description="ISO week (2026-W47); the last complete week if left out")
    ] = None,
) -> ReviewRead:
    """Per CSM (account owner; task assignee) and for the team: accounts under contract and
    coverage at the week's end, touches by channel and kind, tasks done in the week and
    overdue at its end, and accounts whose health grade worsened during it, each with the
    previous week's value and the change."""
    weekly = review_for(session, request.app.state.runtime, week=week)
    this, previous = weekly.this, weekly.previous
    return ReviewRead(
        week=this.week.label,
        start=this.week.monday,
        end=this.last_day,
        in_progress=this.in_progress,
        previous_week=previous.week.label,
        previous_start=previous.week.monday,
        previous_end=previous.last_day,
        team=_row(weekly.team, weekly.channels),
        csms=[_row(row, weekly.channels) for row in weekly.rows],
    )
