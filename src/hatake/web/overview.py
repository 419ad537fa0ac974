"""The home page's figures: the state of the whole book of business at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.accounts import repository as accounts_repository
from hatake.accounts.repository import OwnerLoad
from hatake.health import snapshots
from hatake.health.definition import Grade, default_definition
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


def summarize(session: Session, analytics: DuckDBBackend, *, currency: str) -> Overview:
    counts = accounts_repository.portfolio_counts(session, currency=currency)
    now = datetime.now(UTC)
    events = store.events(analytics)
    usage = store.activity_since(events, now - timedelta(days=30)).to_pyarrow().to_pylist()[0]
    start, today = now.date() - timedelta(days=USAGE_DAYS - 1), now.date()
    daily = store.daily_active_users(events, start, today).to_pyarrow().to_pylist()
    definition = default_definition()
    health_as_of, per_grade = snapshots.latest_grade_counts(analytics, definition.version)
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
    )
