"""Stage and tier rules on hand-built facts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hatake.lifecycle.lifecycle_config import DEFAULT_STAGES, TierThresholds, parse_lifecycle
from hatake.lifecycle.stages import StageFacts, is_stuck, stage_for
from hatake.lifecycle.tiers import tier_for, tier_for_arr

START = date(2026, 1, 1)
CONFIG = parse_lifecycle({}, ["first_login", "imported"])
MILESTONES = ["first_login", "imported"]


def _facts(**overrides: object) -> StageFacts:
    values: dict[str, object] = {
        "contract_start": START,
        "running": True,
        "ended": False,
        "renewal_date": date(2027, 1, 1),
        "seats": 10,
        "active_users_30d": 3.0,
        "events_30d": 100.0,
        "events_previous_30d": 100.0,
    }
    return StageFacts(**{**values, **overrides})  # type: ignore[arg-type]


def _stage(day: date, **overrides: object) -> str | None:
    return stage_for(_facts(**overrides), day, CONFIG, MILESTONES)


def test_onboarding_until_all_milestones_are_reached() -> None:
    day = START + timedelta(days=10)
    assert _stage(day) == "onboarding"
    assert _stage(day, milestones={"first_login": START}) == "onboarding"
    both = {"first_login": START, "imported": day}
    assert _stage(day, milestones=both) == "adoption"
    # A milestone reached after the day does not count yet.
    later = {"first_login": START, "imported": day + timedelta(days=1)}
    assert _stage(day, milestones=later) == "onboarding"


def test_onboarding_ends_after_its_days_even_without_milestones() -> None:
    assert _stage(START + timedelta(days=89)) == "onboarding"
    assert _stage(START + timedelta(days=90)) == "adoption"


def test_onboarding_without_milestones_lasts_its_days() -> None:
    config = parse_lifecycle({}, [])
    facts = _facts(milestones={})
    assert stage_for(facts, START, config, []) == "onboarding"
    assert stage_for(facts, START + timedelta(days=89), config, []) == "onboarding"
    assert stage_for(facts, START + timedelta(days=90), config, []) == "adoption"
    # A stage naming no milestones of its own while others are configured: the same.
    only_days = parse_lifecycle(
        {"stages": [
            {"key": "onboarding", "label_ja": "導入", "label_en": "Onboarding",
             "rule": "onboarding", "days": 30, "milestones": []},
            {"key": "adoption", "label_ja": "活用", "label_en": "Adoption", "rule": "default"},
        ]},
        MILESTONES,
    )  # fmt: skip
    done = _facts(milestones=dict.fromkeys(MILESTONES, START))
    assert stage_for(done, START + timedelta(days=29), only_days, MILESTONES) == "onboarding"
    assert stage_for(done, START + timedelta(days=30), only_days, MILESTONES) == "adoption"


def test_renewal_window_opens_days_before_the_renewal_date() -> None:
    renewal = date(2027, 1, 1)
    assert _stage(renewal - timedelta(days=91), milestones=dict.fromkeys(MILESTONES, START)) == (
        "adoption"
    )
    assert _stage(renewal - timedelta(days=90)) == "renewal"
    assert _stage(renewal - timedelta(days=1)) == "renewal"
    # Renewal outranks onboarding: a short first contract renews while still onboarding.
    assert _stage(START + timedelta(days=5), renewal_date=START + timedelta(days=30)) == "renewal"


def test_churned_outranks_everything() -> None:
    day = date(2026, 6, 1)
    assert _stage(day, running=False, ended=True) == "churned"
    assert _stage(day, running=False, ended=False, account_churned=True) == "churned"
    # Never under contract: no stage at all.
    assert _stage(day, running=False, ended=False, contract_start=None) is None


def test_expansion_signals_at_their_edges() -> None:
    day = START + timedelta(days=120)
    assert _stage(day, events_30d=500.0) == "adoption"  # usage growth is off by default
    stages = [dict(stage) for stage in DEFAULT_STAGES]
    stages[3]["usage_growth_pct"] = 50
    config = parse_lifecycle({"stages": stages}, MILESTONES)

    def _grown(day: date, **overrides: object) -> str | None:
        return stage_for(_facts(**overrides), day, config, MILESTONES)

    assert _grown(day, active_users_30d=8.9) == "adoption"
    assert _grown(day, active_users_30d=9.0) == "expansion"  # 90 % of 10 seats
    assert _grown(day, events_30d=149.0) == "adoption"
    assert _grown(day, events_30d=150.0) == "expansion"  # +50 %
    assert _grown(day, events_previous_30d=0.0, events_30d=500.0) == "adoption"
    assert _grown(day, seats=None, active_users_30d=50.0) == "adoption"


def test_custom_order_changes_precedence() -> None:
    stages = [
        {"key": "onboarding", "label_ja": "導入", "label_en": "Onboarding", "rule": "onboarding",
         "days": 90},
        {"key": "renewal", "label_ja": "更新", "label_en": "Renewal", "rule": "renewal",
         "days": 90},
        {"key": "adoption", "label_ja": "活用", "label_en": "Adoption", "rule": "default"},
    ]  # fmt: skip
    config = parse_lifecycle({"stages": stages}, MILESTONES)
    facts = _facts(renewal_date=START + timedelta(days=30))
    assert stage_for(facts, START + timedelta(days=5), config, MILESTONES) == "onboarding"
    # Without a churned stage an ended account falls to the default one.
    ended = _facts(running=False, ended=True)
    assert stage_for(ended, START, config, MILESTONES) is None


def test_stuck_after_the_expected_days() -> None:
    stage = CONFIG.stage("onboarding")
    assert stage is not None
    assert stage.expected_days == 60
    assert not is_stuck(stage, START, START + timedelta(days=60))
    assert is_stuck(stage, START, START + timedelta(days=61))
    assert not is_stuck(CONFIG.stage("adoption"), START, START + timedelta(days=3650))


THRESHOLDS = TierThresholds(high_touch=6_000_000, low_touch=1_200_000)


@pytest.mark.parametrize(
    ("arr", "tier"),
    [
        (0, "tech_touch"),
        (1_199_999, "tech_touch"),
        (1_200_000, "low_touch"),
        (5_999_999, "low_touch"),
        (6_000_000, "high_touch"),
    ],
)
def test_tier_thresholds_at_their_edges(arr: int, tier: str) -> None:
    assert tier_for_arr(arr, THRESHOLDS) == tier


def test_tier_from_mrr_override_and_currencies() -> None:
    thresholds = {"JPY": THRESHOLDS, "USD": TierThresholds(high_touch=500_000, low_touch=100_000)}
    assert tier_for({"JPY": 100_000}, thresholds) == "low_touch"  # ARR 1,200,000
    assert tier_for({"JPY": 99_999}, thresholds) == "tech_touch"
    assert tier_for({"JPY": 10, "USD": 50_000}, thresholds) == "high_touch"  # the larger wins
    assert tier_for({"EUR": 10**9}, thresholds) == "tech_touch"  # no thresholds for EUR
    assert tier_for({"JPY": 10**9}, thresholds, override="tech_touch") == "tech_touch"
    assert tier_for({}, thresholds) == "tech_touch"
