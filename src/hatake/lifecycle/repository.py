"""Every query of lifecycle stages and tiers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import pyarrow as pa
from sqlalchemy import Select, and_, delete, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from hatake.accounts.models import Account, Subscription
from hatake.coverage.models import Task
from hatake.lifecycle.models import (
    GridInitiative,
    LifecycleConfigVersion,
    LifecyclePeriod,
    MilestoneTick,
    TierOverride,
)


def config_version(session: Session, digest: str) -> LifecycleConfigVersion | None:
    return session.scalars(
        select(LifecycleConfigVersion).where(LifecycleConfigVersion.digest == digest)
    ).first()


def latest_config_version(session: Session) -> LifecycleConfigVersion | None:
    return session.scalars(
        select(LifecycleConfigVersion).order_by(LifecycleConfigVersion.id.desc()).limit(1)
    ).first()


def account_statuses(session: Session) -> dict[int, tuple[str, str, date | None]]:
    """Account id -> (external id, status, start date)."""
    rows = session.execute(
        select(Account.id, Account.external_id, Account.status, Account.start_date)
    )
    return {row.id: (row.external_id, row.status, row.start_date) for row in rows}


def terms_started_by(session: Session, day: date) -> Sequence[Any]:
    """Every contract term that started on or before ``day``."""
    return session.execute(
        select(
            Subscription.account_id,
            Subscription.start_date,
            Subscription.end_date,
            Subscription.mrr_minor,
            Subscription.currency,
            Subscription.seats,
        ).where(Subscription.start_date <= day)
    ).all()


def ticks(session: Session, account_ids: Collection[int] | None = None) -> Sequence[MilestoneTick]:
    statement = select(MilestoneTick).options(selectinload(MilestoneTick.author))
    if account_ids is not None:
        statement = statement.where(MilestoneTick.account_id.in_(account_ids))
    return session.scalars(statement.order_by(MilestoneTick.milestone_key)).all()


def tick(session: Session, account_id: int, key: str) -> MilestoneTick | None:
    return session.scalars(
        select(MilestoneTick).where(
            MilestoneTick.account_id == account_id, MilestoneTick.milestone_key == key
        )
    ).first()


def overrides(
    session: Session, account_ids: Collection[int] | None = None
) -> Sequence[TierOverride]:
    statement = select(TierOverride).options(selectinload(TierOverride.author))
    if account_ids is not None:
        statement = statement.where(TierOverride.account_id.in_(account_ids))
    return session.scalars(statement.order_by(TierOverride.id)).all()


def active_override(session: Session, account_id: int) -> TierOverride | None:
    return session.scalars(
        select(TierOverride)
        .options(selectinload(TierOverride.author))
        .where(TierOverride.account_id == account_id, TierOverride.cleared_at.is_(None))
    ).first()


def _covering(dimension: str, day: date) -> Any:
    return and_(
        LifecyclePeriod.dimension == dimension,
        LifecyclePeriod.entered_on <= day,
        or_(LifecyclePeriod.left_on.is_(None), LifecyclePeriod.left_on > day),
    )


def periods_on(
    session: Session,
    dimension: str,
    day: date,
    account_ids: Collection[int] | None = None,
    *,
    with_account: bool = False,
) -> Sequence[LifecyclePeriod]:
    statement = periods_statement(dimension, day)
    if account_ids is not None:
        statement = statement.where(LifecyclePeriod.account_id.in_(account_ids))
    if with_account:
        statement = statement.options(selectinload(LifecyclePeriod.account))
    return session.scalars(statement).all()


def periods_overlapping(session: Session, *, start: date, end: date) -> pa.Table:
    """The recorded tier and stage periods that overlap [start, end], by account external id,
    for scoring a range of days at once (health.service matches each row's day to them)."""
    rows = session.execute(
        select(
            Account.external_id,
            LifecyclePeriod.dimension,
            LifecyclePeriod.value,
            LifecyclePeriod.entered_on,
            LifecyclePeriod.left_on,
        )
        .join(Account, Account.id == LifecyclePeriod.account_id)
        .where(
            LifecyclePeriod.entered_on <= end,
            or_(LifecyclePeriod.left_on.is_(None), LifecyclePeriod.left_on > start),
        )
    ).all()
    names = ("account_id", "dimension", "value", "entered_on", "left_on")
    types = (pa.string(), pa.string(), pa.string(), pa.date32(), pa.date32())
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return pa.table(
        [pa.array(column, type=kind) for column, kind in zip(columns, types, strict=True)],
        names=list(names),
    )


# Above this many accounts, values_on reads every account's value and keeps the asked ones:
# an IN list of thousands of parameters cost SQLite more than the rows it saved.
IN_LIST_LIMIT = 500


def values_on(
    session: Session, dimension: str, day: date, account_ids: Collection[int]
) -> dict[int, str]:
    """Each asked account's recorded stage or tier on ``day`` (plain rows, no ORM objects)."""
    statement = select(LifecyclePeriod.account_id, LifecyclePeriod.value).where(
        _covering(dimension, day)
    )
    if len(account_ids) <= IN_LIST_LIMIT:
        statement = statement.where(LifecyclePeriod.account_id.in_(account_ids))
        return dict(session.execute(statement).all())
    wanted = set(account_ids)
    rows = session.execute(statement)
    return {account_id: value for account_id, value in rows if account_id in wanted}


def periods_statement(dimension: str, day: date) -> Select[tuple[LifecyclePeriod]]:
    return select(LifecyclePeriod).where(_covering(dimension, day))


def next_entries(session: Session, dimension: str, day: date) -> dict[int, date]:
    """Per account, the first period entered after ``day`` (when an earlier day is refreshed)."""
    rows = session.execute(
        select(LifecyclePeriod.account_id, func.min(LifecyclePeriod.entered_on))
        .where(LifecyclePeriod.dimension == dimension, LifecyclePeriod.entered_on > day)
        .group_by(LifecyclePeriod.account_id)
    )
    return {row[0]: row[1] for row in rows}


def periods_of(session: Session, account_id: int, dimension: str) -> Sequence[LifecyclePeriod]:
    return session.scalars(
        select(LifecyclePeriod)
        .where(LifecyclePeriod.account_id == account_id, LifecyclePeriod.dimension == dimension)
        .order_by(LifecyclePeriod.entered_on.desc())
    ).all()


def transitions(session: Session, dimension: str, start: date, end: date) -> list[Any]:
    """(from, to, accounts) of the moves made after ``start`` up to and including ``end``:
    the period entered that day, joined with the one it followed (none for a new account)."""
    earlier = aliased(LifecyclePeriod)
    statement = (
        select(earlier.value, LifecyclePeriod.value, func.count())
        .select_from(LifecyclePeriod)
        .outerjoin(
            earlier,
            and_(
                earlier.account_id == LifecyclePeriod.account_id,
                earlier.dimension == LifecyclePeriod.dimension,
                earlier.left_on == LifecyclePeriod.entered_on,
            ),
        )
        .where(
            LifecyclePeriod.dimension == dimension,
            LifecyclePeriod.entered_on > start,
            LifecyclePeriod.entered_on <= end,
        )
        .group_by(earlier.value, LifecyclePeriod.value)
    )
    return list(session.execute(statement).all())


def delete_period(session: Session, period: LifecyclePeriod) -> None:
    session.execute(delete(LifecyclePeriod).where(LifecyclePeriod.id == period.id))


def initiatives(session: Session) -> Sequence[GridInitiative]:
    return session.scalars(
        select(GridInitiative).options(selectinload(GridInitiative.author))
    ).all()


def initiative(session: Session, stage: str, tier: str) -> GridInitiative | None:
    return session.scalars(
        select(GridInitiative)
        .options(selectinload(GridInitiative.author))
        .where(GridInitiative.stage == stage, GridInitiative.tier == tier)
    ).first()


def open_tasks(session: Session, account_ids: Collection[int]) -> Sequence[Task]:
    if not account_ids:
        return []
    return session.scalars(
        select(Task)
        .where(Task.status == "open", Task.account_id.in_(account_ids))
        .order_by(Task.due_on.asc().nulls_last(), Task.id)
    ).all()


def with_account(statement: Select[tuple[LifecyclePeriod]]) -> Select[tuple[LifecyclePeriod]]:
    return statement.options(selectinload(LifecyclePeriod.account))
