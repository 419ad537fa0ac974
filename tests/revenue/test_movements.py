"""MRR movements: a hand-worked month and the invariant that they add up to the change."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hatake.revenue.movements import KINDS, counts, monthly_movements
from tests.revenue.test_mrr import EXPECTED

# Month indexes (January 2026 = 0) of each account's first paid month-end; E's is June 2025.
FIRST_PAID = np.array([0, 1, 0, 0, -7, 2, 4])
MRR = np.array(list(EXPECTED.values()))


def test_may_has_an_upgrade_a_downgrade_a_churn_a_reactivation_and_a_new_account() -> None:
    moved = monthly_movements(MRR, FIRST_PAID)
    may = 4
    # April 195,000 -> May 220,000: A +30,000 (upgrade), B -50,000 (downgrade), C -40,000
    # (churn), D +25,000 (back after March and April at 0), G +60,000 (first month).
    assert {kind: moved.of(kind)[:, may].tolist() for kind in KINDS} == {
        "new": [0, 0, 0, 0, 0, 0, 60_000],
        "expansion": [30_000, 0, 0, 0, 0, 0, 0],
        "reactivation": [0, 0, 0, 25_000, 0, 0, 0],
        "contraction": [0, 50_000, 0, 0, 0, 0, 0],
        "churn": [0, 0, 40_000, 0, 0, 0, 0],
    }
    assert moved.net[:, may].sum() == 220_000 - 195_000
    assert [int(counts(moved, kind)[may]) for kind in KINDS] == [1, 1, 1, 1, 1]


def test_the_other_months_by_hand() -> None:
    moved = monthly_movements(MRR, FIRST_PAID)
    assert moved.new.sum(axis=0).tolist() == [0, 80_000, 15_000, 0, 60_000, 0]
    assert moved.churn.sum(axis=0).tolist() == [0, 0, 20_000, 0, 40_000, 0]
    # The annual contract renewed at 12,000 instead of 10,000 in June.
    assert moved.expansion.sum(axis=0).tolist() == [0, 0, 0, 0, 30_000, 2_000]
    # Nothing is known about the month before the table.
    assert all(moved.of(kind)[:, 0].sum() == 0 for kind in KINDS)


@st.composite
def mrr_tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    accounts = draw(st.integers(1, 12))
    months = draw(st.integers(1, 10))
    amounts = st.one_of(st.just(0), st.integers(0, 10**9))
    mrr = draw(arrays(np.int64, (accounts, months), elements=amounts))
    paid_before = draw(arrays(np.bool_, accounts))
    paying = mrr > 0
    first_in_table = np.where(paying.any(axis=1), paying.argmax(axis=1), months)
    return mrr, np.where(paid_before, -1, first_in_table)


@given(mrr_tables())
def test_movements_add_up_to_the_change_in_mrr(table: tuple[np.ndarray, np.ndarray]) -> None:
    mrr, first_paid = table
    moved = monthly_movements(mrr, first_paid)
    totals = mrr.sum(axis=0)
    assert moved.net[:, 1:].sum(axis=0).tolist() == np.diff(totals).tolist()
    assert np.array_equal(moved.net[:, 1:], np.diff(mrr, axis=1))
    # Every amount is positive and an account has at most one kind of movement a month.
    stacked = np.stack([moved.of(kind) for kind in KINDS])
    assert (stacked >= 0).all()
    assert ((stacked > 0).sum(axis=0) <= 1).all()
