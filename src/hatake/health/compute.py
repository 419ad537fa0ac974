"""Usage features per account and day, for a whole range of days in one pass over the rollups.

Only rollup rows of days up to the scored day are read for that day, so a score for a past
date never sees later events. Distinct users over a sliding window cannot be summed from daily
counts; instead each (account, user, active day) row counts the user from that day until
the window closes or the user's next active day, whichever is first: +1 on the day, -1 at
the end. These intervals never overlap for one user, so a running sum of the +1/-1 per
account is exactly the number of distinct users active in the window ending on each day. The
same holds for distinct key features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.usage.rollups import FEATURE_DAYS, USER_DAYS, ensure_tables

LOOKBACK_DAYS = 60  # the usage trend compares the last 30 days with the 30 before


@dataclass(frozen=True)
class Milestone:
    """An onboarding milestone reached the first day ``event`` happens, or the first day
    ``users`` different people have used the product."""

    key: str
    event: str | None = None
    users: int | None = None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _marks(source: str, key: str, since: date, until: date, extra: str = "") -> str:
    """Active (account, key, day) rows with the key's next active day."""
    return (
        f"SELECT account_id, day, lead(day) OVER (PARTITION BY account_id, {key} ORDER BY day)"
        f" AS next_day FROM {source} WHERE day BETWEEN DATE '{since}' AND DATE '{until}'{extra}"
    )


def _window_count(marks: str, days: int, since: date) -> str:
    """+1/-1 per (account, day): distinct keys active in the ``days``-day window, from the
    marks of days since ``since``."""
    return f"""
      SELECT account_id, d AS day, sum(step) AS delta FROM (
        SELECT account_id, day AS d, 1 AS step FROM {marks} WHERE day >= DATE '{since}'
        UNION ALL
        SELECT account_id, least(day + {days}, coalesce(next_day, day + {days})), -1
        FROM {marks} WHERE day >= DATE '{since}'
      ) steps GROUP BY account_id, d
    """


def _running(deltas: str) -> str:
    """Running total per account of (account_id, day, delta) rows."""
    return (
        "SELECT account_id, day, sum(delta) OVER (PARTITION BY account_id ORDER BY day) AS total"
        f" FROM ({deltas}) deltas"
    )


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
    first = start - timedelta(days=LOOKBACK_DAYS - 1)
    month_before = start - timedelta(days=30)
    features = (
        f" AND event IN ({', '.join(_quote(name) for name in key_features)})"
        if key_features
        else ""
    )
    reached = ["SELECT NULL AS account_id, NULL::DATE AS day WHERE false"]
    for item in milestones:
        if item.event is not None:
            reached.append(
                f"SELECT account_id, min(day) FROM {FEATURE_DAYS} "
                f"WHERE event = {_quote(item.event)} AND day <= DATE '{end}' GROUP BY account_id"
            )
        elif item.users is not None:
            reached.append(
                "SELECT account_id, min(first_day) FROM (SELECT account_id, first_day, "
                "row_number() OVER (PARTITION BY account_id ORDER BY first_day) AS nth FROM ("
                f"SELECT account_id, user_id, min(day) AS first_day FROM {USER_DAYS} "
                f"WHERE day <= DATE '{end}' GROUP BY account_id, user_id)) "
                f"WHERE nth = {int(item.users)} GROUP BY account_id"
            )
    query = f"""
    WITH
    accounts AS (
      SELECT account_id, min(day) AS first_day,
             max(CASE WHEN day < DATE '{first}' THEN day END) AS earlier_last
      FROM {FEATURE_DAYS} WHERE day <= DATE '{end}' GROUP BY account_id
    ),
    grid AS (
      SELECT a.account_id, CAST(c.d AS DATE) AS day, CAST(c.d AS DATE) - 30 AS month_ago,
             CAST(c.d AS DATE) - 60 AS two_months_ago, a.first_day, a.earlier_last
      FROM accounts a
      CROSS JOIN generate_series(TIMESTAMP '{start}', TIMESTAMP '{end}', INTERVAL '1 day') AS c(d)
    ),
    -- Running totals on the days something changed; each grid day then takes the last of them.
    events AS (
      SELECT account_id, day, sum(sum(events)) OVER (PARTITION BY account_id ORDER BY day)
        AS total
      FROM {FEATURE_DAYS} WHERE day BETWEEN DATE '{first}' AND DATE '{end}'
      GROUP BY account_id, day
    ),
    user_marks AS MATERIALIZED ({_marks(USER_DAYS, "user_id", month_before, end)}),
    feature_marks AS MATERIALIZED ({_marks(FEATURE_DAYS, "event", month_before, end, features)}),
    users_7 AS ({_running(_window_count("user_marks", 7, start - timedelta(days=7)))}),
    users_30 AS ({_running(_window_count("user_marks", 30, month_before))}),
    breadth AS ({_running(_window_count("feature_marks", 30, month_before))}),
    milestones AS ({
        _running(
            "SELECT account_id, day, count(*) AS delta FROM ("
            + " UNION ALL ".join(reached)
            + ") m(account_id, day) GROUP BY ALL"
        )
    })
    SELECT g.account_id, g.day,
      CAST(coalesce(u7.total, 0) AS DOUBLE) AS active_users_7d,
      CAST(coalesce(u30.total, 0) AS DOUBLE) AS active_users_30d,
      CAST(coalesce(now.total, 0) - coalesce(month.total, 0) AS DOUBLE) AS events_30d,
      CAST(coalesce(month.total, 0) - coalesce(two_months.total, 0) AS DOUBLE)
        AS events_previous_30d,
      CAST(coalesce(b.total, 0) AS DOUBLE) AS feature_breadth,
      coalesce(now.day, g.earlier_last) AS last_active_day,
      CAST(coalesce(m.total, 0) AS DOUBLE) AS milestones_reached
    FROM grid g
    ASOF LEFT JOIN events now ON now.account_id = g.account_id AND now.day <= g.day
    ASOF LEFT JOIN events month
      ON month.account_id = g.account_id AND month.day <= g.month_ago
    ASOF LEFT JOIN events two_months
      ON two_months.account_id = g.account_id AND two_months.day <= g.two_months_ago
    ASOF LEFT JOIN users_7 u7 ON u7.account_id = g.account_id AND u7.day <= g.day
    ASOF LEFT JOIN users_30 u30 ON u30.account_id = g.account_id AND u30.day <= g.day
    ASOF LEFT JOIN breadth b ON b.account_id = g.account_id AND b.day <= g.day
    ASOF LEFT JOIN milestones m ON m.account_id = g.account_id AND m.day <= g.day
    WHERE g.first_day <= g.day
    ORDER BY g.day, g.account_id
    """
    return con.con.execute(query).to_arrow_table()
