"""REST API of lifecycle stages and touch tiers: the recorded stage and tier of a day, the
stage flow, the stage x tier grid, and (write scope) milestone ticks, tier overrides and the
grid's initiatives."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from hatake.accounts import repository as accounts_repository
from hatake.accounts.models import Account
from hatake.core.errors import NotFound
from hatake.core.pagination import Page, PageRequest, paginate
from hatake.lifecycle import repository, service
from hatake.lifecycle.grid import Cell, build_grid
from hatake.lifecycle.models import LifecyclePeriod
from hatake.lifecycle.stages import is_stuck
from hatake.team.service import org_today
from hatake.web.api import page_query, problems
from hatake.web.deps import DbSession, ReadToken, WriteToken

router = APIRouter(prefix="/api/v1", tags=["lifecycle"])
Tier = Literal["high_touch", "low_touch", "tech_touch"]
SORTS = {"account": LifecyclePeriod.account_id, "entered_on": LifecyclePeriod.entered_on}
PeriodPage = Annotated[PageRequest, Depends(page_query(list(SORTS), default="account"))]
MISSING_ACCOUNT = problems(**{"404": "No account with this external id"})
DayQuery = Annotated[
    date | None, Query(alias="date", description="The day; today (organisation time) if left out")
]


class PeriodRead(BaseModel):
    account_external_id: str = Field(examples=["ACC-0001"])
    value: str = Field(description="Stage key or tier", examples=["onboarding"])
    entered_on: date = Field(examples=["2026-10-01"])
    days: int = Field(description="Days in the stage or tier on the asked day", examples=[50])
    stuck: bool = Field(
        description="Longer in the stage than its expected_days (stages only)", examples=[False]
    )


class FlowRead(BaseModel):
    from_stage: str | None = Field(
        description="null: the account had no stage before", examples=["onboarding"]
    )
    to_stage: str = Field(examples=["adoption"])
    accounts: int = Field(examples=[12])


class CellRead(BaseModel):
    stage: str
    tier: str
    accounts: int
    initiatives: str | None
    initiatives_by: str | None
    initiatives_updated_at: str | None
    open_tasks: int


class MilestoneRead(BaseModel):
    key: str
    reached_by_usage_on: date | None
    ticked_on: date | None
    ticked_by: str | None


class AccountLifecycleRead(BaseModel):
    account_external_id: str
    stage: str | None
    stage_since: date | None
    stuck: bool
    tier: str | None
    tier_since: date | None
    tier_override: Tier | None
    tier_override_reason: str | None
    milestones: list[MilestoneRead]


class TickWrite(BaseModel):
    reached_on: date = Field(
        description="The day the milestone was reached", examples=["2026-11-20"]
    )


class OverrideWrite(BaseModel):
    tier: Tier = Field(examples=["high_touch"])
    reason: str = Field(
        min_length=1, max_length=service.REASON_LIMIT, examples=["親会社と一括契約の予定"]
    )


class InitiativeWrite(BaseModel):
    body: str = Field(
        max_length=service.INITIATIVE_LIMIT,
        examples=["導入ウェビナー（毎週水曜）に招待し、初回ログインを電話で確認"],
    )


def _account(session: Session, external_id: str) -> Account:
    account = accounts_repository.get_account_by_external_id(session, external_id)
    if account is None:
        raise NotFound("No account with external id {external_id}.", external_id=external_id)
    return account


def _periods(
    request: Request, session: Session, dimension: str, day: date | None, value: str | None,
    page: PageRequest,
) -> Page[PeriodRead]:  # fmt: skip
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    as_of = day or org_today(session)
    statement = repository.periods_statement(dimension, as_of)
    if value is not None:
        statement = statement.where(LifecyclePeriod.value == value)
    rows, cursor = paginate(
        session,
        repository.with_account(statement),
        sorts=SORTS,
        id_column=LifecyclePeriod.id,
        page=page,
    )
    items = [
        PeriodRead(
            account_external_id=row.account.external_id,
            value=row.value,
            entered_on=row.entered_on,
            days=(as_of - row.entered_on).days,
            stuck=dimension == "stage"
            and is_stuck(state.config.stage(row.value), row.entered_on, as_of),
        )
        for row in rows
    ]
    return Page[PeriodRead](items=items, next_cursor=cursor)


@router.get("/lifecycle/stages", summary="Every account's recorded stage on a day")
def list_stages(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    page: PeriodPage,
    day: DayQuery = None,
    stage: Annotated[str | None, Query(description="Only this stage")] = None,
) -> Page[PeriodRead]:
    return _periods(request, session, "stage", day, stage, page)


@router.get("/lifecycle/tiers", summary="Every account's recorded touch tier on a day")
def list_tiers(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    page: PeriodPage,
    day: DayQuery = None,
    tier: Annotated[Tier | None, Query(description="Only this tier")] = None,
) -> Page[PeriodRead]:
    return _periods(request, session, "tier", day, tier, page)


@router.get("/lifecycle/flow", summary="How many accounts moved between stages in a period")
def stage_flow(
    session: DbSession,
    _token: ReadToken,
    start: Annotated[date, Query(alias="from", description="Moves after this day")],
    end: Annotated[date, Query(alias="to", description="...up to and including this day")],
) -> list[FlowRead]:
    return [
        FlowRead(from_stage=item.from_stage, to_stage=item.to_stage, accounts=item.accounts)
        for item in service.flow(session, start, end)
    ]


def _cell_read(cell: Cell) -> CellRead:
    initiative = cell.initiative
    author = initiative.author if initiative is not None else None
    return CellRead(
        stage=cell.stage,
        tier=cell.tier,
        accounts=cell.accounts,
        initiatives=initiative.body if initiative is not None else None,
        initiatives_by=author.name if author is not None else None,
        initiatives_updated_at=initiative.updated_at.isoformat() if initiative else None,
        open_tasks=len(cell.open_tasks),
    )


@router.get("/lifecycle/grid", summary="Accounts, initiatives and open tasks per stage x tier")
def stage_tier_grid(
    request: Request, session: DbSession, _token: ReadToken, day: DayQuery = None
) -> list[CellRead]:
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    grid = build_grid(session, day or org_today(session), state.config)
    return [_cell_read(grid.cell(stage, tier)) for stage in grid.stages for tier in grid.tiers]


@router.put(
    "/lifecycle/grid/{stage}/{tier}",
    summary="Write the initiatives of one stage x tier cell",
    responses=problems(**{"404": "No such stage"}),
)
def put_initiative(
    request: Request,
    session: DbSession,
    token: WriteToken,
    stage: str,
    tier: Tier,
    data: InitiativeWrite,
) -> CellRead:
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    service.save_initiative(
        session, state.config, stage=stage, tier=tier, body=data.body, author_id=token.user_id
    )
    return _cell_read(build_grid(session, org_today(session), state.config).cell(stage, tier))


def _account_lifecycle(
    request: Request, session: Session, account: Account
) -> AccountLifecycleRead:
    runtime = request.app.state.runtime
    state = service.lifecycle_config(session, runtime.settings)
    today = org_today(session)
    with runtime.analytics_lock:
        by_usage = service.milestone_days(runtime.analytics(), state.milestones, today).get(
            account.external_id, {}
        )
    ticks = {tick.milestone_key: tick for tick in repository.ticks(session, [account.id])}
    stage = next(iter(repository.periods_on(session, "stage", today, [account.id])), None)
    tier = next(iter(repository.periods_on(session, "tier", today, [account.id])), None)
    override = repository.active_override(session, account.id)
    return AccountLifecycleRead(
        account_external_id=account.external_id,
        stage=stage.value if stage else None,
        stage_since=stage.entered_on if stage else None,
        stuck=stage is not None
        and is_stuck(state.config.stage(stage.value), stage.entered_on, today),
        tier=tier.value if tier else None,
        tier_since=tier.entered_on if tier else None,
        tier_override=override.tier if override else None,  # type: ignore[arg-type]
        tier_override_reason=override.reason if override else None,
        milestones=[
            MilestoneRead(
                key=item.key,
                reached_by_usage_on=by_usage.get(item.key),
                ticked_on=ticks[item.key].reached_on if item.key in ticks else None,
                ticked_by=ticks[item.key].author.name
                if item.key in ticks and ticks[item.key].author
                else None,
            )
            for item in state.milestones
        ],
    )


@router.get(
    "/accounts/{external_id}/lifecycle",
    summary="An account's stage, tier, override and milestones today",
    responses=MISSING_ACCOUNT,
)
def account_lifecycle(
    request: Request, session: DbSession, _token: ReadToken, external_id: str
) -> AccountLifecycleRead:
    return _account_lifecycle(request, session, _account(session, external_id))


@router.put(
    "/accounts/{external_id}/milestones/{key}",
    summary="Tick an onboarding milestone as reached",
    responses=problems(**{"404": "No such account or milestone"}),
)
def tick_milestone(
    request: Request,
    session: DbSession,
    token: WriteToken,
    external_id: str,
    key: str,
    data: TickWrite,
) -> AccountLifecycleRead:
    account = _account(session, external_id)
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    service.tick_milestone(
        session,
        state,
        account_id=account.id,
        key=key,
        reached_on=data.reached_on,
        author_id=token.user_id,
    )
    return _account_lifecycle(request, session, account)


@router.delete(
    "/accounts/{external_id}/milestones/{key}",
    summary="Remove a milestone tick",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(**{"404": "No such account, milestone or tick"}),
)
def untick_milestone(
    request: Request, session: DbSession, _token: WriteToken, external_id: str, key: str
) -> None:
    account = _account(session, external_id)
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    service.untick_milestone(session, state, account_id=account.id, key=key)


@router.put(
    "/accounts/{external_id}/tier-override",
    summary="Set the touch tier by hand, with a reason",
    responses=MISSING_ACCOUNT,
)
def put_override(
    request: Request, session: DbSession, token: WriteToken, external_id: str, data: OverrideWrite
) -> AccountLifecycleRead:
    account = _account(session, external_id)
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    service.override_tier(
        session,
        state,
        account_id=account.id,
        tier=data.tier,
        reason=data.reason,
        author_id=token.user_id,
    )
    return _account_lifecycle(request, session, account)


@router.delete(
    "/accounts/{external_id}/tier-override",
    summary="Clear the tier override (back to the tier from ARR)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(**{"404": "No such account, or no override in force"}),
)
def delete_override(
    request: Request, session: DbSession, token: WriteToken, external_id: str
) -> None:
    account = _account(session, external_id)
    state = service.lifecycle_config(session, request.app.state.runtime.settings)
    service.clear_override(session, state, account_id=account.id, author_id=token.user_id)
