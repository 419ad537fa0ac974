"""The renewal forecast: contract terms ending in the coming months, their ARR, and how much of
it is likely to renew given the account's health grade. Pure: no I/O.

For every past renewal (a term that came to its end date, see forecast_service) the account's
health grade some days *before* the end date is recorded with whether the account renewed.
Each grade's renewal rate is renewed / renewals. An upcoming renewal then contributes:

- best: its whole ARR (everyone renews);
- expected: ARR x the renewal rate of its grade;
- worst: ARR x the lower end of the Wilson score interval of that rate (95% by default),
  so a grade seen at few renewals is not trusted at its raw rate.

A grade with no past renewals takes the rate and bound of all past renewals together.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from scipy.stats import norm

from hatake.revenue.mrr import DAY_SPAN

NO_GRADE = None  # an account without a stored score at the time


@dataclass(frozen=True)
class PastRenewal:
    grade: str | None
    renewed: bool


@dataclass(frozen=True)
class UpcomingRenewal:
    account_id: int
    end_date: date
    arr_minor: int
    grade: str | None


@dataclass(frozen=True)
class GradeRate:
    grade: str | None
    renewals: int
    renewed: int
    rate: float  # used for the expected case
    lower: float  # used for the worst case
    pooled: bool  # no history of its own: the rate of all grades together

    @property
    def observed_rate(self) -> float | None:
        return self.renewed / self.renewals if self.renewals else None


@dataclass(frozen=True)
class Scenario:
    renewals: int
    best: int
    expected: int
    worst: int


def went_on(
    account: np.ndarray, start: np.ndarray, end: np.ndarray, asked: np.ndarray, grace_days: int
) -> np.ndarray:
    """Whether each asked term (indexes into the columns; each has an end date on or after its
    start) was followed: another term of the same account starts by ``grace_days`` after its
    end date and runs past that date (or has no end). Open terms end on ``NO_END``.

    At once for every term: in (account, start) order, the latest end among an account's terms
    starting up to a day is a running maximum; the asked term itself never counts, as it does
    not run past its own end."""
    order = np.lexsort((start, account))
    base = account[order] * DAY_SPAN
    starts = base + start[order].astype(np.int64)
    # Earlier accounts' keys are below this account's base, so the running maximum of the
    # packed ends never crosses from one account into the next.
    latest_end = np.maximum.accumulate(base + end[order].astype(np.int64))
    asked_base = account[asked] * DAY_SPAN
    until = asked_base + end[asked].astype(np.int64) + grace_days
    last_started = np.searchsorted(starts, until, side="right") - 1
    return latest_end[last_started] - asked_base > end[asked].astype(np.int64)


def wilson_lower(successes: int, trials: int, confidence: float) -> float:
    """The lower end of the Wilson score interval for a proportion."""
    if trials == 0:
        return 0.0
    z = float(norm.ppf(0.5 + confidence / 2))
    p = successes / trials
    centre = p + z * z / (2 * trials)
    spread = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials))
    return max(0.0, (centre - spread) / (1 + z * z / trials))


def grade_rates(
    history: Sequence[PastRenewal], grades: Sequence[str | None], *, confidence: float
) -> dict[str | None, GradeRate]:
    """Each grade's renewal rate and lower bound, in the order given."""
    total = len(history)
    renewed_total = sum(item.renewed for item in history)
    pooled_rate = renewed_total / total if total else 1.0
    pooled_lower = wilson_lower(renewed_total, total, confidence) if total else 0.0
    rates: dict[str | None, GradeRate] = {}
    for grade in grades:
        mine = [item for item in history if item.grade == grade]
        renewed = sum(item.renewed for item in mine)
        if mine:
            rate = renewed / len(mine)
            lower = wilson_lower(renewed, len(mine), confidence)
        else:
            rate, lower = pooled_rate, pooled_lower
        rates[grade] = GradeRate(grade, len(mine), renewed, rate, lower, pooled=not mine)
    return rates


def scenario(renewals: Sequence[UpcomingRenewal], rates: dict[str | None, GradeRate]) -> Scenario:
    """Best, expected and worst ARR of some renewals, in minor units (rounded half up once per
    total, not per renewal, so the totals of the parts may differ from the whole by a unit)."""
    expected = sum(item.arr_minor * rates[item.grade].rate for item in renewals)
    worst = sum(item.arr_minor * rates[item.grade].lower for item in renewals)
    return Scenario(
        renewals=len(renewals),
        best=sum(item.arr_minor for item in renewals),
        expected=math.floor(expected + 0.5),
        worst=math.floor(worst + 0.5),
    )


def by_month(
    renewals: Sequence[UpcomingRenewal],
    months: Sequence[date],
    rates: dict[str | None, GradeRate],
) -> list[tuple[date, Scenario]]:
    """The scenario of each month (first days given) for the renewals ending in it."""
    in_month: dict[date, list[UpcomingRenewal]] = {month: [] for month in months}
    for item in renewals:
        in_month.get(item.end_date.replace(day=1), []).append(item)
    return [(month, scenario(in_month[month], rates)) for month in months]


def by_grade_and_month(
    renewals: Sequence[UpcomingRenewal],
    grades: Sequence[str | None],
    months: Sequence[date],
    rates: dict[str | None, GradeRate],
) -> dict[str | None, list[tuple[date, Scenario]]]:
    """``by_month`` of each grade's renewals."""
    of_grade: dict[str | None, list[UpcomingRenewal]] = {grade: [] for grade in grades}
    for item in renewals:
        of_grade[item.grade].append(item)
    return {grade: by_month(of_grade[grade], months, rates) for grade in grades}
