"""Daily usage rollups: the raw events reduced to one row per account, user and local day and one
per account, event name and local day. Health factors read these instead of the raw events, so
scoring a day touches thousands of rows rather than millions.

The rollups are maintained incrementally: events are append-only and stamped with
``received_at`` on arrival, so the (account, day) pairs touched since the last run are
recomputed from the raw events and nothing else. A change of the organisation's time zone, or
no rollup yet, rebuilds everything. Days are calendar days in the organisation's time zone,
because a Tokyo customer working at 08:00 is working on that Tokyo day, not on the previous
UTC one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.usage.store import EVENTS_TABLE

USER_DAYS = "usage_user_days"
FEATURE_DAYS = "usage_feature_days"
STATE = "usage_rollup_state"

_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {USER_DAYS} (account_id VARCHAR NOT NULL, "
    "user_id VARCHAR NOT NULL, day DATE NOT NULL, events BIGINT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {FEATURE_DAYS} (account_id VARCHAR NOT NULL, "
    "event VARCHAR NOT NULL, day DATE NOT NULL, events BIGINT NOT NULL)",
    f"CREATE TABLE IF NOT EXISTS {STATE} (time_zone VARCHAR NOT NULL, "
    "received_through TIMESTAMPTZ)",
)


@dataclass(frozen=True)
class RollupRun:
    """What one maintenance run did: a full rebuild, or how many (account, day) pairs it
    recomputed because new events arrived for them."""

    full: bool
    account_days: int
    received_through: datetime | None


def local_day_sql(column: str, time_zone: str) -> str:
    """SQL for the calendar day of a UTC timestamp in ``time_zone`` (DuckDB and PostgreSQL)."""
    ZoneInfo(time_zone)  # an unknown zone raises here, before it is written into SQL
    return f"CAST(timezone('{time_zone}', {column}) AS DATE)"


def ensure_tables(con: DuckDBBackend) -> None:
    for statement in _CREATE:
        con.con.execute(statement)


def _state(con: DuckDBBackend) -> tuple[str, datetime | None] | None:
    # Through Arrow: DuckDB hands TIMESTAMPTZ to Python only via pytz, which hatake does not use.
    rows = con.con.execute(f"SELECT time_zone, received_through FROM {STATE}").fetch_arrow_table()
    if rows.num_rows == 0:
        return None
    return rows["time_zone"][0].as_py(), rows["received_through"][0].as_py()


def _insert_rollups(con: DuckDBBackend, time_zone: str, scope: str) -> None:
    """Recompute both rollups from the raw events of ``scope`` (a join clause, or empty for
    every event)."""
    day = local_day_sql("e.timestamp", time_zone)
    for table, key in ((USER_DAYS, "e.user_id"), (FEATURE_DAYS, "e.event")):
        con.con.execute(
            f"INSERT INTO {table} SELECT e.account_id, {key}, {day} AS day, count(*) "
            f"FROM {EVENTS_TABLE} e {scope} "
            f"WHERE e.account_id IS NOT NULL AND {key} IS NOT NULL GROUP BY ALL"
        )


def refresh_rollups(con: DuckDBBackend, time_zone: str) -> RollupRun:
    """Bring the rollups up to date with every stored event, in one transaction."""
    ensure_tables(con)
    raw = con.con
    raw.execute("BEGIN TRANSACTION")
    try:
        state = _state(con)
        if state is None or state[0] != time_zone or state[1] is None:
            for table in (USER_DAYS, FEATURE_DAYS, STATE):
                raw.execute(f"DELETE FROM {table}")
            _insert_rollups(con, time_zone, "")
            pairs = raw.execute(
                f"SELECT count(*) FROM (SELECT DISTINCT account_id, day FROM {FEATURE_DAYS})"
            ).fetchone()[0]
            full = True
        else:
            # `>=`: an event received in the same microsecond as the last run's newest one is
            # recomputed again, which is harmless; missing it would not be.
            day = local_day_sql("timestamp", time_zone)
            raw.execute(
                "CREATE OR REPLACE TEMP TABLE hatake_touched AS "
                f"SELECT DISTINCT account_id, {day} AS day FROM {EVENTS_TABLE} "
                "WHERE account_id IS NOT NULL "
                f"AND received_at >= (SELECT received_through FROM {STATE})"
            )
            pairs = raw.execute("SELECT count(*) FROM hatake_touched").fetchone()[0]
            if pairs:
                for table in (USER_DAYS, FEATURE_DAYS):
                    raw.execute(
                        f"DELETE FROM {table} r USING hatake_touched t "
                        "WHERE r.account_id = t.account_id AND r.day = t.day"
                    )
                scope = (
                    "JOIN hatake_touched t ON t.account_id = e.account_id "
                    f"AND t.day = {local_day_sql('e.timestamp', time_zone)}"
                )
                _insert_rollups(con, time_zone, scope)
            raw.execute("DROP TABLE hatake_touched")
            full = False
        raw.execute(f"DELETE FROM {STATE}")
        raw.execute(
            f"INSERT INTO {STATE} SELECT ?, max(received_at) FROM {EVENTS_TABLE}", [time_zone]
        )
        through = _state(con)
        raw.execute("COMMIT")
    except BaseException:
        raw.execute("ROLLBACK")
        raise
    return RollupRun(
        full=full, account_days=int(pairs), received_through=through[1] if through else None
    )


def clear(con: DuckDBBackend) -> None:
    """Forget the rollups (the events they summarise were replaced); the next run rebuilds."""
    ensure_tables(con)
    for table in (USER_DAYS, FEATURE_DAYS, STATE):
        con.con.execute(f"DELETE FROM {table}")
