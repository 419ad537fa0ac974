"""Today's queue arithmetic on hand-built facts: each priority reason alone, all of them
together with the score worked out by hand, the due boundary, the wording, and the [queue]
checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.core.i18n import gettext_for
from hatake.coverage.queue import AccountFacts, describe, rank, reasons_for
from hatake.coverage.queue_config import QueueConfig, QueueConfigError, parse_queue_config

DAY = date(2026, 11, 24)
CONFIG = QueueConfig()  # high 3, low 2, tech 1, none 1; health 30 d x 1; renewal 60 d +20;
# must-not-lose +25; urgent ticket 15 each; next step +10


def _facts(account_id: int = 1, *, days_ago: int | None = 14, **overrides: object) -> AccountFacts:
    values: dict[str, object] = {
        "account_id": account_id,
        "tier": "high_touch",
        "cadence_days": 14,
        "last_touch": None if days_ago is None else DAY - timedelta(days=days_ago),
        "under_contract_since": date(2025, 4, 1),
    }
    return AccountFacts(**{**values, **overrides})  # type: ignore[arg-type]


def _texts(facts: AccountFacts, locale: str = "en") -> list[str]:
    reasons = reasons_for(facts, DAY, CONFIG) or []
    return [describe(reason, gettext_for(locale)) for reason in reasons]


def test_the_due_boundary_at_high_touch() -> None:
    assert reasons_for(_facts(days_ago=13), DAY, CONFIG) is None  # covered, not due yet
    [due] = rank([_facts(days_ago=14)], DAY, CONFIG)  # last day covered: due today
    assert (due.days_overdue, due.score) == (0, 0)
    assert _texts(_facts(days_ago=14)) == ["due today"]
    [late] = rank([_facts(days_ago=15)], DAY, CONFIG)
    assert (late.days_overdue, late.score, late.days_since) == (1, 3, 15)


def test_days_overdue_times_the_tier_weight() -> None:
    # 28 days since at high touch (cadence 14): 14 days overdue x 3 = 42.
    assert _texts(_facts(days_ago=28)) == ["14 days overdue × High touch 3 = 42"]
    assert _texts(_facts(days_ago=28), "ja") == ["14 日超過 × ハイタッチ 3 = 42"]
    tech = _facts(days_ago=100, tier="tech_touch", cadence_days=90)
    assert [row.score for row in rank([tech], DAY, CONFIG)] == [10]  # 10 days x 1
    # Never touched: days counted from the contract's start (2026-10-01 + 14 days).
    new = _facts(days_ago=None, under_contract_since=date(2026, 10, 1))
    assert _texts(new) == ["no meaningful touch yet; 40 days overdue × High touch 3 = 120"]
    recent = _facts(days_ago=None, under_contract_since=DAY - timedelta(days=3))
    assert [row.days_overdue for row in rank([recent], DAY, CONFIG)] == [0]  # in, not late


def test_each_boost_adds_its_points_to_a_due_account() -> None:
    due = _facts(days_ago=14)  # 0 points of its own
    cases = [
        ({"health_drop": 12.0}, 12, "health −12 in 30 days × 1 = 12"),
        ({"renews_on": DAY + timedelta(days=21)}, 20, "renews in 21 days: +20"),
        ({"must_not_lose_cell": "A-d"}, 25, "must-not-lose cell A-d: +25"),
        ({"urgent_tickets": 2}, 30, "2 urgent tickets × 15 = 30"),
        ({"urgent_tickets": 1}, 15, "1 urgent ticket × 15 = 15"),
        ({"next_step_on": DAY}, 10, "next step promised for 2026-11-24: +10"),
    ]
    for change, points, words in cases:
        facts = replace(due, **change)  # type: ignore[arg-type]
        [row] = rank([facts], DAY, CONFIG)
        assert row.score == points, change
        assert _texts(facts)[-1] == words
    # What does not count: a rise in health, a renewal beyond 60 days, a promise not yet due.
    for change in (
        {"health_drop": -5.0},
        {"renews_on": DAY + timedelta(days=61)},
        {"next_step_on": DAY + timedelta(days=1)},
    ):
        [row] = rank([replace(due, **change)], DAY, CONFIG)  # type: ignore[arg-type]
        assert (row.score, len(row.reasons)) == (0, 1), change


def test_a_promised_next_step_alone_brings_a_covered_account() -> None:
    covered = _facts(days_ago=3)
    assert rank([covered], DAY, CONFIG) == []
    [row] = rank([replace(covered, next_step_on=DAY - timedelta(days=2))], DAY, CONFIG)
    assert (row.days_overdue, row.score) == (None, 10)
    assert [reason.kind for reason in row.reasons] == ["next_step"]


def test_every_reason_together_and_the_order() -> None:
    everything = _facts(
        1,
        days_ago=28,  # 14 days overdue x 3 = 42
        health_drop=12.0,  # 12 x 1 = 12
        renews_on=DAY + timedelta(days=21),  # 20
        must_not_lose_cell="A-d",  # 25
        urgent_tickets=2,  # 2 x 15 = 30
        next_step_on=DAY - timedelta(days=1),  # 10
    )
    low_touch = _facts(2, days_ago=95, tier="low_touch", cadence_days=45)  # 50 x 2 = 100
    covered = _facts(3, days_ago=20, tier=None, cadence_days=30, health_drop=20.0)  # not due
    high = _facts(4, days_ago=44)  # 30 x 3 = 90
    since = DAY - timedelta(days=120)
    never = _facts(5, days_ago=None, tier=None, cadence_days=30, under_contract_since=since)
    rows = rank([never, high, covered, low_touch, everything], DAY, CONFIG)
    assert [(row.account_id, row.score) for row in rows] == [
        (1, 42 + 12 + 20 + 25 + 30 + 10),  # 139
        (2, 100),
        (5, 90),  # never touched: 120 - 30 = 90 days x 1; ties with 4, more days overdue
        (4, 90),  # 30 days x 3
    ]
    assert _texts(everything) == [
        "14 days overdue × High touch 3 = 42",
        "health −12 in 30 days × 1 = 12",
        "renews in 21 days: +20",
        "must-not-lose cell A-d: +25",
        "2 urgent tickets × 15 = 30",
        "next step promised for 2026-11-23: +10",
    ]


def test_days_overdue_count_up_to_the_cap() -> None:
    # 426 days since at high touch (cadence 14): 412 days overdue, counted as 90: 90 x 3 = 270.
    years = _facts(1, days_ago=426)
    assert _texts(years) == ["412 days overdue (counted as 90) × High touch 3 = 270"]
    assert _texts(years, "ja") == ["412 日超過（90 日として計算） × ハイタッチ 3 = 270"]
    # At the cap the days are shown as they are; one more day adds nothing.
    assert _texts(_facts(days_ago=14 + 90)) == ["90 days overdue × High touch 3 = 270"]
    assert _texts(_facts(days_ago=14 + 91)) == [
        "91 days overdue (counted as 90) × High touch 3 = 270"
    ]
    # A renewal now outranks the years of silence: 50 days x 3 + 20 + 2 x 15 = 200 against
    # 270, where uncapped the untouched account would have 1,236.
    pressing = _facts(2, days_ago=64, renews_on=DAY + timedelta(days=10), urgent_tickets=2)
    capped = _facts(3, days_ago=14 + 200)  # 200 days overdue: also 270
    rows = rank([capped, pressing, years], DAY, CONFIG)
    assert [(row.account_id, row.score, row.days_overdue) for row in rows] == [
        (1, 270, 412),  # ties with 3 at 270; more days overdue first
        (3, 270, 200),
        (2, 200, 50),
    ]
    # Never touched: 602 days since the contract's start (2025-04-01), cadence 90: 512 days.
    never = _facts(days_ago=None, tier="tech_touch", cadence_days=90)
    assert _texts(never) == [
        "no meaningful touch yet; 512 days overdue (counted as 90) × Tech touch 1 = 90"
    ]
    # The cap comes from [queue] max_overdue_days.
    config = parse_queue_config({"max_overdue_days": 30})
    assert [row.score for row in rank([years], DAY, config)] == [30 * 3]


def test_weights_come_from_the_config() -> None:
    config = parse_queue_config(
        {"tier_weights": {"high_touch": 5}, "health_drop_weight": 0.5, "renewal_days": 30}
    )
    facts = _facts(days_ago=28, health_drop=12.0, renews_on=DAY + timedelta(days=31))
    [row] = rank([facts], DAY, config)
    assert row.score == 14 * 5 + 12 * 0.5  # renewal 31 days away: beyond 30


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"tier_weights": {"high_touch": -1}}, "tier_weights.high_touch", "0 or more"),
        ({"tier_weights": {"vip": 2}}, "tier_weights.vip", "unknown tier"),
        ({"tier_weights": 3}, "tier_weights", "table"),
        ({"renewal_days": 0}, "renewal_days", "at least 1 day"),
        ({"health_drop_days": 7.5}, "health_drop_days", "whole number"),
        ({"max_overdue_days": 0}, "max_overdue_days", "at least 1 day"),
        ({"max_overdue_days": "90"}, "max_overdue_days", "whole number"),
        ({"must_not_lose_points": True}, "must_not_lose_points", "must be a number"),
        ({"urgent_ticket_points": "high"}, "urgent_ticket_points", "must be a number"),
        ({"weights": 1}, "weights", "not a queue setting"),
    ],
)
def test_invalid_config_names_the_field(raw: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(QueueConfigError) as error:
        parse_queue_config(raw)
    english = error.value.render(gettext_for("en"))
    assert english.startswith(f"config.toml queue.{field}: ")
    assert words in english
    japanese = error.value.render(gettext_for("ja"))
    assert f"queue.{field}" in japanese
    assert japanese != english


facts_strategy = st.builds(
    AccountFacts,
    account_id=st.integers(1, 10_000),
    tier=st.sampled_from([None, "high_touch", "low_touch", "tech_touch"]),
    cadence_days=st.integers(1, 120),
    last_touch=st.none() | st.dates(date(2024, 1, 1), DAY),
    under_contract_since=st.dates(date(2020, 1, 1), DAY),
    next_step_on=st.none() | st.dates(date(2026, 1, 1), date(2027, 1, 1)),
    health_drop=st.none() | st.floats(-50, 50),
    renews_on=st.none() | st.dates(DAY, date(2027, 12, 31)),
    must_not_lose_cell=st.none() | st.just("A-d"),
    urgent_tickets=st.integers(0, 5),
)


@given(st.lists(facts_strategy, max_size=30, unique_by=lambda facts: facts.account_id))
def test_scores_add_up_and_the_queue_is_ordered(accounts: list[AccountFacts]) -> None:
    rows = rank(accounts, DAY, CONFIG)
    assert all(row.score == sum(reason.points for reason in row.reasons) for row in rows)
    assert all(reason.points >= 0 for row in rows for reason in row.reasons)
    cap = CONFIG.max_overdue_days
    for row in rows:
        for reason in row.reasons:
            if reason.kind == "overdue":
                assert reason.points == min(reason.amount, cap) * reason.weight
    assert [row.score for row in rows] == sorted((row.score for row in rows), reverse=True)
    for facts in accounts:
        covered = (
            facts.last_touch is not None and (DAY - facts.last_touch).days < facts.cadence_days
        )
        promised = facts.next_step_on is not None and facts.next_step_on <= DAY
        listed = any(row.account_id == facts.account_id for row in rows)
        assert listed == (not covered or promised)
