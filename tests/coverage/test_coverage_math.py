"""Coverage arithmetic on hand-built accounts (expected values counted by hand)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.coverage.cadence import CoverageConfigError, parse_cadence_config
from hatake.coverage.coverage import (
    AccountCoverage,
    Share,
    covered_mask,
    grouped,
    is_covered,
    last_touch_days,
    trend,
    uncovered,
    week_ends,
)

DAY = date(2026, 11, 23)


def test_a_touch_14_days_before_is_within_a_14_day_cadence_and_15_is_not() -> None:
    assert is_covered(DAY - timedelta(days=14), DAY, 14)
    assert not is_covered(DAY - timedelta(days=15), DAY, 14)
    assert is_covered(DAY, DAY, 14)
    assert not is_covered(None, DAY, 14)
    assert not is_covered(DAY + timedelta(days=1), DAY, 14)  # a later touch does not count yet


def test_days_since_and_overdue() -> None:
    line = AccountCoverage(
        account_id=1, cadence_days=14, last_touch=DAY - timedelta(days=20), day=DAY
    )
    assert (line.days_since, line.days_overdue, line.covered) == (20, 6, False)
    never = AccountCoverage(account_id=2, cadence_days=14, last_touch=None, day=DAY)
    assert (never.days_since, never.days_overdue) == (None, None)


def test_breakdown_per_csm_and_tier() -> None:
    owners = ["Sato", "Sato", "Suzuki", "Suzuki", None]
    tiers = ["high_touch", "low_touch", "high_touch", "tech_touch", None]
    since = [14, 46, 15, 90, None]
    cadence = {"high_touch": 14, "low_touch": 45, "tech_touch": 90, None: 30}
    last = np.array(
        [-1 if days is None else (DAY - timedelta(days=days)).toordinal() for days in since]
    )
    cadences = np.array([cadence[tier] for tier in tiers])
    everyone = np.ones(5, dtype=bool)
    covered = covered_mask(DAY, last, cadences, everyone)
    # covered: 1 (14 <= 14) and 4 (90 <= 90); not: 2 (46 > 45), 3 (15 > 14), 5 (never)
    assert covered.tolist() == [True, False, False, True, False]
    assert [
        is_covered(None if d is None else DAY - timedelta(days=d), DAY, cadence[t])
        for d, t in zip(since, tiers, strict=True)
    ] == covered.tolist()
    assert grouped(covered, everyone, owners) == {
        "Sato": Share(1, 2),
        "Suzuki": Share(1, 2),
        None: Share(0, 1),
    }
    assert grouped(covered, everyone, tiers) == {
        "high_touch": Share(1, 2),
        "low_touch": Share(0, 1),
        "tech_touch": Share(1, 1),
        None: Share(0, 1),
    }
    # an account that does not count that day leaves its group (and an emptied group goes)
    assert "tech_touch" not in grouped(covered, np.array([1, 1, 1, 0, 1], bool), tiers)
    lines = [
        AccountCoverage(
            account_id=number,
            cadence_days=cadence[tiers[number - 1]],
            last_touch=None if days is None else DAY - timedelta(days=days),
            day=DAY,
        )
        for number, days in enumerate(since, start=1)
    ]
    # never touched first, then the most overdue: 2 and 3 are both 1 day over (by id)
    assert [line.account_id for line in uncovered(lines)] == [5, 2, 3]


def test_trend_counts_churned_accounts_only_while_under_contract() -> None:
    days = week_ends(DAY, weeks=3)  # Nov 9, Nov 16, Nov 23
    assert days == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    # account 0: touched Nov 2, cadence 14 -> covered Nov 9 and 16, not Nov 23 (21 days)
    # account 1: touched Nov 20, churned Nov 16 (inactive on Nov 16 and 23) -> 0/1 on Nov 9
    # account 2: never touched
    touch_accounts = np.array([0, 1])
    touch_days = np.array([date(2026, 11, 2).toordinal(), date(2026, 11, 20).toordinal()])
    last = last_touch_days(days, touch_accounts, touch_days, 3)
    nov2 = date(2026, 11, 2).toordinal()
    assert last.tolist() == [[nov2, -1, -1], [nov2, -1, -1], [nov2, touch_days[1], -1]]
    active = np.array([[True, True, True], [True, False, True], [True, False, True]])
    cadences = np.full((3, 3), 14)
    assert trend(days, last, active, cadences) == [Share(1, 3), Share(1, 2), Share(0, 2)]


def test_empty_book_has_no_ratio() -> None:
    assert Share(0, 0).ratio is None
    last = last_touch_days([DAY], np.array([]), np.array([]), 0)
    assert trend([DAY], last, np.zeros((1, 0), bool), np.zeros((1, 0))) == [Share(0, 0)]


touches = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 120), st.booleans()), max_size=30)


@given(
    touches=touches,
    extra=st.tuples(st.integers(0, 4), st.integers(0, 120)),
    cadence=st.integers(1, 60),
    mask=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_coverage_is_a_share_and_a_touch_never_lowers_it(
    touches: list[tuple[int, int, bool]], extra: tuple[int, int], cadence: int, mask: list[bool]
) -> None:
    start = date(2026, 1, 1)
    days = [start + timedelta(days=offset) for offset in (30, 60, 90, 120)]
    meaningful = [(account, offset) for account, offset, counts in touches if counts]

    def run(rows: list[tuple[int, int]]) -> list[Share]:
        last = last_touch_days(
            days,
            np.array([account for account, _ in rows], dtype=np.int64),
            np.array(
                [(start + timedelta(days=offset)).toordinal() for _, offset in rows], dtype=np.int64
            ),
            5,
        )
        return trend(
            days, last, np.tile(np.array(mask), (len(days), 1)), np.full((len(days), 5), cadence)
        )

    before, after = run(meaningful), run([*meaningful, extra])
    for old, new in zip(before, after, strict=True):
        assert 0 <= old.covered <= old.total
        assert new.covered >= old.covered
        assert new.total == old.total
    # the vectorised search agrees with counting by hand, account by account
    for index, day in enumerate(days):
        expected = sum(
            mask[account]
            and is_covered(
                max(
                    (
                        start + timedelta(days=o)
                        for a, o in meaningful
                        if a == account and start + timedelta(days=o) <= day
                    ),
                    default=None,
                ),
                day,
                cadence,
            )
            for account in range(5)
        )
        assert before[index].covered == expected


def test_cadence_config_defaults_and_errors() -> None:
    config = parse_cadence_config({})
    assert config.cadence_for("high_touch") == 14
    assert config.cadence_for("low_touch") == 45
    assert config.cadence_for("tech_touch") == 90
    assert config.cadence_for(None) == 30
    custom = parse_cadence_config({"cadence_days": {"high_touch": 7}, "default_cadence_days": 60})
    assert (custom.cadence_for("high_touch"), custom.cadence_for(None)) == (7, 60)
    with pytest.raises(CoverageConfigError) as error:
        parse_cadence_config({"cadence_days": {"high_touch": 0}})
    assert error.value.params["field"] == "cadence_days.high_touch"
    assert "cadence_days.high_touch" in error.value.render(lambda text: text)
    with pytest.raises(CoverageConfigError) as error:
        parse_cadence_config({"cadence_days": {"vip": 10}})
    assert error.value.params["field"] == "cadence_days.vip"
    with pytest.raises(CoverageConfigError) as error:
        parse_cadence_config({"default_cadence_days": -3})
    assert error.value.params["field"] == "default_cadence_days"
