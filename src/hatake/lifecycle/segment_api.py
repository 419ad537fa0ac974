"""REST API for segments: saved filters, their members and their history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.health.service import org_time_zone
from hatake.lifecycle import segment_jobs, segment_service
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.web.deps import DbSession, ReadToken, WriteToken, get_runtime

router = APIRouter(prefix="/api/v1/segments", tags=["segments"])

EXAMPLE_DEFINITION = {
    "match": "all",
    "conditions": [
        {"field": "grade", "op": "in", "value": ["at_risk", "neutral"]},
        {"field": "days_to_renewal", "op": "<=", "value": 90},
    ],
}


class SegmentWrite(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "更新90日以内の要注意",
                    "description": "更新前に手当てする顧客",
                    "definition": EXAMPLE_DEFINITION,
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    definition: dict[str, Any] = Field(
        description="`match` (all or any) and `conditions`: field, op and value each"
    )


class SegmentRead(BaseModel):
    id: int = Field(examples=[4])
    name: str = Field(examples=["更新90日以内の要注意"])
    description: str | None
    definition: dict[str, Any] = Field(examples=[EXAMPLE_DEFINITION])
    members: int = Field(description="Accounts in the segment now", examples=[37])
    refreshed_on: date | None = Field(description="The day membership was last computed")


class MemberRead(BaseModel):
    external_id: str = Field(examples=["ACC-00042"])
    name: str = Field(examples=["株式会社はたけ建設"])
    entered_on: date = Field(examples=["2026-11-02"])


class CountRead(BaseModel):
    day: date
    members: int


class ChangeRead(BaseModel):
    day: date
    change: Literal["entered", "left"]
    account_external_id: str


class HistoryRead(BaseModel):
    counts: list[CountRead]
    changes: list[ChangeRead] = Field(description="The latest 50 enter and leave events")


def _read(session: Session, segment: Segment) -> SegmentRead:
    return SegmentRead(
        id=segment.id,
        name=segment.name,
        description=segment.description,
        definition=segment.definition,
        members=segment_service.member_total(session, segment.id),
        refreshed_on=segment.refreshed_on,
    )


def _refresh(request: Request, session: Session) -> None:
    today = datetime.now(ZoneInfo(org_time_zone(session))).date()
    segment_jobs.refresh_segments(get_runtime(request), session, day=today)


@router.get("", summary="List segments with their current size")
def list_segments(session: DbSession, _token: ReadToken) -> list[SegmentRead]:
    return [_read(session, segment) for segment in segment_service.list_segments(session)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a segment")
def create_segment(
    request: Request, session: DbSession, token: WriteToken, data: SegmentWrite
) -> SegmentRead:
    """The definition is validated (422 naming the condition and the problem) and membership
    is computed for today before the answer."""
    segment = segment_service.save_segment(
        session,
        name=data.name,
        definition=data.definition,
        description=data.description,
        custom_keys=get_runtime(request).settings.file_config.custom_keys,
        author_id=token.user_id,
    )
    _refresh(request, session)
    return _read(session, segment)


@router.get("/{segment_id}", summary="One segment")
def get_segment(session: DbSession, _token: ReadToken, segment_id: int) -> SegmentRead:
    return _read(session, segment_service.get_segment(session, segment_id))


@router.put("/{segment_id}", summary="Replace a segment's name, description and definition")
def replace_segment(
    request: Request, session: DbSession, _token: WriteToken, segment_id: int, data: SegmentWrite
) -> SegmentRead:
    segment = segment_service.save_segment(
        session,
        name=data.name,
        definition=data.definition,
        description=data.description,
        custom_keys=get_runtime(request).settings.file_config.custom_keys,
        segment_id=segment_id,
    )
    _refresh(request, session)
    return _read(session, segment)


@router.delete("/{segment_id}", status_code=204, summary="Delete a segment and its history")
def delete_segment(session: DbSession, _token: WriteToken, segment_id: int) -> Response:
    segment_service.delete_segment(session, segment_id)
    return Response(status_code=204)


@router.get("/{segment_id}/members", summary="The accounts in a segment now")
def list_members(session: DbSession, _token: ReadToken, segment_id: int) -> list[MemberRead]:
    segment_service.get_segment(session, segment_id)
    rows = session.execute(
        select(Account.external_id, Account.name, SegmentMembership.entered_on)
        .join(SegmentMembership, SegmentMembership.account_id == Account.id)
        .where(SegmentMembership.segment_id == segment_id, SegmentMembership.left_on.is_(None))
        .order_by(Account.external_id)
    ).all()
    return [MemberRead(external_id=r[0], name=r[1], entered_on=r[2]) for r in rows]


@router.get("/{segment_id}/history", summary="Size per day and the latest enter/leave events")
def segment_history(session: DbSession, _token: ReadToken, segment_id: int) -> HistoryRead:
    segment_service.get_segment(session, segment_id)
    changes = segment_service.recent_changes(session, segment_id)
    external = dict(
        session.execute(
            select(Account.id, Account.external_id).where(
                Account.id.in_({account for _day, _kind, account in changes})
            )
        ).all()
    )
    return HistoryRead(
        counts=[
            CountRead(day=day, members=members)
            for day, members in segment_service.member_counts(session, segment_id)
        ],
        changes=[
            ChangeRead(day=day, change=kind, account_external_id=external[account])  # type: ignore[arg-type]
            for day, kind, account in changes
        ],
    )
