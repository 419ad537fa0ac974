"""REST API of today's queue: the ranked accounts with their reasons, and snoozes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from hatake.accounts import repository as accounts_repository
from hatake.core.errors import InvalidField
from hatake.core.i18n import gettext_for
from hatake.coverage import coverage_service, queue_repository, queue_service
from hatake.coverage.queue import ReasonKind, describe
from hatake.coverage.queue_models import QueueSnooze
from hatake.lifecycle import matrix_service
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.web.api import problems
from hatake.web.deps import DbSession, ReadToken, WriteToken, request_locale

router = APIRouter(prefix="/api/v1", tags=["queue"])


class ReasonRead(BaseModel):
    kind: ReasonKind = Field(examples=["overdue"])
    points: float = Field(examples=[42])
    text: str = Field(
        description="The reason in words with its numbers, in the request's language",
        examples=["14 days overdue × High touch 3 = 42"],
    )


class QueueRowRead(BaseModel):
    external_id: str = Field(examples=["ACC-00001"])
    name: str = Field(examples=["株式会社はたけ建設"])
    owner: str | None = Field(description="The CSM's name", examples=["佐藤 健太"])
    tier: str | None = Field(examples=["high_touch"])
    cadence_days: int = Field(examples=[14])
    last_touch: date | None = Field(
        description="Day of the last meaningful touch; null: never", examples=["2026-10-27"]
    )
    days_since: int | None = Field(examples=[28])
    days_overdue: int | None = Field(
        description="0: due today; null: only a promised next step brings it here", examples=[14]
    )
    score: float = Field(description="The sum of the reasons' points", examples=[87])
    reasons: list[ReasonRead]


class QueueRead(BaseModel):
    as_of: date = Field(examples=["2026-11-24"])
    owner: str | None = Field(
        description="The CSM's e-mail; null: the whole team", examples=["csm@example.com"]
    )
    total: int = Field(
        description="Accounts in the queue (the list may be cut by limit)", examples=[37]
    )
    snoozed: int = Field(description="Accounts of this queue hidden by a snooze", examples=[2])
    rows: list[QueueRowRead]


@router.get(
    "/queue",
    summary="Today's queue of a CSM or of the whole team",
    responses=problems(**{"400": "config.toml [queue] or [coverage] is not valid",
                          "404": "No team member with this e-mail"}),
)  # fmt: skip
def get_queue(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    owner: Annotated[
        str | None, Query(description="The CSM's e-mail; the whole team when left out")
    ] = None,
    as_of: Annotated[date | None, Query(description="The day; today in the org's zone")] = None,
    limit: Annotated[int, Query(ge=1, le=10_000, description="Rows to return, first first")] = 500,
) -> QueueRead:
    """Accounts under contract that are due or overdue for a meaningful touch, or whose
    promised next step has come, without the snoozed ones; highest priority first. The
    priority is the sum of the reasons' points (docs/configuration.md, [queue])."""
    runtime = request.app.state.runtime
    settings = runtime.settings
    member = queue_service.find_member(session, owner) if owner else None
    queue = queue_service.build_queue(
        session,
        runtime.analytics(),
        day=as_of or org_today(session),
        owner=member,
        config=queue_service.queue_config(settings),
        cadences=coverage_service.cadence_config(settings),
        matrix_config=matrix_service.current_state(session, settings).config,
    )
    gettext = gettext_for(request_locale(request))
    return QueueRead(
        as_of=queue.day,
        owner=None if member is None else member.email,
        total=len(queue.lines),
        snoozed=queue.snoozed,
        rows=[
            QueueRowRead(
                external_id=line.external_id,
                name=line.name,
                owner=line.owner,
                tier=line.row.tier,
                cadence_days=line.row.cadence_days,
                last_touch=line.row.last_touch,
                days_since=line.row.days_since,
                days_overdue=line.row.days_overdue,
                score=line.row.score,
                reasons=[
                    ReasonRead(
                        kind=reason.kind, points=reason.points, text=describe(reason, gettext)
                    )
                    for reason in line.row.reasons
                ],
            )
            for line in queue.lines[:limit]
        ],
    )


class SnoozeCreate(BaseModel):
    """Keep an account out of the queue until a future day, with the reason."""

    account_external_id: str = Field(examples=["ACC-00001"])
    until: date = Field(description="The day it comes back (after today)", examples=["2026-12-15"])
    reason: str = Field(max_length=500, examples=["決算期のため 12 月中旬に連絡"])


class SnoozeRead(BaseModel):
    id: int = Field(examples=[12])
    account_external_id: str = Field(examples=["ACC-00001"])
    account_name: str = Field(examples=["株式会社はたけ建設"])
    until: date = Field(examples=["2026-12-15"])
    reason: str = Field(examples=["決算期のため 12 月中旬に連絡"])
    user_email: str | None = Field(
        description="Who snoozed it (the token's user)", examples=["csm@example.com"]
    )
    created_at: datetime = Field(examples=["2026-11-24T01:00:00Z"])


def _read(row: QueueSnooze, external_id: str, name: str, user_email: str | None) -> SnoozeRead:
    return SnoozeRead(
        id=row.id,
        account_external_id=external_id,
        account_name=name,
        until=row.until,
        reason=row.reason,
        user_email=user_email,
        created_at=row.created_at,
    )


@router.post(
    "/queue/snoozes",
    summary="Snooze an account",
    status_code=status.HTTP_201_CREATED,
)
def create_snooze(session: DbSession, token: WriteToken, data: SnoozeCreate) -> SnoozeRead:
    """Refused (422, naming the field) without a reason or with a day not after today."""
    account = accounts_repository.get_account_by_external_id(session, data.account_external_id)
    if account is None:
        raise InvalidField(
            "No account with external id {value}.",
            field="account_external_id",
            value=data.account_external_id,
        )
    row = queue_service.snooze(
        session,
        account_id=account.id,
        user_id=token.user_id,
        until=data.until,
        reason=data.reason,
        today=org_today(session),
    )
    user = session.get(User, token.user_id) if token.user_id is not None else None
    return _read(row, account.external_id, account.name, None if user is None else user.email)


@router.get("/queue/snoozes", summary="List snoozes")
def list_snoozes(
    session: DbSession,
    _token: ReadToken,
    include_ended: Annotated[
        bool, Query(description="Also the snoozes that have ended (default: in force today)")
    ] = False,
) -> list[SnoozeRead]:
    """Snoozes in force today (or all), latest end first."""
    day = None if include_ended else org_today(session)
    return [
        _read(row.QueueSnooze, row.external_id, row.name, row.user_email)
        for row in queue_repository.snoozes(session, day=day)
    ]


@router.delete(
    "/queue/snoozes/{snooze_id}",
    summary="End a snooze",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(**{"404": "No snooze with this id"}),
)
def delete_snooze(session: DbSession, _token: WriteToken, snooze_id: int) -> None:
    """The account comes back to the queue at once (when it is due)."""
    queue_service.end_snooze(session, snooze_id)
