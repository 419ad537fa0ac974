"""Product-usage events of one account (pure: no I/O), vectorised over users x days.

Each active user is active on a day with a probability of hidden health x personal engagement
x how busy that day is (weekends and holidays are quiet). An active day is a session: a login
during Japanese working hours (mostly the morning), then a few actions minutes apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hatake.demo.records import Roster, SimulatedAccount
from hatake.demo.timeline import jst_to_utc_micros

EVENT_TYPES = (
    "login",
    "document_viewed",
    "photo_uploaded",
    "schedule_updated",
    "comment_posted",
    "report_exported",
    "dashboard_viewed",
    "project_created",
    "data_imported",
    "member_invited",
)
# Share of each action after the login (EVENT_TYPES[1:]).
ACTION_SHARES = np.array([0.22, 0.20, 0.14, 0.14, 0.10, 0.10, 0.06, 0.02, 0.02])
# JSON properties: index 0 means none. PROPERTY_CHOICES maps an event type to its choices.
PROPERTIES: tuple[str | None, ...] = (
    None,
    '{"platform": "web"}',
    '{"platform": "ios"}',
    '{"platform": "android"}',
    '{"format": "pdf"}',
    '{"format": "xlsx"}',
    '{"format": "csv"}',
    '{"source": "csv"}',
    '{"source": "excel"}',
    *(f'{{"count": {count}}}' for count in range(1, 13)),
)
PROPERTY_CHOICES: dict[int, tuple[list[int], list[float]]] = {
    EVENT_TYPES.index("login"): ([1, 2, 3], [0.5, 0.3, 0.2]),
    EVENT_TYPES.index("report_exported"): ([4, 5, 6], [0.5, 0.4, 0.1]),
    EVENT_TYPES.index("data_imported"): ([7, 8], [0.6, 0.4]),
    EVENT_TYPES.index("photo_uploaded"): (list(range(9, 21)), [1 / 12] * 12),
}
# Chance that a fully engaged user of a perfectly healthy account uses the product on a weekday.
PEAK_ACTIVITY = 0.97
# When sessions start (JST): the morning, after lunch, and daily reports before going home.
SESSION_STARTS = np.array([[9.0, 1.0], [13.5, 1.0], [17.0, 0.9]])  # mean hour, spread
SESSION_START_SHARES = np.array([0.5, 0.3, 0.2])
ACTION_GAP_SECONDS = 1_100  # mean time between two actions of a session


@dataclass(frozen=True)
class EventArrays:
    """Events of one account; `contact` is an index into the account's roster."""

    contact: np.ndarray
    event: np.ndarray
    timestamp: np.ndarray  # microseconds since the epoch, UTC
    received_at: np.ndarray
    properties: np.ndarray  # index into PROPERTIES

    def __len__(self) -> int:
        return len(self.event)


def daily_health(account: SimulatedAccount, days: np.ndarray) -> np.ndarray:
    """The monthly hidden health, interpolated between month middles for smooth usage."""
    months = account.months()
    middles = account.timeline.month_middles()[months]
    return np.interp(days, middles, account.trajectories.health[account.row, months])


def activity_probability(
    health: np.ndarray, engagement: np.ndarray, busy: np.ndarray
) -> np.ndarray:
    """users x days probability of using the product."""
    per_day = PEAK_ACTIVITY * health**1.5 * busy
    return np.clip(engagement[:, None] * per_day[None, :], 0.0, 0.97)


def account_events(
    account: SimulatedAccount, roster: Roster, rng: np.random.Generator
) -> EventArrays:
    first = max(account.timeline.window_day, account.start_day)
    days = np.arange(first, account.end_day)
    if len(days) == 0 or len(roster.numbers) == 0:
        return _no_events()
    health = daily_health(account, days)
    probability = activity_probability(health, roster.engagement, account.timeline.busy(days))
    active = roster.active_on(days).T & (rng.random(probability.shape) < probability)
    person, day = np.nonzero(active)
    sessions = len(person)
    if sessions == 0:
        return _no_events()
    actions = rng.poisson(0.5 + 3.0 * roster.engagement[person] * health[day])
    sizes = 1 + actions
    total = int(sizes.sum())
    session_of = np.repeat(np.arange(sessions), sizes)
    first_event = np.cumsum(sizes) - sizes
    is_login = np.zeros(total, dtype=bool)
    is_login[first_event] = True

    event = 1 + np.searchsorted(np.cumsum(ACTION_SHARES), rng.random(total) * ACTION_SHARES.sum())
    event = np.where(is_login, 0, np.minimum(event, len(EVENT_TYPES) - 1))
    slot = np.searchsorted(np.cumsum(SESSION_START_SHARES), rng.random(sessions)).clip(max=2)
    start_hours = rng.normal(SESSION_STARTS[slot, 0], SESSION_STARTS[slot, 1]).clip(6.5, 21.0)
    gaps = np.where(is_login, 0.0, rng.exponential(ACTION_GAP_SECONDS, total))
    elapsed = np.cumsum(gaps)
    elapsed -= np.repeat(elapsed[first_event], sizes)
    seconds = np.minimum(np.repeat(start_hours * 3600, sizes) + elapsed, 86_399).astype(np.int64)
    timestamp = jst_to_utc_micros(days[day][session_of], seconds)
    delay = (rng.exponential(2.0, total) * 1e6).astype(np.int64) + 200_000
    order = np.argsort(timestamp, kind="stable")
    return EventArrays(
        contact=person[session_of][order],
        event=event[order],
        timestamp=timestamp[order],
        received_at=(timestamp + delay)[order],
        properties=_properties(event, rng)[order],
    )


def _properties(event: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    result = np.zeros(len(event), dtype=np.int64)
    roll = rng.random(len(event))
    for kind, (choices, weights) in PROPERTY_CHOICES.items():
        where = event == kind
        picked = np.searchsorted(np.cumsum(weights), roll[where] * sum(weights))
        result[where] = np.asarray(choices)[np.minimum(picked, len(choices) - 1)]
    return result


def _no_events() -> EventArrays:
    empty = np.zeros(0, dtype=np.int64)
    return EventArrays(empty, empty, empty, empty, empty)
