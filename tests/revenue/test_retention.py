"""Retention KPIs worked out by hand, and their invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.revenue.movements import monthly_movements
from hatake.revenue.retention import group_figures, period_figures
from tests.revenue.test_movements import FIRST_PAID, MRR, mrr_tables

ALL = np.ones(len(MRR), dtype=bool)


def test_may_by_hand() -> None:
    figures = period_figures(MRR, monthly_movements(MRR, FIRST_PAID), ALL, 3, 4)
    # Customers at the end of April: A 50,000, B 80,000, C 40,000, E 10,000, F 15,000.
    assert figures.opening_mrr == 195_000
    assert figures.opening_customers == 5
    # Their May: A 80,000, B 30,000, C 0, E 10,000, F 15,000.
    assert figures.retained_mrr == 50_000 + 30_000 + 0 + 10_000 + 15_000
    assert figures.expanded_mrr == 30_000
    assert figures.grr == pytest.approx(105_000 / 195_000)  # 53.8%
    assert figures.nrr == pytest.approx(135_000 / 195_000)  # 69.2%
    assert figures.logo_churn_rate == pytest.approx(1 / 5)
    assert figures.revenue_churn_rate == pytest.approx(40_000 / 195_000)
    # Gains: G new 60,000 + A 30,000 + D back 25,000; losses: B 50,000 + C 40,000.
    assert figures.quick_ratio == pytest.approx(115_000 / 90_000)
    assert figures.closing_mrr == 220_000
    assert figures.closing_customers == 6


def test_a_quarter_compares_its_ends_and_sums_its_months() -> None:
    # April to June, opening at the end of March (column 2), closing at the end of June.
    figures = period_figures(MRR, monthly_movements(MRR, FIRST_PAID), ALL, 2, 5)
    assert figures.opening_mrr == 195_000
    assert figures.retained_mrr == 50_000 + 30_000 + 0 + 10_000 + 15_000
    assert figures.expanded_mrr == 30_000 + 2_000  # A's upgrade and E's dearer renewal
    assert figures.nrr == pytest.approx(137_000 / 195_000)
    assert figures.movements == {
        "new": 60_000, "expansion": 32_000, "reactivation": 25_000,
        "contraction": 50_000, "churn": 40_000,
    }  # fmt: skip
    assert figures.quick_ratio == pytest.approx(117_000 / 90_000)
    assert figures.closing_mrr - figures.opening_mrr == figures.net_movement == 27_000


def test_a_group_without_customers_has_no_rates() -> None:
    only_g = np.array([False] * 6 + [True])
    figures = period_figures(MRR, monthly_movements(MRR, FIRST_PAID), only_g, 3, 4)
    assert figures.opening_customers == 0
    assert figures.grr is None
    assert figures.nrr is None
    assert figures.logo_churn_rate is None
    assert figures.quick_ratio is None  # gains but no losses: the ratio is not a number
    assert figures.movements["new"] == 60_000


@given(mrr_tables(), st.data())
def test_nrr_is_grr_plus_expansion_and_grr_never_passes_100(
    table: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    mrr, first_paid = table
    months = mrr.shape[1]
    opening = data.draw(st.integers(0, months - 1))
    closing = data.draw(st.integers(opening, months - 1))
    moved = monthly_movements(mrr, first_paid)
    rows = np.ones(len(mrr), dtype=bool)
    figures = period_figures(mrr, moved, rows, opening, closing)
    assert figures.closing_mrr - figures.opening_mrr == figures.net_movement
    if figures.opening_mrr:
        assert figures.grr is not None
        assert figures.nrr is not None
        assert figures.expansion_share is not None
        assert figures.nrr == pytest.approx(figures.grr + figures.expansion_share)
        assert 0 <= figures.grr <= 1
        assert figures.revenue_churn_rate is not None
        assert figures.revenue_churn_rate <= 1 - figures.grr + 1e-12
    # Groups that split the accounts add up to the whole.
    split = data.draw(st.lists(st.booleans(), min_size=len(mrr), max_size=len(mrr)))
    mask = np.array(split, dtype=bool)
    parts = [period_figures(mrr, moved, m, opening, closing) for m in (mask, ~mask)]
    assert sum(p.opening_mrr for p in parts) == figures.opening_mrr
    assert sum(p.retained_mrr + p.expanded_mrr for p in parts) == (
        figures.retained_mrr + figures.expanded_mrr
    )
    assert sum(p.net_movement for p in parts) == figures.net_movement


@given(mrr_tables(), st.data())
def test_all_groups_at_once_match_one_group_at_a_time(
    table: tuple[np.ndarray, np.ndarray], data: st.DataObject
) -> None:
    mrr, first_paid = table
    months = mrr.shape[1]
    opening = data.draw(st.integers(0, months - 1))
    closing = data.draw(st.integers(opening, months - 1))
    codes = np.array(data.draw(st.lists(st.integers(0, 2), min_size=len(mrr), max_size=len(mrr))))
    moved = monthly_movements(mrr, first_paid)
    together = group_figures(mrr, moved, codes, 3, opening, closing)
    assert together == [period_figures(mrr, moved, codes == g, opening, closing) for g in range(3)]
