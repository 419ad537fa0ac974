"""Contact coverage (接触率) arithmetic, pure: no database, tested with hand-computed numbers.

An account is *covered* on a day when its last meaningful touch on or before that day is at
most its cadence days earlier: with a 14-day cadence a touch 14 days before is in, 15 days is
not. Days are calendar days in the organisation's time zone. Only accounts under contract on
the day count, so an account that churned leaves the denominator from its churn day on.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import numpy as np

TREND_WEEKS = 12
TARGET = 1.0  # the team aims at every continuing customer (seed 004)
Key = TypeVar("Key", bound=Hashable)


def is_covered(last_touch: date | None, day: date, cadence_days: int) -> bool:
    return last_touch is not None and last_touch <= day and (day - last_touch).days <= cadence_days


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class Share:
    covered: int
    total: int

    @property
    def ratio(self) -> float | None:
        return None if self.total == 0 else self.covered / self.total


def covered_mask(
    day: date, last_days: np.ndarray, cadences: np.ndarray, active: np.ndarray
) -> np.ndarray:
    """``is_covered`` for many accounts at once: last touch days as ``date.toordinal()``
    (-1: none on or before ``day``), each account's cadence, and whether it counts that day."""
    return active & (last_days >= 0) & (day.toordinal() - last_days <= cadences)


def grouped(covered: np.ndarray, active: np.ndarray, keys: Sequence[Key]) -> dict[Key, Share]:
    """Coverage per group (CSM, tier, matrix cell, stage); ``keys`` holds each account's group,
    only accounts that count (``active``) are in the result."""
    codes: dict[Key, int] = {}
    index = np.array([codes.setdefault(key, len(codes)) for key in keys], dtype=np.int64)
    totals = np.bincount(index[active], minlength=len(codes))
    hits = np.bincount(index[covered & active], minlength=len(codes))
    return {
        key: Share(int(hits[code]), int(totals[code]))
        for key, code in codes.items()
        if totals[code]
    }


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


def last_touch_days(
    days: Sequence[date], touch_accounts: np.ndarray, touch_days: np.ndarray, n: int
) -> np.ndarray:
    """(len(days), n): each account's last touch day on or before each day, -1 for none.

    ``touch_accounts``/``touch_days``: one entry per meaningful touch (account number 0..n-1,
    day as ``date.toordinal()``). The last touch of every account is found at once by a binary
    search over sorted (account, day) keys, so twelve days cost twelve vectorised searches
    rather than twelve queries.
    """
    scale = np.int64(1 << 22)  # above any day ordinal up to the year 11000
    keys = np.sort(touch_accounts.astype(np.int64) * scale + touch_days.astype(np.int64))
    accounts = np.arange(n, dtype=np.int64)
    result = np.full((len(days), n), -1, dtype=np.int64)
    if not len(keys):
        return result
    for row, day in enumerate(days):
        position = np.searchsorted(keys, accounts * scale + day.toordinal(), side="right") - 1
        last = keys[np.maximum(position, 0)]
        found = (position >= 0) & (last // scale == accounts)
        result[row] = np.where(found, last % scale, -1)
    return result


def trend(
    days: Sequence[date], last_days: np.ndarray, active: np.ndarray, cadences: np.ndarray
) -> list[Share]:
    """Coverage on each of ``days``; arrays are (len(days), accounts) as from
    ``last_touch_days``, with whether each account counts that day and its cadence."""
    shares = []
    for row, day in enumerate(days):
        covered = covered_mask(day, last_days[row], cadences[row], active[row])
        shares.append(Share(int(covered.sum()), int(active[row].sum())))
    return shares
