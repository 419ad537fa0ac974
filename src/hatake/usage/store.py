"""Analytics store (OLAP): product-usage events in DuckDB, reached through Ibis.

Builders never hold a connection: functions take an Ibis backend or table and return an
expression or a result, so the same code can later run on PostgreSQL or a warehouse.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.core.errors import HatakeError

EVENTS_TABLE = "usage_events"

EVENTS_SCHEMA = ibis.schema(
    {
        "message_id": "!string",
        "account_id": "string",
        "user_id": "string",
        "event": "!string",
        "timestamp": "!timestamp('UTC')",
        "properties": "string",
        "received_at": "timestamp('UTC')",
    }
)

EVENTS_ARROW_SCHEMA = pa.schema(
    [
        pa.field("message_id", pa.string(), nullable=False),
        pa.field("account_id", pa.string()),
        pa.field("user_id", pa.string()),
        pa.field("event", pa.string(), nullable=False),
        pa.field("timestamp", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("properties", pa.string()),
        pa.field("received_at", pa.timestamp("us", tz="UTC")),
    ]
)


class AnalyticsLocked(HatakeError):
    status_code = 409
    message_key = (
        "The analytics store {path} is open in another hatake process (a running server or "
        "command). DuckDB allows one writer at a time: stop that process and try again."
    )


def connect(path: Path, *, read_only: bool = False) -> DuckDBBackend:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = ibis.duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" not in str(error).lower():
            raise
        raise AnalyticsLocked(path=str(path)) from None
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: DuckDBBackend) -> None:
    if EVENTS_TABLE not in con.list_tables():
        con.create_table(EVENTS_TABLE, schema=EVENTS_SCHEMA)


def append_events(con: DuckDBBackend, batch: pa.Table, *, deduplicate: bool = True) -> int:
    """Append a batch of events in one transaction; returns how many rows were new.

    With ``deduplicate`` a message id already stored (or repeated in the batch) is skipped, so a
    retried batch is stored once. An event without ``received_at`` is stamped with the current
    time. Bulk loaders that mint unique ids themselves (the demo) pass
    False to skip the anti-join.
    """
    raw = con.con
    batch = batch.cast(EVENTS_ARROW_SCHEMA)
    # The rollups find new events by their arrival time, so every event must have one.
    arrived = pa.scalar(datetime.now(UTC), EVENTS_ARROW_SCHEMA.field("received_at").type)
    batch = batch.set_column(
        batch.schema.get_field_index("received_at"),
        "received_at",
        pc.fill_null(batch["received_at"], arrived),
    )
    raw.register("hatake_incoming", batch)
    try:
        before = raw.execute(f"SELECT count(*) FROM {EVENTS_TABLE}").fetchone()[0]
        if deduplicate:
            raw.execute(
                f"INSERT INTO {EVENTS_TABLE} SELECT * FROM hatake_incoming i "
                "QUALIFY row_number() OVER (PARTITION BY message_id) = 1 "
                f"AND NOT EXISTS (SELECT 1 FROM {EVENTS_TABLE} e WHERE e.message_id = i.message_id)"
            )
        else:
            raw.execute(f"INSERT INTO {EVENTS_TABLE} SELECT * FROM hatake_incoming")
        after = raw.execute(f"SELECT count(*) FROM {EVENTS_TABLE}").fetchone()[0]
    finally:
        raw.unregister("hatake_incoming")
    return int(after - before)


def events(con: DuckDBBackend) -> ir.Table:
    return con.table(EVENTS_TABLE)


def daily_active_users(
    table: ir.Table, start: date, end: date, account_id: str | None = None
) -> ir.Table:
    """Distinct active users and event counts per UTC day in [start, end], for one account or
    (without ``account_id``) across the whole customer base."""
    window = table.filter(
        table.timestamp >= datetime.combine(start, time.min, tzinfo=UTC),
        table.timestamp < datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )
    if account_id is not None:
        window = window.filter(window.account_id == account_id)
    day = window.timestamp.date().name("day")
    return (
        window.group_by(day)
        .aggregate(active_users=window.user_id.nunique(), events=window.count())
        .order_by("day")
    )


def daily_series(rows: list[dict[str, object]], start: date, end: date) -> dict[str, list[object]]:
    """Fill the days without activity with zeros, for charts."""
    by_day = {row["day"]: row for row in rows}
    days = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    return {
        "labels": [day.isoformat() for day in days],
        "active_users": [by_day[day]["active_users"] if day in by_day else 0 for day in days],
        "events": [by_day[day]["events"] if day in by_day else 0 for day in days],
    }


def activity_since(table: ir.Table, since: datetime) -> ir.Table:
    """Events and distinct active users (across all accounts) since a moment."""
    recent = table.filter(table.timestamp >= since)
    return recent.aggregate(events=recent.count(), active_users=recent.user_id.nunique())
