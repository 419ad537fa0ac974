"""Renewal-rate weighting of the forecast, by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.revenue.forecast import (
    PastRenewal,
    UpcomingRenewal,
    by_grade_and_month,
    by_month,
    grade_rates,
    scenario,
    went_on,
    wilson_lower,
)
from hatake.revenue.mrr import NO_END

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


def _went_on_one_by_one(
    terms: list[tuple[int, date, date | None]], asked: int, grace_days: int
) -> bool:
    """The definition in words: another term of the account starts by the grace days after
    the asked term's end and runs past that end (or has no end)."""
    account, _start, end = terms[asked]
    assert end is not None
    return any(
        other_account == account
        and other_start <= end + timedelta(days=grace_days)
        and (other_end is None or other_end > end)
        for index, (other_account, other_start, other_end) in enumerate(terms)
        if index != asked
    )


def _columns(terms: list[tuple[int, date, date | None]]) -> tuple[np.ndarray, ...]:
    account = np.array([item[0] for item in terms], dtype=np.int64)
    start = np.array([item[1] for item in terms], dtype="datetime64[D]")
    end = np.array([item[2] or NO_END for item in terms], dtype="datetime64[D]")
    return account, start, end


def test_went_on_by_hand() -> None:
    terms = [
        (1, date(2025, 1, 1), date(2026, 1, 1)),  # 0: renewed the same day (term 1)
        (1, date(2026, 1, 1), date(2027, 1, 1)),  # 1
        (2, date(2025, 2, 1), date(2026, 2, 1)),  # 2: renewed 19 days later (term 3)
        (2, date(2026, 2, 20), None),  # 3
        (3, date(2025, 3, 1), date(2026, 3, 1)),  # 4: came back 31 days later: churned
        (3, date(2026, 4, 1), None),  # 5
        (4, date(2025, 1, 1), date(2026, 6, 1)),  # 6: only a shorter term beside it
        (4, date(2025, 6, 1), date(2026, 5, 1)),  # 7
    ]
    account, start, end = _columns(terms)
    asked = np.array([0, 2, 4, 6, 7])
    assert went_on(account, start, end, asked, 30).tolist() == [True, True, False, False, True]


days = st.integers(0, 120).map(lambda offset: date(2026, 1, 1) + timedelta(days=offset))


@st.composite
def term_lists(draw: st.DrawFn) -> list[tuple[int, date, date | None]]:
    terms = []
    for _ in range(draw(st.integers(1, 12))):
        start = draw(days)
        length = draw(st.one_of(st.none(), st.integers(0, 60)))
        end = None if length is None else start + timedelta(days=length)
        terms.append((draw(st.integers(1, 3)), start, end))
    return terms


@given(term_lists(), st.integers(0, 40))
def test_went_on_matches_the_definition(
    terms: list[tuple[int, date, date | None]], grace_days: int
) -> None:
    asked = [index for index, item in enumerate(terms) if item[2] is not None]
    account, start, end = _columns(terms)
    found = went_on(account, start, end, np.array(asked, dtype=np.int64), grace_days)
    assert found.tolist() == [_went_on_one_by_one(terms, index, grace_days) for index in asked]


def test_by_grade_and_month_splits_by_month_per_grade() -> None:
    rates = grade_rates(HISTORY, ["A", "B", None], confidence=0.95)
    months = [date(2027, 1, 1), date(2027, 2, 1)]
    split = by_grade_and_month(UPCOMING, ["A", "B", None], months, rates)
    for grade in ("A", "B", None):
        mine = [item for item in UPCOMING if item.grade == grade]
        assert split[grade] == by_month(mine, months, rates)
    assert [s.renewals for _month, s in split["A"]] == [1, 0]
    assert [s.renewals for _month, s in split[None]] == [0, 1]
