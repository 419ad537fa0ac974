"""Queries of the renewal forecast: contract terms with their billing period, and the health
grades stored in the analytics store."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Subscription
from hatake.health import snapshots
from hatake.revenue.revenue_repository import terms_statement

# A grade is read from the latest score within this many days up to the day asked for, so a
# day the refresh skipped does not leave an account without a grade.
GRADE_WINDOW_DAYS = 7


def terms_with_billing(session: Session) -> list[Any]:
    """Every subscription row in the shape of revenue.mrr.Term (dates as stored), then its
    billing period, the account's external ID and name. Read through the Core connection:
    plain rows, without the ORM's per-row bookkeeping (16,000 rows at 10,000 accounts), in
    no order: the forecast sorts what it needs."""
    statement = (
        terms_statement(days_as_stored=True)
        .add_columns(
            Subscription.billing_period,
            Account.external_id.label("account_external_id"),
            Account.name.label("account_name"),
        )
        .join(Account, Account.id == Subscription.account_id)
    )
    return list(session.connection().execute(statement).all())


def grades_on(
    analytics: DuckDBBackend, version: str, account_ids: np.ndarray, days: np.ndarray
) -> list[str | None]:
    """The stored grade of each account (external IDs) on each day (datetime64[D]), from the
    latest score of ``version`` in the GRADE_WINDOW_DAYS up to that day; ``None`` where there
    is none."""
    if not len(account_ids):
        return []
    snapshots.ensure_tables(analytics)
    pairs = pa.table(
        {
            "position": pa.array(np.arange(len(account_ids)), pa.int64()),
            "account_id": pa.array(account_ids, pa.string()),
            "day": pa.array(days.astype("datetime64[D]"), pa.date32()),
        }
    )
    con = analytics.con
    con.register("forecast_pairs", pairs)
    try:
        rows = con.execute(
            "SELECT p.position, arg_max(s.grade, s.as_of) FROM forecast_pairs p "
            f"JOIN {snapshots.SCORES_TABLE} s ON s.account_id = p.account_id "
            "AND s.as_of <= p.day AND s.as_of > p.day - ?::INTEGER "
            "WHERE s.definition_version = ? GROUP BY p.position",
            [GRADE_WINDOW_DAYS, version],
        ).fetchall()
    finally:
        con.unregister("forecast_pairs")
    found: list[str | None] = [None] * len(account_ids)
    for position, grade in rows:
        found[position] = grade
    return found
