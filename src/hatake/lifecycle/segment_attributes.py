"""The attributes and metrics segments filter on: one row per account for a day.

Metrics come from the health score's own inputs (health.service.day_inputs), so "usage rate
< 30%" in a segment is the same number the health score and its explanation show; the grade is
the stored score of that day (or the latest before it); stage and tier come from the lifecycle
rules. Accounts without a running contract are kept, with empty contract metrics, so a segment
can also select churned accounts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.core.settings import Settings
from hatake.health import snapshots, versions
from hatake.health.service import day_inputs
from hatake.lifecycle.matrix import months_completed
from hatake.lifecycle.segments import CUSTOM_PREFIX
from hatake.team.models import User

# A stored grade older than this is too stale to filter on.
GRADE_LOOKBACK_DAYS = 35
LabelsOf = Callable[[Session, Collection[int], date], dict[int, str]]


def tenure_months(start: date | None, day: date) -> int | None:
    """Whole months from the start to ``day``, counted as the priority matrix counts them;
    None for an account that has not started by then."""
    if start is None or start > day:
        return None
    return months_completed(start, day)


def attribute_table(
    session: Session,
    analytics: DuckDBBackend,
    *,
    day: date,
    settings: Settings,
    stage_of: LabelsOf | None = None,
    tier_of: LabelsOf | None = None,
) -> pa.Table:
    config = settings.file_config
    accounts = session.execute(
        select(
            Account.id,
            Account.external_id,
            User.email,
            Account.industry,
            Account.employee_count,
            Account.status,
            Account.start_date,
            Account.custom,
        ).outerjoin(User, User.id == Account.owner_id)
    ).all()
    ids = [row[0] for row in accounts]
    stages = stage_of(session, ids, day) if stage_of else {}
    tiers = tier_of(session, ids, day) if tier_of else {}
    base = {
        "account_id": pa.array(ids, pa.int64()),
        "external_id": [row[1] for row in accounts],
        "owner": [row[2] for row in accounts],
        "industry": [row[3] for row in accounts],
        "employees": pa.array([row[4] for row in accounts], pa.float64()),
        "status": [row[5] for row in accounts],
        "tenure_months": pa.array([tenure_months(row[6], day) for row in accounts], pa.float64()),
        "stage": [stages.get(i) for i in ids],
        "tier": [tiers.get(i) for i in ids],
    }
    for key in config.custom_keys:
        values = [(row[7] or {}).get(key) for row in accounts]
        base[CUSTOM_PREFIX + key] = [None if v is None else str(v) for v in values]
    inputs = day_inputs(
        session,
        analytics,
        start=day,
        end=day,
        config=config.health,
        custom_keys=config.custom_keys,
    )
    contract = pa.table(
        {
            "external_id": inputs.table["account_id"],
            "plan": inputs.table["plan"],
            "seats": inputs.table["seats"],
            "mrr": inputs.table["mrr_minor"],
            "ids": inputs.table["active_contacts"],
            **{
                name: pa.array(np.asarray(inputs.metrics[name], dtype=float), pa.float64())
                for name in ("active_users_30d", "usage_rate", "days_to_renewal")
            },
        }
    )
    grades = _grades(session, analytics, day)
    con = duckdb.connect()
    try:
        con.register("base", pa.table(base))
        con.register("contract", contract)
        con.register("grades", grades)
        return con.execute(
            "SELECT b.*, c.* EXCLUDE (external_id), g.score, g.grade FROM base b "
            "LEFT JOIN contract c USING (external_id) "
            "LEFT JOIN grades g ON g.account = b.external_id"
        ).to_arrow_table()
    finally:
        con.close()


def _grades(session: Session, analytics: DuckDBBackend, day: date) -> pa.Table:
    """Each account's stored score on ``day`` under the active definition, or its latest
    before it within the lookback."""
    version = versions.active_definition(session).version
    snapshots.ensure_tables(analytics)
    return analytics.con.execute(
        f"SELECT account_id AS account, arg_max(score, as_of) AS score, "
        f"arg_max(grade, as_of) AS grade FROM {snapshots.SCORES_TABLE} "
        "WHERE definition_version = ? AND as_of <= ? AND as_of > ? GROUP BY account_id",
        [version, day, day - timedelta(days=GRADE_LOOKBACK_DAYS)],
    ).to_arrow_table()
