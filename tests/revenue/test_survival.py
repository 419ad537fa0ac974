"""Kaplan-Meier on a tiny example worked by hand."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.revenue.survival import curve_points, kaplan_meier

# Six customers: churned after 1, 2, 3 and 4 months; one still active at 2, one at 4.
DURATIONS = np.array([1, 2, 2, 3, 4, 4])
CHURNED = np.array([True, True, False, True, False, True])


def test_product_limit_by_hand() -> None:
    curve = kaplan_meier(DURATIONS, CHURNED)
    assert curve.months.tolist() == [0, 1, 2, 3, 4]
    assert curve.at_risk.tolist() == [6, 6, 5, 3, 2]
    assert curve.churned.tolist() == [0, 1, 1, 1, 1]
    # 1; 5/6; 5/6 x 4/5 = 2/3; 2/3 x 2/3 = 4/9; 4/9 x 1/2 = 2/9. The customer censored at 2
    # is at risk at month 2 and gone from month 3.
    assert curve.survival == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 2 / 9])
    assert curve.median == 3
    assert curve.customers == 6
    assert curve.churns == 4
    assert curve_points(curve, 5) == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 2 / 9, 2 / 9])


def test_confidence_band_by_hand() -> None:
    """Month 1: Greenwood Var(log S) = 1 / (6 x 5); on the log(-log) scale the half-width is
    z sqrt(1/30) / |log(5/6)|."""
    curve = kaplan_meier(DURATIONS, CHURNED)
    z = 1.959963984540054
    log_s = math.log(5 / 6)
    spread = z * math.sqrt(1 / 30) / abs(log_s)
    lower = math.exp(-math.exp(math.log(-log_s) + spread))
    upper = math.exp(-math.exp(math.log(-log_s) - spread))
    assert curve.lower[1] == pytest.approx(lower)
    assert curve.upper[1] == pytest.approx(upper)
    assert lower == pytest.approx(0.2731, abs=1e-4)
    assert curve.lower[0] == curve.upper[0] == 1


def test_nobody_churned_keeps_the_curve_at_one() -> None:
    curve = kaplan_meier(np.array([3, 5]), np.array([False, False]))
    assert curve.survival.tolist() == [1.0]
    assert curve.median is None
    assert curve.at(12) == 1.0


def test_median_is_the_first_month_at_or_below_half() -> None:
    """Two customers churning at 1 and 2: S(1) = 1/2 exactly, so the median is month 1."""
    curve = kaplan_meier(np.array([1, 2]), np.array([True, True]))
    assert curve.survival.tolist() == [1.0, 0.5, 0.0]
    assert curve.median == 1
    assert curve.lower[2] == curve.upper[2] == 0


def test_no_customers_gives_a_flat_curve() -> None:
    curve = kaplan_meier(np.array([], dtype=int), np.array([], dtype=bool))
    assert curve.survival.tolist() == [1.0]
    assert (curve.customers, curve.churns, curve.last_observed, curve.median) == (0, 0, -1, None)


def test_importing_does_not_load_lifelines_or_matplotlib() -> None:
    """lifelines is imported on the first fit, and a fit never loads matplotlib."""
    script = (
        "import sys, numpy as np\n"
        "from hatake.revenue import survival\n"
        "assert 'lifelines' not in sys.modules\n"
        "survival.kaplan_meier(np.array([1, 2]), np.array([True, False]))\n"
        "assert 'lifelines' in sys.modules\n"
        "assert not [m for m in sys.modules if m.startswith('matplotlib')]\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier(np.array([1, 2]), np.array([True]))
    with pytest.raises(ValueError, match="negative"):
        kaplan_meier(np.array([-1]), np.array([True]))


@given(st.lists(st.tuples(st.integers(0, 36), st.booleans()), min_size=1, max_size=60))
def test_curve_falls_between_zero_and_one(rows: list[tuple[int, bool]]) -> None:
    durations = np.array([max(d, 1) if c else d for d, c in rows])
    churned = np.array([c for _, c in rows])
    curve = kaplan_meier(durations, churned)
    assert np.all(np.diff(curve.survival) <= 0)
    assert np.all((curve.survival >= 0) & (curve.survival <= 1))
    assert np.all(curve.lower <= curve.survival + 1e-12)
    assert np.all(curve.upper >= curve.survival - 1e-12)
    # With no censoring, KM is the share still active.
    if not (~churned).any():
        for month in range(37):
            assert curve.at(month) == pytest.approx(np.mean(durations > month))
