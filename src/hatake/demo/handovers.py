"""Accounts that changed hands (pure: no I/O). The manager rebalances the CSMs' books at the
start of a quarter; a few accounts pass from another CSM to their current owner, who then
makes the touches and gets the tasks. The change is recorded as the portfolio page records
one: from, to, by whom, when and why.
"""

from __future__ import annotations

import numpy as np

from hatake.demo import names, phrases
from hatake.demo.profiles import Profiles
from hatake.demo.records import Handover, Row, SimulatedAccount
from hatake.demo.timeline import Timeline, jst_to_utc_micros, next_business_day, utc_datetime

HANDOVER_SHARE = 0.08  # accounts that changed hands during the window
QUARTER_MONTHS = (1, 4, 7, 10)
SETTLED_DAYS = 30  # a new customer keeps the CSM who onboarded it for at least this long
CHANGE_SECONDS = 9 * 3600  # at 09:00 JST, before the day's first touch


def rebalancing_days(timeline: Timeline) -> np.ndarray:
    """The first business day of each quarter from the window start to before today."""
    months = np.flatnonzero(np.isin(timeline.calendar_month(), QUARTER_MONTHS))
    days = np.array([next_business_day(int(timeline.month_starts[m])) for m in months])
    return days[(days >= timeline.window_day) & (days < timeline.today_day)]


def draw_handover(
    profiles: Profiles,
    row: int,
    churn_day: int,
    rebalancing: np.ndarray,
    rng: np.random.Generator,
) -> Handover | None:
    """Whether the account changed hands, on which of the `rebalancing` days (those of
    rebalancing_days) and from which CSM."""
    changes = rng.random() < HANDOVER_SHARE
    previous = (int(profiles.owner[row]) + 1 + int(rng.integers(names.CSM_COUNT - 1))) % (
        names.CSM_COUNT
    )
    start = int(profiles.start_day[row]) + SETTLED_DAYS
    days = rebalancing[(rebalancing >= start) & ((churn_day == 0) | (rebalancing < churn_day))]
    pick = int(rng.integers(max(len(days), 1)))
    if not changes or len(days) == 0:
        return None
    return Handover(day=int(days[pick]), previous=previous)


def owner_change_rows(account: SimulatedAccount) -> list[Row]:
    handover = account.handover
    if handover is None:
        return []
    moment = jst_to_utc_micros(np.array([handover.day]), np.array([CHANGE_SECONDS]))[0]
    return [
        {
            "account_id": account.number,
            "from_user_id": names.FIRST_CSM_INDEX + handover.previous,
            "to_user_id": names.FIRST_CSM_INDEX + int(account.profiles.owner[account.row]),
            "changed_by_id": names.MANAGER_INDEX,
            "changed_at": utc_datetime(int(moment)),
            "reason": phrases.HANDOVER_REASON[account.locale],
        }
    ]
