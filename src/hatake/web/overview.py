"""The home page's figures: the state of the whole book of business at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.accounts import repository as accounts_repository
from hatake.accounts.repository import OwnerLoad
from hatake.health import movement, snapshots, versions
from hatake.health.definition import Definition, Grade
from hatake.usage import store

USAGE_DAYS = 90


@dataclass(frozen=True)
class Overview:
    active_accounts: int
    churned_accounts: int
    total_mrr_minor: int
    active_contacts: int
    events_30d: int
    active_users_30d: int
    owners: list[OwnerLoad]
    usage: dict[str, list[object]]
    health_as_of: date | None
    grades: list[tuple[Grade, int]]
    grade_series: dict[str, Any] | None  # accounts per grade per day (stacked chart)
    movements: list[movement.Movement]  # since 7 and 30 days ago: improved / worsened


def summarize(
    session: Session, analytics: DuckDBBackend, *, currency: str, locale: str = "ja"
) -> Overview:
    counts = accounts_repository.portfolio_counts(session, currency=currency)
    now = datetime.now(UTC)
    events = store.events(analytics)
    usage = store.activity_since(events, now - timedelta(days=30)).to_pyarrow().to_pylist()[0]
    start, today = now.date() - timedelta(days=USAGE_DAYS - 1), now.date()
    daily = store.daily_active_users(events, start, today).to_pyarrow().to_pylist()
    definition = versions.active_definition(session)
    health_as_of, per_grade = snapshots.latest_grade_counts(analytics, definition.version)
    grade_series, movements = _grade_movement(analytics, definition, health_as_of, locale)
    return Overview(
        active_accounts=counts.active_accounts,
        churned_accounts=counts.churned_accounts,
        total_mrr_minor=counts.total_mrr_minor,
        active_contacts=counts.active_contacts,
        events_30d=int(usage["events"] or 0),
        active_users_30d=int(usage["active_users"] or 0),
        owners=accounts_repository.owner_loads(session, currency=currency),
        usage=store.daily_series(daily, start, today),
        health_as_of=health_as_of,
        grades=[(grade, per_grade.get(grade.key, 0)) for grade in definition.grades],
        grade_series=grade_series,
        movements=movements,
    )


def _grade_movement(
    analytics: DuckDBBackend, definition: Definition, as_of: date | None, locale: str
) -> tuple[dict[str, Any] | None, list[movement.Movement]]:
    if as_of is None:
        return None, []
    start, end = movement.series_window(as_of)
    rows = movement.daily_grade_counts(analytics, definition.version, start, end)
    series = movement.grade_series(
        rows.to_pyarrow().to_pylist(), definition.grades, start, end, locale
    )
    keys = [grade.key for grade in definition.grades]
    moves = [
        movement.movement(analytics, definition.version, keys, days=days, as_of=as_of)
        for days in movement.MOVEMENT_DAYS
    ]
    return series, moves
