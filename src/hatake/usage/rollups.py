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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import numpy as np
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


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Zone offsets are sampled this often to find their changes; no zone changes its offset twice
# within six hours.
_OFFSET_PROBE = timedelta(hours=6)


def _offset_changes(time_zone: str, first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """The zone's UTC offset (seconds) at ``first`` and from each moment it changes up to
    ``last``: a short list even over years, because only DST switches appear."""
    zone = ZoneInfo(time_zone)

    def offset(moment: datetime) -> int:
        delta = moment.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    changes = [(first, offset(first))]
    probe = first
    while probe < last:
        following = min(probe + _OFFSET_PROBE, last)
        if offset(following) != changes[-1][1]:
            # Bisect to the second: the change happened after `low` and by `high`.
            low, high = probe, following
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if offset(middle) == changes[-1][1]:
                    low = middle
                else:
                    high = middle
            changes.append((high, offset(high)))
        probe = following
    return changes


def fast_local_day_sql(column: str, time_zone: str, first: datetime, last: datetime) -> str:
    """DuckDB SQL for the calendar day in ``time_zone`` of a TIMESTAMPTZ ``column`` whose values
    lie in [first, last]: the same day as ``local_day_sql`` but by integer arithmetic on the
    epoch with the zone's offsets written in, several times faster than ICU's per-row zone
    lookup over millions of events."""
    micros = f"epoch_us({column})"
    changes = _offset_changes(time_zone, first.astimezone(UTC), last.astimezone(UTC))
    offset = str(changes[-1][1] * 1_000_000)
    for (_, seconds), (changed, _) in reversed(list(pairwise(changes))):
        offset = (
            f"CASE WHEN {micros} < {_epoch_micros(changed)} THEN {seconds * 1_000_000} "
            f"ELSE {offset} END"
        )
    return f"CAST(make_timestamp({micros} + {offset}) AS DATE)"


def _epoch_micros(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def local_days(moments: np.ndarray, time_zone: str) -> np.ndarray:
    """Calendar days in ``time_zone`` of UTC ``datetime64`` moments (NaT stays NaT), by the
    same offsets as ``fast_local_day_sql``."""
    micros = moments.astype("datetime64[us]")
    known = ~np.isnat(micros)
    days = np.full(len(micros), np.datetime64("NaT"), dtype="datetime64[D]")
    if not known.any():
        return days
    values = micros[known].astype(np.int64)
    first, last = (
        _EPOCH + timedelta(microseconds=int(bound)) for bound in (values.min(), values.max())
    )
    changes = _offset_changes(time_zone, first, last)
    boundaries = np.array([_epoch_micros(moment) for moment, _ in changes[1:]], dtype=np.int64)
    offsets = np.array([seconds * 1_000_000 for _, seconds in changes], dtype=np.int64)
    shifted = values + offsets[np.searchsorted(boundaries, values, side="right")]
    days[known] = (shifted // 86_400_000_000).astype("datetime64[D]")
    return days


def day_ranges(days: Iterable[date], time_zone: str) -> list[tuple[datetime, datetime]]:
    """The UTC moments [from, until) of local ``days``, consecutive days merged into one range."""
    zone = ZoneInfo(time_zone)
    ranges: list[tuple[datetime, datetime]] = []
    for day in sorted(set(days)):
        begins = datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
        ends = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
        if ranges and ranges[-1][1] == begins:
            ranges[-1] = (ranges[-1][0], ends)
        else:
            ranges.append((begins, ends))
    return ranges


def ensure_tables(con: DuckDBBackend) -> None:
    for statement in _CREATE:
        con.con.execute(statement)


def _moment(micros: int | None) -> datetime | None:
    return None if micros is None else _EPOCH + timedelta(microseconds=micros)


def _state(con: DuckDBBackend) -> tuple[str, datetime | None] | None:
    # As epoch microseconds: DuckDB hands TIMESTAMPTZ to Python only via pytz, which hatake does
    # not use.
    row = con.con.execute(f"SELECT time_zone, epoch_us(received_through) FROM {STATE}").fetchone()
    return None if row is None else (row[0], _moment(row[1]))


def _moments(con: DuckDBBackend, table: str, where: str = "") -> tuple[datetime, datetime] | None:
    """The first and last timestamps of the events ``where`` selects, None without any."""
    first, last = con.con.execute(
        f"SELECT epoch_us(min(timestamp)), epoch_us(max(timestamp)) FROM {table} {where}"
    ).fetchone()
    return None if first is None else (_moment(first), _moment(last))


def _insert_rollups(
    con: DuckDBBackend, time_zone: str, span: tuple[datetime, datetime], scope: str = ""
) -> None:
    """Recompute both rollups from the raw events of ``scope`` (a join and where clause, or
    empty for every event), whose timestamps lie within ``span``."""
    day = fast_local_day_sql("e.timestamp", time_zone, *span)
    where = "WHERE" if not scope else "AND"
    for table, key in ((USER_DAYS, "e.user_id"), (FEATURE_DAYS, "e.event")):
        con.con.execute(
            f"INSERT INTO {table} SELECT e.account_id, {key}, {day} AS day, count(*) "
            f"FROM {EVENTS_TABLE} e {scope} "
            f"{where} e.account_id IS NOT NULL AND {key} IS NOT NULL GROUP BY ALL"
        )


def _rebuild(con: DuckDBBackend, time_zone: str) -> int:
    raw = con.con
    for table in (USER_DAYS, FEATURE_DAYS, STATE):
        raw.execute(f"DELETE FROM {table}")
    span = _moments(con, EVENTS_TABLE)
    if span is None:
        return 0
    _insert_rollups(con, time_zone, span)
    return raw.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT account_id, day FROM {FEATURE_DAYS})"
    ).fetchone()[0]


def _update(con: DuckDBBackend, time_zone: str) -> int:
    """Recompute the (account, day) pairs that events received since the last run touch."""
    raw = con.con
    # `>=`: an event received in the same microsecond as the last run's newest one is
    # recomputed again, which is harmless; missing it would not be.
    arrived = f"received_at >= (SELECT received_through FROM {STATE})"
    span = _moments(con, EVENTS_TABLE, f"WHERE {arrived}")
    if span is None:
        return 0
    raw.execute(
        "CREATE OR REPLACE TEMP TABLE hatake_touched AS "
        f"SELECT DISTINCT account_id, {fast_local_day_sql('timestamp', time_zone, *span)} AS day "
        f"FROM {EVENTS_TABLE} WHERE account_id IS NOT NULL AND {arrived}"
    )
    try:
        days = [row[0] for row in raw.execute("SELECT DISTINCT day FROM hatake_touched").fetchall()]
        if not days:
            return 0
        for table in (USER_DAYS, FEATURE_DAYS):
            raw.execute(
                f"DELETE FROM {table} r USING hatake_touched t "
                "WHERE r.account_id = t.account_id AND r.day = t.day"
            )
        # Only the touched days' events are read: a range test on the timestamp skips the rest
        # of the table before any day is computed.
        ranges = day_ranges(days, time_zone)
        within = " OR ".join(
            f"(e.timestamp >= TIMESTAMPTZ '{begins.isoformat()}' "
            f"AND e.timestamp < TIMESTAMPTZ '{ends.isoformat()}')"
            for begins, ends in ranges
        )
        day = fast_local_day_sql("e.timestamp", time_zone, ranges[0][0], ranges[-1][1])
        scope = (
            f"JOIN hatake_touched t ON t.account_id = e.account_id AND t.day = {day} "
            f"WHERE ({within})"
        )
        _insert_rollups(con, time_zone, (ranges[0][0], ranges[-1][1]), scope)
        return raw.execute("SELECT count(*) FROM hatake_touched").fetchone()[0]
    finally:
        raw.execute("DROP TABLE hatake_touched")


def refresh_rollups(con: DuckDBBackend, time_zone: str) -> RollupRun:
    """Bring the rollups up to date with every stored event, in one transaction."""
    ensure_tables(con)
    raw = con.con
    raw.execute("BEGIN TRANSACTION")
    try:
        state = _state(con)
        full = state is None or state[0] != time_zone or state[1] is None
        pairs = _rebuild(con, time_zone) if full else _update(con, time_zone)
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
