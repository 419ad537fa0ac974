"""Contact coverage (接触率) arithmetic, pure: no database, tested with hand-computed numbers.

An account is *covered* on a day when its last meaningful touch on or before that day is at
most its cadence days earlier: with a 14-day cadence a touch 14 days before is in, 15 days is
not. Days are calendar days in the organisation's time zone. Only accounts under contract on
the day count, so an account that churned leaves the denominator from its churn day on.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import numpy as np

TREND_WEEKS = 12
TARGET = 1.0  # the team aims at every continuing customer (seed 004)
Key = TypeVar("Key", bound=Hashable)


def is_covered(last_touch: date | None, day: date, cadence_days: int) -> bool:
    return last_touch is not None and last_touch <= day and (day - last_touch).days <= cadence_days


@dataclass(frozen=True)
class AccountCoverage:
    account_id: int
    cadence_days: int
    last_touch: date | None
    day: date

    @property
    def days_since(self) -> int | None:
        return None if self.last_touch is None else (self.day - self.last_touch).days

    @property
    def covered(self) -> bool:
        return is_covered(self.last_touch, self.day, self.cadence_days)

    @property
    def days_overdue(self) -> int | None:
        """Days past the cadence; ``None`` for an account never touched (no due date)."""
        since = self.days_since
        return None if since is None else max(0, since - self.cadence_days)


@dataclass(frozen=True)
class Share:
    covered: int
    total: int

    @property
    def ratio(self) -> float | None:
        return None if self.total == 0 else self.covered / self.total


def share(lines: Iterable[AccountCoverage]) -> Share:
    covered = total = 0
    for line in lines:
        total += 1
        covered += line.covered
    return Share(covered, total)


def breakdown(
    lines: Iterable[AccountCoverage], key: Callable[[AccountCoverage], Key]
) -> dict[Key, Share]:
    """Coverage per group (CSM, tier, matrix cell, stage)."""
    groups: dict[Key, list[AccountCoverage]] = {}
    for line in lines:
        groups.setdefault(key(line), []).append(line)
    return {group: share(members) for group, members in groups.items()}


def uncovered(lines: Iterable[AccountCoverage]) -> list[AccountCoverage]:
    """Accounts not covered, most overdue first; never-touched accounts lead."""
    missing = [line for line in lines if not line.covered]
    return sorted(
        missing,
        key=lambda line: (
            line.days_overdue is not None,
            -(line.days_overdue or 0),
            line.account_id,
        ),
    )


def week_ends(day: date, weeks: int = TREND_WEEKS) -> list[date]:
    """The ends of the last ``weeks`` weeks, oldest first; the last one is ``day`` itself."""
    return [day - timedelta(days=7 * back) for back in range(weeks - 1, -1, -1)]


def trend(
    days: Sequence[date],
    touch_accounts: np.ndarray,
    touch_days: np.ndarray,
    active: np.ndarray,
    cadences: np.ndarray,
) -> list[Share]:
    """Coverage on each of ``days`` for accounts numbered 0..n-1.

    ``touch_accounts``/``touch_days``: one entry per meaningful touch (account number, day as
    ``date.toordinal()``); ``active`` and ``cadences`` are (len(days), n) arrays. Each account's
    last touch on or before a day is found for all accounts at once by a binary search over
    (account, day) keys, so twelve days cost twelve vectorised searches rather than queries.
    """
    n = active.shape[1] if active.ndim == 2 else 0
    scale = np.int64(1 << 22)  # above any day ordinal up to the year 11000
    keys = np.sort(touch_accounts.astype(np.int64) * scale + touch_days.astype(np.int64))
    accounts = np.arange(n, dtype=np.int64)
    shares: list[Share] = []
    for index, day in enumerate(days):
        probe = accounts * scale + day.toordinal()
        position = np.searchsorted(keys, probe, side="right") - 1
        found = position >= 0
        last = keys[np.maximum(position, 0)] if len(keys) else np.full(n, -1, dtype=np.int64)
        last = np.where(found, last, -1)
        found &= (last // scale) == accounts
        since = day.toordinal() - (last % scale)
        covered = found & (since <= cadences[index]) & active[index]
        shares.append(Share(int(covered.sum()), int(active[index].sum())))
    return shares


def ratios(shares: Mapping[Key, Share]) -> dict[Key, float | None]:
    return {key: value.ratio for key, value in shares.items()}
