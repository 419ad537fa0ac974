"""The daily rollups and the set-based usage features agree with counting events by brute force,
whether the rollups were built at once or grown batch by batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hatake.health import compute
from hatake.usage import rollups, store

START = date(2026, 3, 1)
DAYS = 75
TOKYO_OFFSET = timedelta(hours=9)

# (account, user, event, day offset, hour in Tokyo)
Event = tuple[str, str, str, int, int]
events_strategy = st.lists(
    st.tuples(
        st.sampled_from(["A", "B"]),
        st.sampled_from(["u1", "u2", "u3", "u4"]),
        st.sampled_from(["login", "export", "share"]),
        st.integers(0, DAYS - 1),
        st.integers(0, 23),
    ),
    min_size=1,
    max_size=60,
)


def _batch(events: Sequence[Event], offset: int) -> pa.Table:
    moments = [
        datetime.combine(START + timedelta(days=day), datetime.min.time()).replace(tzinfo=UTC)
        + timedelta(hours=hour)
        - TOKYO_OFFSET
        for _account, _user, _event, day, hour in events
    ]
    return pa.table(
        {
            "message_id": [f"m{offset + index}" for index in range(len(events))],
            "account_id": [item[0] for item in events],
            "user_id": [item[1] for item in events],
            "event": [item[2] for item in events],
            "timestamp": pa.array(moments, pa.timestamp("us", tz="UTC")),
            "properties": [None] * len(events),
            "received_at": pa.array([None] * len(events), pa.timestamp("us", tz="UTC")),
        }
    )


def _expected(events: Sequence[Event], account: str, day: int, key: str) -> float | None:
    mine = [item for item in events if item[0] == account and item[3] <= day]
    if not mine:
        return None

    def within(days: int, back: int = 0) -> list[Event]:
        return [item for item in mine if day - back - days < item[3] <= day - back]

    values = {
        "active_users_7d": len({item[1] for item in within(7)}),
        "active_users_30d": len({item[1] for item in within(30)}),
        "events_30d": len(within(30)),
        "events_previous_30d": len(within(30, back=30)),
        "feature_breadth": len({item[2] for item in within(30) if item[2] != "share"}),
        "milestones_reached": int(any(item[2] == "export" for item in mine))
        + int(len({item[1] for item in mine}) >= 2),
    }
    return float(values[key])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(events=events_strategy, split=st.integers(0, 60), single=st.integers(0, DAYS - 1))
def test_features_match_brute_force_counts(
    tmp_path: Path, events: list[Event], split: int, single: int
) -> None:
    path = tmp_path / f"analytics-{abs(hash((tuple(events), split, single)))}.duckdb"
    con = store.connect(path)
    try:
        # Two arrivals with a rollup run between them: the second run is incremental.
        first, second = events[:split], events[split:]
        if first:
            store.append_events(con, _batch(first, 0))
        rollups.refresh_rollups(con, "Asia/Tokyo")
        if second:
            store.append_events(con, _batch(second, 1000))
        run = rollups.refresh_rollups(con, "Asia/Tokyo")
        assert run.full is not bool(first)
        milestones = [
            compute.Milestone("exported", event="export"),
            compute.Milestone("team", users=2),
        ]
        start, end = START + timedelta(days=20), START + timedelta(days=DAYS - 1)
        table = compute.usage_features(con, start, end, ["login", "export"], milestones)
        # A range that starts early (windows reaching before the first event) or is one day.
        one_day = START + timedelta(days=single)
        alone = compute.usage_features(con, one_day, one_day, ["login", "export"], milestones)
    finally:
        con.disconnect()
    assert all(row["day"] == one_day for row in alone.to_pylist())
    _check_against_brute_force(events, table, range(20, DAYS))
    _check_against_brute_force(events, alone, [single])


def _check_against_brute_force(
    events: list[Event], table: pa.Table, offsets: Iterable[int]
) -> None:
    rows = {(row["account_id"], row["day"]): row for row in table.to_pylist()}
    for account in ("A", "B"):
        for offset in offsets:
            day = START + timedelta(days=offset)
            row = rows.get((account, day))
            for key in (
                "active_users_7d",
                "active_users_30d",
                "events_30d",
                "events_previous_30d",
                "feature_breadth",
                "milestones_reached",
            ):
                expected = _expected(events, account, offset, key)
                actual = None if row is None else row[key]
                assert actual == expected, (account, day, key)
            if row is not None:
                last = max(item[3] for item in events if item[0] == account and item[3] <= offset)
                assert row["last_active_day"] == START + timedelta(days=last)


@pytest.mark.parametrize(
    "time_zone",
    ["Asia/Tokyo", "America/New_York", "Europe/London", "Australia/Lord_Howe",
     "Pacific/Chatham", "America/St_Johns", "UTC"],
)  # fmt: skip
def test_fast_local_day_matches_the_zone_database(time_zone: str) -> None:
    """Every 7 minutes over three years, across each DST switch: the epoch-offset day equals
    DuckDB's own time-zone conversion."""
    first = datetime(2024, 1, 1, tzinfo=UTC)
    last = datetime(2027, 1, 1, tzinfo=UTC)
    fast = rollups.fast_local_day_sql("moment", time_zone, first, last)
    slow = rollups.local_day_sql("moment", time_zone)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        differing = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE {fast} <> {slow}) FROM ("
            f"SELECT unnest(generate_series(TIMESTAMPTZ '{first.isoformat()}', "
            f"TIMESTAMPTZ '{last.isoformat()}', INTERVAL 7 MINUTE)) AS moment)"
        ).fetchone()
    finally:
        con.close()
    assert differing[0] > 200_000
    assert differing[1] == 0


def test_day_ranges_merge_consecutive_days() -> None:
    ranges = rollups.day_ranges(
        [date(2026, 3, 8), date(2026, 3, 7), date(2026, 3, 10)], "America/New_York"
    )
    assert ranges == [
        (datetime(2026, 3, 7, 5, tzinfo=UTC), datetime(2026, 3, 9, 4, tzinfo=UTC)),
        (datetime(2026, 3, 10, 4, tzinfo=UTC), datetime(2026, 3, 11, 4, tzinfo=UTC)),
    ]


@pytest.mark.parametrize("time_zone", ["Asia/Tokyo", "America/New_York", "Pacific/Chatham"])
def test_local_days_in_numpy_match_the_zone_database(time_zone: str) -> None:
    zone = ZoneInfo(time_zone)
    moments = np.arange(
        np.datetime64("2025-01-01T00:00"), np.datetime64("2027-01-01T00:00"), 7 * 60_000_000,
        dtype="datetime64[us]",
    )  # fmt: skip
    with_gap = np.concatenate([moments, np.array(["NaT"], dtype="datetime64[us]")])
    days = rollups.local_days(with_gap, time_zone)
    expected = [
        np.datetime64(moment.item().replace(tzinfo=UTC).astimezone(zone).date(), "D")
        for moment in moments
    ]
    assert list(days[:-1]) == expected
    assert np.isnat(days[-1])
