"""Cohort triangles and first-churn durations, on a matrix worked by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from hatake.reports.periods import Grain
from hatake.revenue.cohorts import by_age, cohorts, first_churn_ages, start_indexes

MONTHS = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
MRR = np.array(
    [
        [100, 100, 0, 100],  # A: January; churns in March, back in April
        [100, 200, 200, 200],  # B: January; expands in February
        [0, 50, 50, 0],  # C: February; churns in April
        [0, 0, 0, 0],  # D: never pays
        [0, 0, 300, 300],  # E: March
    ]
)


def test_starts_and_ages() -> None:
    starts = start_indexes(MRR)
    assert starts.tolist() == [0, 0, 1, -1, 2]
    aligned = by_age(MRR[[0, 2, 4]], starts[[0, 2, 4]])
    assert aligned.tolist() == [[100, 100, 0, 100], [50, 50, 0, -1], [300, 300, -1, -1]]


def test_monthly_triangle_by_hand() -> None:
    rows = cohorts(MONTHS, MRR, start_indexes(MRR), grain=Grain.MONTH, fiscal_start_month=4)
    assert [row.period.key for row in rows] == ["2026-01", "2026-02", "2026-03"]
    january, february, march = rows
    assert (january.accounts, january.starting_mrr) == (2, 200)
    assert january.logos == [2, 2, 1, 2]  # A is back in April
    assert january.revenue == [200, 300, 200, 300]
    assert january.logo_retention == [1, 1, 0.5, 1]
    assert january.revenue_retention == [1, 1.5, 1, 1.5]  # B's expansion: above 100%
    assert (february.logos, february.revenue) == ([1, 1, 0], [50, 50, 0])
    assert (march.logos, march.revenue) == ([1, 1], [300, 300])


def test_quarterly_triangle_waits_for_every_member() -> None:
    """With an April fiscal start January to March 2026 is FY2025 Q4; E started in March, so
    the quarter shows ages 0 and 1 only."""
    rows = cohorts(MONTHS, MRR, start_indexes(MRR), grain=Grain.QUARTER, fiscal_start_month=4)
    assert len(rows) == 1
    (quarter,) = rows
    assert quarter.period.key == "FY2025-Q4"
    assert quarter.accounts == 4
    assert quarter.logos == [4, 4]
    assert quarter.revenue == [550, 650]
    assert quarter.revenue_retention == pytest.approx([1, 650 / 550])


def test_accounts_left_out_by_their_start() -> None:
    starts = start_indexes(MRR)
    starts[1] = -1  # B started before the first month
    (january, *_) = cohorts(MONTHS, MRR, starts, grain=Grain.MONTH, fiscal_start_month=4)
    assert (january.accounts, january.revenue) == (1, [100, 100, 0, 100])


def test_fiscal_year_is_not_a_cohort_grain() -> None:
    with pytest.raises(ValueError, match="month or by quarter"):
        cohorts(MONTHS, MRR, start_indexes(MRR), grain=Grain.FISCAL_YEAR, fiscal_start_month=4)


def test_first_churn_durations() -> None:
    rows, durations, churned = first_churn_ages(MRR, start_indexes(MRR))
    assert rows.tolist() == [0, 1, 2, 4]
    # A first churns at age 2 (its return does not count); B is censored at age 3; C churns
    # at age 2; E is censored at age 1.
    assert durations.tolist() == [2, 3, 2, 1]
    assert churned.tolist() == [True, False, True, False]
