"""The home page's figures: the state of the whole book of business at a glance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.accounts import repository as accounts_repository
from hatake.usage import store


@dataclass(frozen=True)
class Overview:
    active_accounts: int
    churned_accounts: int
    total_mrr_minor: int
    active_contacts: int
    events_30d: int
    active_users_30d: int


def summarize(session: Session, analytics: DuckDBBackend, *, currency: str) -> Overview:
    counts = accounts_repository.portfolio_counts(session, currency=currency)
    since = datetime.now(UTC) - timedelta(days=30)
    usage = store.activity_since(store.events(analytics), since).to_pyarrow().to_pylist()[0]
    return Overview(
        active_accounts=counts.active_accounts,
        churned_accounts=counts.churned_accounts,
        total_mrr_minor=counts.total_mrr_minor,
        active_contacts=counts.active_contacts,
        events_30d=int(usage["events"] or 0),
        active_users_30d=int(usage["active_users"] or 0),
    )
