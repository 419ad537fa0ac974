"""Start cohorts from a month-end MRR matrix (accounts x months). Pure: no I/O.

An account's *start* is the first month in which it has MRR; its *age* in a later month is the
number of months since that start (the start month is age 0). Accounts that started in the same
month (or fiscal quarter) form a cohort, and a cohort's row of the triangle gives, for every age
that all its accounts have reached:

- logo retention = accounts with MRR at that age / accounts in the cohort;
- revenue retention = the cohort's MRR at that age / its MRR at age 0. Expansion counts, so
  this is the cohort's net revenue retention and can pass 100%.

An account that churned and came back counts again from the month it pays again (the triangle
shows who pays at each age). Survival (``first_churn_ages``) counts only the first churn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from hatake.reports.periods import Grain, Period, period_containing


@dataclass(frozen=True)
class Cohort:
    period: Period
    accounts: int
    starting_mrr: int  # minor units of the base currency, at age 0
    logos: list[int]  # accounts with MRR at age 0, 1, ... (observed ages only)
    revenue: list[int]  # the cohort's MRR at each observed age

    @property
    def logo_retention(self) -> list[float]:
        return [count / self.accounts for count in self.logos]

    @property
    def revenue_retention(self) -> list[float | None]:
        if not self.starting_mrr:
            return [None for _ in self.revenue]
        return [amount / self.starting_mrr for amount in self.revenue]


def start_indexes(mrr: np.ndarray) -> np.ndarray:
    """Each account's start: the index of its first month with MRR, -1 for none."""
    paying = mrr > 0
    first = paying.argmax(axis=1)
    return np.where(paying.any(axis=1), first, -1)


def by_age(mrr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """(accounts, ages) MRR realigned so column k is each account's age-k month; ages not yet
    reached are -1. Only accounts with a start (starts >= 0) should be passed."""
    accounts, months = mrr.shape
    ages = np.arange(months)
    columns = starts[:, None] + ages[None, :]
    reached = columns < months
    aligned = np.full((accounts, months), -1, dtype=np.int64)
    rows = np.broadcast_to(np.arange(accounts)[:, None], columns.shape)
    aligned[reached] = mrr[rows[reached], columns[reached]]
    return aligned


def cohorts(
    months: Sequence[date],
    mrr: np.ndarray,
    starts: np.ndarray,
    *,
    grain: Grain,
    fiscal_start_month: int,
) -> list[Cohort]:
    """The retention triangle: one cohort per start month or fiscal quarter, oldest first.
    ``starts`` is each account's start index (``start_indexes``; -1 leaves an account out,
    e.g. one that started before the first month). A quarter's cohort shows an age only once
    every account in it has reached that age."""
    if grain is Grain.FISCAL_YEAR:
        raise ValueError("cohorts are by month or by quarter")
    started = starts >= 0
    aligned = by_age(mrr[started], starts[started])
    start_periods = [
        period_containing(months[index], grain, fiscal_start_month) for index in range(len(months))
    ]
    keys = np.array([start_periods[index].first.toordinal() for index in starts[started]])
    result = []
    for key in np.unique(keys):
        members = keys == key
        block = aligned[members]
        observed = int((block >= 0).all(axis=0).sum())
        block = block[:, :observed]
        period = start_periods[int(starts[started][members][0])]
        result.append(
            Cohort(
                period=period,
                accounts=int(members.sum()),
                starting_mrr=int(block[:, 0].sum()),
                logos=(block > 0).sum(axis=0).astype(int).tolist(),
                revenue=block.sum(axis=0).astype(int).tolist(),
            )
        )
    return result


def first_churn_ages(
    mrr: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every account with a start: its row in ``mrr``, its duration in months and whether it
    churned. A churned account's duration is the age of its first month without MRR; one still
    paying in the last month is censored at its age then (see survival.kaplan_meier)."""
    started = np.flatnonzero(starts >= 0)
    aligned = by_age(mrr[started], starts[started])
    gone = aligned == 0  # reached and not paying; unreached ages are -1
    churned = gone.any(axis=1)
    first_gone = gone.argmax(axis=1)
    last_age = (aligned >= 0).sum(axis=1) - 1
    durations = np.where(churned, first_gone, last_age)
    return started, durations, churned
