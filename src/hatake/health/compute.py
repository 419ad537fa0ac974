"""Usage features per account and day, for a whole range of days in one pass over the rollups.

Only rollup rows of days up to the scored day are read for that day, so a score for a past
date never sees later events. Distinct users over a sliding window cannot be summed from daily
counts; instead each (account, user, active day) row counts the user from that day until
the window closes or the user's next active day, whichever is first: +1 on the day, -1 at
the end. These intervals never overlap for one user, so a running sum of the +1/-1 per
account is exactly the number of distinct users active in the window ending on each day. The
same holds for distinct key features.

DuckDB filters the rollups and gathers each user's (and feature's) active days; the next active
day, the +1/-1 steps, event counts and running sums are then worked out in dense (account x
day) NumPy arrays, which for 10,000 accounts and a year of days is a few million cells: cheaper
than sorting and joining the same steps per account in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.usage.rollups import FEATURE_DAYS, USER_DAYS, ensure_tables

LOOKBACK_DAYS = 60  # the usage trend compares the last 30 days with the 30 before
WINDOWS = {"active_users_7d": 7, "active_users_30d": 30}
BREADTH_DAYS = 30
SCHEMA = pa.schema([
    ("account_id", pa.string()), ("day", pa.date32()),
    ("active_users_7d", pa.float64()), ("active_users_30d", pa.float64()),
    ("events_30d", pa.float64()), ("events_previous_30d", pa.float64()),
    ("feature_breadth", pa.float64()), ("last_active_day", pa.date32()),
    ("milestones_reached", pa.float64()),
])  # fmt: skip


@dataclass(frozen=True)
class Milestone:
    """An onboarding milestone reached the first day ``event`` happens, or the first day
    ``users`` different people have used the product."""

    key: str
    event: str | None = None
    users: int | None = None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reached_sql(item: Milestone, end: date) -> str | None:
    """(account_id, day) the milestone was first reached, up to ``end``."""
    if item.event is not None:
        return (
            f"SELECT account_id, min(day) FROM {FEATURE_DAYS} "
            f"WHERE event = {_quote(item.event)} AND day <= DATE '{end}' GROUP BY account_id"
        )
    if item.users is not None:
        return (
            "SELECT account_id, min(first_day) FROM (SELECT account_id, first_day, "
            "row_number() OVER (PARTITION BY account_id ORDER BY first_day) AS nth FROM ("
            f"SELECT account_id, user_id, min(day) AS first_day FROM {USER_DAYS} "
            f"WHERE day <= DATE '{end}' GROUP BY account_id, user_id)) "
            f"WHERE nth = {int(item.users)} GROUP BY account_id"
        )
    return None


class _Grid:
    """Dense (account x day) arrays over the days [base, end]: a step dated before ``base``
    counts from its first day, one after ``end`` lands in a spare last column that is
    dropped."""

    def __init__(self, accounts: int, base: date, end: date) -> None:
        self.base = base
        self.days = (end - base).days + 1
        self.width = self.days + 1
        self.accounts = accounts

    def add(
        self, account: np.ndarray, day: np.ndarray, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Sum of ``weights`` (or a count) per cell, ``day`` counted from ``base``."""
        cells = account.astype(np.int64) * self.width + np.clip(day, 0, self.days)
        counts = np.bincount(cells, weights=weights, minlength=self.accounts * self.width)
        return counts.reshape(self.accounts, self.width)[:, : self.days]

    def running(self, account: np.ndarray, day: np.ndarray, until: np.ndarray) -> np.ndarray:
        """How many of the intervals [day, until) cover each day."""
        return np.cumsum(self.add(account, day) - self.add(account, until), axis=1)


def _next_days(
    accounts: np.ndarray, days: pa.ListArray, last: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (account, day) of the lists of days (each from 0 to ``last``), with the next day of
    the same list (``last + 1`` after its last one)."""
    width = last + 2
    sizes = np.diff(days.offsets.to_numpy())
    lists = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
    # One sort of (list, day) keys puts each list's days in order.
    keys = np.sort(lists * width + days.flatten().to_numpy())
    lists, day = keys // width, keys % width
    following = np.full(len(keys), last + 1)
    same = lists[1:] == lists[:-1]
    following[:-1][same] = day[1:][same]
    return accounts[lists], day, following


def _columns(table: pa.Table) -> list[np.ndarray]:
    return [table[name].to_numpy() for name in table.column_names]


def usage_features(
    con: DuckDBBackend,
    start: date,
    end: date,
    key_features: Sequence[str],
    milestones: Sequence[Milestone] = (),
) -> pa.Table:
    """One row per account that had any activity by each day in [start, end]: active users in
    7 and 30 days, events in the last 30 days and the 30 before, distinct key features used in
    30 days, the last active day and the number of onboarding milestones reached.

    Without a configured list of key features, every event name counts as one."""
    ensure_tables(con)
    raw = con.con
    since = start - timedelta(days=max(*WINDOWS.values(), BREADTH_DAYS) - 1)
    # Accounts in id order: their position is their row in the dense arrays.
    accounts = raw.execute(
        f"SELECT account_id, min(day) AS first_day, max(day) FILTER (WHERE day < DATE '{start}') "
        f"AS earlier_last FROM {FEATURE_DAYS} WHERE day <= DATE '{end}' "
        "GROUP BY account_id ORDER BY account_id"
    ).to_arrow_table()
    if accounts.num_rows == 0:
        return SCHEMA.empty_table()
    grid = _Grid(accounts.num_rows, start, end)
    raw.register(
        "hatake_usage_accounts",
        pa.table({"account_id": accounts["account_id"], "idx": np.arange(accounts.num_rows)}),
    )
    try:
        # Days counted from the first scored day (earlier ones negative).
        day = f"CAST(day - DATE '{start}' AS INTEGER)"
        account, offset, events = _columns(
            raw.execute(
                f"SELECT a.idx, {day}, CAST(sum(f.events) AS DOUBLE) FROM {FEATURE_DAYS} f "
                "JOIN hatake_usage_accounts a USING (account_id) "
                f"WHERE f.day BETWEEN DATE '{start - timedelta(days=LOOKBACK_DAYS - 1)}' "
                f"AND DATE '{end}' GROUP BY ALL"
            ).to_arrow_table()
        )
        # Events of the last 30 days: added on their day, taken off 30 days later.
        shifted = [grid.add(account, offset + days, events) for days in (0, 30, 60)]
        events_30d = np.cumsum(shifted[0] - shifted[1], axis=1)
        events_previous_30d = np.cumsum(shifted[1] - shifted[2], axis=1)
        scored = offset >= 0
        active = grid.add(account[scored], offset[scored]) > 0
        shift = (start - since).days

        def marks(source: str, key: str, extra: str = "") -> tuple[np.ndarray, ...]:
            """(account, day, next active day of the same key) of the rows since ``since``."""
            # Each key's days as one list: a hash aggregate, several times cheaper than
            # sorting every row by (account, key, day) for lead().
            table = raw.execute(
                f"SELECT a.idx, list(CAST(day - DATE '{since}' AS INTEGER)) AS days "
                f"FROM {source} JOIN hatake_usage_accounts a USING (account_id) "
                f"WHERE day BETWEEN DATE '{since}' AND DATE '{end}'{extra} GROUP BY a.idx, {key}"
            ).to_arrow_table()
            rows, days, following = _next_days(
                table["idx"].to_numpy(), table["days"].combine_chunks(), (end - since).days
            )
            return rows, days - shift, following - shift

        user_account, user_day, user_next = marks(USER_DAYS, "user_id")
        users = {
            name: grid.running(user_account, user_day, np.minimum(user_day + days, user_next))
            for name, days in WINDOWS.items()
        }
        features = (
            f" AND event IN ({', '.join(_quote(name) for name in key_features)})"
            if key_features
            else ""
        )
        feature_account, feature_day, feature_next = marks(FEATURE_DAYS, "event", features)
        breadth = grid.running(
            feature_account, feature_day, np.minimum(feature_day + BREADTH_DAYS, feature_next)
        )
        reached = [sql for item in milestones if (sql := _reached_sql(item, end)) is not None]
        milestone_steps = np.zeros((grid.accounts, grid.days))
        if reached:
            reached_account, reached_day = _columns(
                raw.execute(
                    f"SELECT a.idx, {day} FROM ("
                    + " UNION ALL ".join(reached)
                    + ") m(account_id, day) JOIN hatake_usage_accounts a USING (account_id)"
                ).to_arrow_table()
            )
            milestone_steps = grid.add(reached_account, reached_day)
    finally:
        raw.unregister("hatake_usage_accounts")
    return _rows(
        grid,
        accounts,
        active,
        {
            **users,
            "events_30d": events_30d,
            "events_previous_30d": events_previous_30d,
            "feature_breadth": breadth,
            "milestones_reached": np.cumsum(milestone_steps, axis=1),
        },
    )


def _rows(
    grid: _Grid, accounts: pa.Table, active: np.ndarray, counts: dict[str, np.ndarray]
) -> pa.Table:
    """The cells day by day, accounts in id order, for accounts active by then."""
    positions = np.arange(grid.days)
    last = np.maximum.accumulate(np.where(active, positions, -1), axis=1)
    base = np.datetime64(grid.base, "D")
    earlier = accounts["earlier_last"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    last_day = np.where(last >= 0, base + last, earlier[:, None])
    first_day = accounts["first_day"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
    days = base + positions
    shown = first_day[:, None] <= days[None, :]

    def flat(values: np.ndarray) -> np.ndarray:
        # Day-major: all accounts of the first day, then the next day's.
        return values.T[shown.T]

    def numbers(values: np.ndarray) -> pa.Array:
        return pa.array(flat(values).astype(np.float64))

    scored_days = np.broadcast_to(days[None, :], shown.shape)
    account_ids = np.broadcast_to(np.arange(grid.accounts)[:, None], shown.shape)
    return pa.table(
        [
            accounts["account_id"].take(pa.array(flat(account_ids))),
            pa.array(flat(scored_days)),
            *(numbers(counts[name]) for name in WINDOWS),
            numbers(counts["events_30d"]),
            numbers(counts["events_previous_30d"]),
            numbers(counts["feature_breadth"]),
            pa.array(flat(last_day), pa.date32(), from_pandas=True),
            numbers(counts["milestones_reached"]),
        ],
        schema=SCHEMA,
    )
