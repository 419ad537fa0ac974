"""Renewal-rate weighting of the forecast, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from hatake.revenue.forecast import (
    PastRenewal,
    UpcomingRenewal,
    by_month,
    grade_rates,
    scenario,
    wilson_lower,
)

HISTORY = [PastRenewal("A", True)] * 8 + [PastRenewal("A", False)] * 2
HISTORY += [PastRenewal("B", True), PastRenewal("B", False)]
UPCOMING = [
    UpcomingRenewal(1, date(2027, 1, 15), 1_200_000, "A"),
    UpcomingRenewal(2, date(2027, 1, 31), 600_000, "B"),
    UpcomingRenewal(3, date(2027, 2, 1), 1_000_000, None),
]


def test_wilson_lower_bounds() -> None:
    # Published Wilson 95% intervals: 8/10 -> (0.4902, 0.9433); 1/2 -> (0.0945, 0.9055).
    assert wilson_lower(8, 10, 0.95) == pytest.approx(0.4902, abs=1e-4)
    assert wilson_lower(1, 2, 0.95) == pytest.approx(0.0945, abs=1e-4)
    assert wilson_lower(0, 0, 0.95) == 0.0
    assert wilson_lower(5, 5, 0.95) < 1


def test_rates_per_grade_with_pooled_fallback() -> None:
    rates = grade_rates(HISTORY, ["A", "B", None], confidence=0.95)
    assert (rates["A"].renewals, rates["A"].renewed, rates["A"].rate) == (10, 8, 0.8)
    assert rates["B"].rate == 0.5
    # No past renewal without a grade: the rate of all 12 renewals, 9 renewed.
    assert rates[None].pooled
    assert rates[None].rate == 0.75
    assert rates[None].lower == pytest.approx(wilson_lower(9, 12, 0.95))
    assert rates[None].observed_rate is None


def test_best_expected_worst_by_month() -> None:
    rates = grade_rates(HISTORY, ["A", "B", None], confidence=0.95)
    months = [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    (jan, january), (_, february), (_, march) = by_month(UPCOMING, months, rates)
    assert jan == date(2027, 1, 1)
    assert january.renewals == 2
    assert january.best == 1_800_000
    # 1,200,000 x 0.8 + 600,000 x 0.5
    assert january.expected == 1_260_000
    worst = 1_200_000 * wilson_lower(8, 10, 0.95) + 600_000 * wilson_lower(1, 2, 0.95)
    assert january.worst == round(worst)
    assert january.worst == pytest.approx(1_200_000 * 0.4902 + 600_000 * 0.0945, abs=150)
    assert (february.best, february.expected) == (1_000_000, 750_000)
    assert (march.renewals, march.best, march.expected, march.worst) == (0, 0, 0, 0)
    whole = scenario(UPCOMING, rates)
    assert whole.best == 2_800_000
    assert whole.expected == 2_010_000
    assert whole.worst <= whole.expected <= whole.best
