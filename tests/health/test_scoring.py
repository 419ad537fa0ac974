from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.health.definition import (
    Categories,
    Linear,
    Step,
    Thresholds,
    load_definition,
)
from hatake.health.scoring import (
    MetricValue,
    ScoreResult,
    grade_for,
    points_for,
    score_account,
    select_profile,
    trend,
    why_changed,
)

DEFINITION_TEXT = """
version: "2026-11-23.1"
name: hand-computed
grades:
  - {key: healthy, label_ja: 良好, label_en: Healthy, colour: "#2e7d32", min: 70}
  - {key: neutral, label_ja: 注意, label_en: Neutral, colour: "#f9a825", min: 40}
  - {key: at_risk, label_ja: 危険, label_en: At risk, colour: "#c62828", min: 0}
profiles:
  - key: tech
    rule: {tier: [tech]}
    groups:
      - key: usage
        weight: 1
        factors:
          - {metric: usage_rate, weight: 1, function: {kind: linear, worst: 0, best: 1}}
  - key: new_low_touch
    rule: {tier: [low], stage: [onboarding]}
    groups:
      - key: usage
        weight: 1
        factors:
          - {metric: onboarding_milestones, weight: 1,
             function: {kind: linear, worst: 0, best: 5}}
  - key: default
    groups:
      - key: usage
        weight: 60
        factors:
          - {metric: usage_rate, weight: 3, function: {kind: linear, worst: 0, best: 0.8}}
          - {metric: days_since_last_activity, weight: 1, missing: worst,
             function: {kind: linear, worst: 30, best: 0}}
      - key: support
        weight: 20
        factors:
          - {metric: open_tickets, weight: 1,
             function: {kind: thresholds,
                        steps: [{min: 0, points: 100}, {min: 1, points: 60}, {min: 3, points: 0}]}}
      - key: sentiment
        weight: 20
        factors:
          - {metric: latest_nps, weight: 1, missing: neutral,
             function: {kind: thresholds,
                        steps: [{min: 0, points: 0}, {min: 7, points: 50}, {min: 9, points: 100}]}}
          - {metric: csm_sentiment, weight: 1,
             function: {kind: categories, default: 50,
                        points: {"1": 0, "2": 25, "3": 50, "4": 75, "5": 100}}}
"""
DEFINITION = load_definition(DEFINITION_TEXT, "hand-computed.yaml")
DEFAULT = {"tier": "high", "stage": "adoption", "plan": "pro"}
ACCOUNT_A: dict[str, MetricValue] = {
    "usage_rate": 0.4,
    "days_since_last_activity": 3,
    "open_tickets": 2,
    "latest_nps": 10,
    "csm_sentiment": 5,
}


def factors_by_metric(result: ScoreResult) -> dict[str, tuple[float | None, float, float]]:
    return {
        factor.metric: (factor.points, factor.weight_effective, factor.contribution)
        for factor in result.factors
    }


# points_for, at the edges of every kind

STEPS = Thresholds(
    kind="thresholds",
    below=10,
    steps=[Step(min=0, points=20), Step(min=5, points=60), Step(min=10, points=100)],
)


@pytest.mark.parametrize(
    ("value", "points"),
    [(-0.001, 10), (0, 20), (4.999, 20), (5, 60), (9.99, 60), (10, 100), (1e9, 100)],
)
def test_thresholds_take_the_last_step_reached_inclusive(value: float, points: float) -> None:
    assert points_for(STEPS, value) == points


def test_thresholds_with_falling_points_are_lower_is_better() -> None:
    tickets = Thresholds(kind="thresholds", steps=[Step(min=0, points=100), Step(min=3, points=0)])
    assert points_for(tickets, 0) == 100
    assert points_for(tickets, 2) == 100
    assert points_for(tickets, 3) == 0
    assert points_for(tickets, -1) == 0  # under the first step: `below`, 0 by default


@pytest.mark.parametrize(
    ("worst", "best", "value", "points"),
    [
        (0, 0.8, 0, 0),
        (0, 0.8, 0.8, 100),
        (0, 0.8, 0.2, 25),
        (0, 0.8, -1, 0),
        (0, 0.8, 5, 100),
        (30, 0, 30, 0),
        (30, 0, 0, 100),
        (30, 0, 3, 90),
        (30, 0, 45, 0),
        (30, 0, -2, 100),
    ],
)
def test_linear_is_clamped_and_runs_either_way(
    worst: float, best: float, value: float, points: float
) -> None:
    assert points_for(Linear(kind="linear", worst=worst, best=best), value) == pytest.approx(points)


def test_categories_match_text_and_whole_numbers_and_fall_back_to_default() -> None:
    rating = Categories(kind="categories", points={"1": 0, "4": 75, "gold": 100}, default=40)
    assert points_for(rating, "gold") == 100
    assert points_for(rating, 4.0) == 75
    assert points_for(rating, 4) == 75
    assert points_for(rating, 4.5) == 40
    assert points_for(rating, "silver") == 40


def test_numeric_functions_refuse_text_but_read_numbers_written_as_text() -> None:
    linear = Linear(kind="linear", worst=0, best=1)
    assert points_for(linear, "0.5") == 50
    with pytest.raises(ValueError, match="not a number"):
        points_for(linear, "high")


# profile selection


@pytest.mark.parametrize(
    ("attributes", "profile"),
    [
        ({"tier": "tech"}, "tech"),
        ({"tier": "tech", "stage": "onboarding"}, "tech"),  # first match in document order
        ({"tier": "low", "stage": "onboarding"}, "new_low_touch"),
        ({"tier": "low", "stage": "adoption"}, "default"),  # every given attribute must match
        ({"tier": "low"}, "default"),
        ({"tier": None}, "default"),
        ({}, "default"),
    ],
)
def test_the_first_matching_profile_wins_else_the_default(
    attributes: dict[str, str | None], profile: str
) -> None:
    assert select_profile(DEFINITION, attributes).key == profile


# hand-computed scores


def test_account_a_every_factor_present() -> None:
    # Weights: usage 60/100 split 3:1 -> usage_rate 45, days 15; support 20 -> tickets 20;
    # sentiment 20 split 1:1 -> nps 10, csm 10.
    # Points: usage_rate 0.4/0.8 -> 50; days (30-3)/30 -> 90; 2 tickets -> 60; NPS 10 -> 100;
    # csm "5" -> 100.
    # Score: 50*.45 + 90*.15 + 60*.20 + 100*.10 + 100*.10 = 22.5+13.5+12+10+10 = 68.0.
    result = score_account(DEFINITION, DEFAULT, ACCOUNT_A)
    assert result.profile == "default"
    assert result.definition_version == "2026-11-23.1"
    assert result.exact_score == pytest.approx(68.0)
    assert result.score == 68.0
    assert result.grade == "neutral"
    factors = factors_by_metric(result)
    assert factors["usage_rate"] == pytest.approx((50, 45, 22.5))
    assert factors["days_since_last_activity"] == pytest.approx((90, 15, 13.5))
    assert factors["open_tickets"] == pytest.approx((60, 20, 12))
    assert factors["latest_nps"] == pytest.approx((100, 10, 10))
    assert factors["csm_sentiment"] == pytest.approx((100, 10, 10))
    assert [factor.group for factor in result.factors] == [
        "usage",
        "usage",
        "support",
        "sentiment",
        "sentiment",
    ]


def test_account_b_every_missing_data_policy_and_a_whole_missing_group() -> None:
    # usage_rate missing, redistribute: dropped; its group keeps only days.
    # days missing, worst: 0 points but keeps its weight, so the usage group stays.
    # open_tickets missing, redistribute: the whole support group is gone, so its 20 is
    # spread over usage 60 and sentiment 20 -> usage 75, sentiment 25.
    # latest_nps missing, neutral: 50 points on 12.5; csm "3" -> 50 points on 12.5.
    # Score: 0*.75 + 50*.125 + 50*.125 = 12.5.
    metrics: dict[str, MetricValue] = {"csm_sentiment": 3}
    result = score_account(DEFINITION, DEFAULT, metrics)
    assert result.exact_score == pytest.approx(12.5)
    assert result.grade == "at_risk"
    factors = factors_by_metric(result)
    assert factors["usage_rate"] == (None, 0, 0)
    assert factors["days_since_last_activity"] == pytest.approx((0, 75, 0))
    assert factors["open_tickets"] == (None, 0, 0)
    assert factors["latest_nps"] == pytest.approx((50, 12.5, 6.25))
    assert factors["csm_sentiment"] == pytest.approx((50, 12.5, 6.25))
    missing = {factor.metric: (factor.missing, factor.policy) for factor in result.factors}
    assert missing == {
        "usage_rate": (True, "redistribute"),
        "days_since_last_activity": (True, "worst"),
        "open_tickets": (True, "redistribute"),
        "latest_nps": (True, "neutral"),
        "csm_sentiment": (False, "redistribute"),
    }


def test_redistribute_renormalises_within_the_group_first() -> None:
    # usage_rate missing: days takes the whole usage 60; nothing else moves.
    # Score: 90*.60 + 60*.20 + 100*.10 + 100*.10 = 54+12+10+10 = 86.0.
    result = score_account(DEFINITION, DEFAULT, {**ACCOUNT_A, "usage_rate": None})
    assert result.exact_score == pytest.approx(86.0)
    assert factors_by_metric(result)["days_since_last_activity"] == pytest.approx((90, 60, 54))


def test_account_c_tech_touch_profile() -> None:
    # One factor at 100 %: 0.25 on a 0..1 line -> 25 points.
    result = score_account(DEFINITION, {"tier": "tech"}, ACCOUNT_A | {"usage_rate": 0.25})
    assert result.profile == "tech"
    assert result.score == 25.0
    assert result.grade == "at_risk"
    assert [factor.metric for factor in result.factors] == ["usage_rate"]


def test_unreadable_values_count_as_missing() -> None:
    result = score_account(
        DEFINITION, DEFAULT, {**ACCOUNT_A, "usage_rate": "n/a", "open_tickets": math.nan}
    )
    factors = {factor.metric: factor for factor in result.factors}
    assert factors["usage_rate"].missing
    assert factors["usage_rate"].raw_value == "n/a"
    assert factors["open_tickets"].missing


def test_no_value_at_all_means_no_score_and_no_grade() -> None:
    # Neutral and worst would invent 50 or 0 from nothing; with no data there is no score.
    result = score_account(DEFINITION, DEFAULT, {})
    assert result.exact_score is None
    assert result.score is None
    assert result.grade is None
    assert all(
        (factor.points, factor.weight_effective, factor.contribution, factor.missing)
        == (None, 0, 0, True)
        for factor in result.factors
    )


# grades


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100, "healthy"), (70, "healthy"), (69.9, "neutral"), (40, "neutral"), (39.99, "at_risk")],
)
def test_a_score_exactly_at_a_cut_off_gets_that_grade(score: float, grade: str) -> None:
    found = grade_for(DEFINITION, score)
    assert found is not None
    assert found.key == grade
    assert grade_for(DEFINITION, 0) == DEFINITION.grades[-1]
    assert grade_for(DEFINITION, None) is None


def test_the_grade_follows_the_score_as_shown() -> None:
    # 69.96 is shown as 70.0, so it must not be graded neutral.
    result = score_account(DEFINITION, {"tier": "tech"}, {"usage_rate": 0.6996})
    assert result.score == 70.0
    assert result.grade == "healthy"


# why changed


def test_why_changed_sorts_by_effect_and_summarises_in_both_languages() -> None:
    # usage_rate 0.4 -> 0.24: 50 -> 30 points on 45 %, -9.0.
    # open_tickets 2 -> 4: 60 -> 0 points on 20 %, -12.0. Total 68.0 -> 47.0.
    before = score_account(DEFINITION, DEFAULT, ACCOUNT_A)
    after = score_account(DEFINITION, DEFAULT, {**ACCOUNT_A, "usage_rate": 0.24, "open_tickets": 4})
    change = why_changed(before, after)
    assert change.delta == pytest.approx(-21.0)
    assert [factor.metric for factor in change.factors[:2]] == ["open_tickets", "usage_rate"]
    assert change.factors[0].delta == pytest.approx(-12.0)
    assert change.factors[1].delta == pytest.approx(-9.0)
    assert change.summary("en") == "-21.0: Open tickets -12.0, Usage rate -9.0"
    assert change.summary("ja") == "-21.0：未解決チケット -12.0、利用率 -9.0"


def test_why_changed_breaks_ties_by_metric() -> None:
    # NPS 10 -> 7: 100 -> 50 on 10 %, -5.0; csm 5 -> 3: 100 -> 50 on 10 %, -5.0.
    before = score_account(DEFINITION, DEFAULT, ACCOUNT_A)
    after = score_account(DEFINITION, DEFAULT, {**ACCOUNT_A, "latest_nps": 7, "csm_sentiment": 3})
    change = why_changed(before, after)
    assert [factor.metric for factor in change.factors[:2]] == ["csm_sentiment", "latest_nps"]
    assert change.summary("en") == "-10.0: CSM sentiment -5.0, Latest NPS -5.0"
    unchanged = why_changed(before, before)
    assert unchanged.summary("en") == "+0.0"


def test_why_changed_across_profiles_and_without_a_score() -> None:
    before = score_account(DEFINITION, DEFAULT, ACCOUNT_A)
    after = score_account(DEFINITION, {"tier": "tech"}, ACCOUNT_A)
    change = why_changed(before, after)
    # usage_rate exists on both sides (22.5 -> 40); the others drop to 0.
    assert {factor.metric for factor in change.factors} == {
        "usage_rate",
        "days_since_last_activity",
        "open_tickets",
        "latest_nps",
        "csm_sentiment",
    }
    nothing = score_account(DEFINITION, DEFAULT, {})
    assert why_changed(nothing, before).delta is None
    assert why_changed(nothing, before).summary("en") == "No score to compare."
    assert why_changed(nothing, before).summary("ja") == "比較できるスコアがありません。"


# trend


HISTORY: list[tuple[date, float | None]] = [
    (date(2026, 10, 1), 50.0),
    (date(2026, 10, 20), 60.0),
    (date(2026, 10, 25), None),
    (date(2026, 11, 1), 70.0),
    (date(2026, 11, 16), 64.0),
    (date(2026, 11, 23), 58.0),
]


@pytest.mark.parametrize(
    ("window", "as_of", "expected"),
    [
        (7, date(2026, 11, 23), -6.0),  # 11-16 exactly a week earlier
        (30, date(2026, 11, 23), -2.0),  # 10-24 absent: nearest earlier is 10-20
        (29, date(2026, 11, 23), -2.0),  # 10-25 has no score: skipped for 10-20
        (22, date(2026, 11, 23), -12.0),  # 11-01 exactly
        (60, date(2026, 11, 23), None),  # nothing from 07-26 to 09-24
        (7, date(2026, 11, 22), None),  # no score on the as-of date itself
        (5, date(2026, 11, 1), None),  # 10-27 back to 10-22: only the empty 10-25
        (12, date(2026, 11, 1), 10.0),  # 10-20 exactly
        (20, date(2026, 11, 1), 20.0),  # 10-12 absent; 10-01 is within one more window
    ],
)
def test_trend_compares_with_the_nearest_earlier_score_within_one_window(
    window: int, as_of: date, expected: float | None
) -> None:
    assert trend(HISTORY, window, as_of) == expected


# properties

numbers = st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
ratings = st.one_of(st.none(), st.integers(min_value=0, max_value=6), st.text(max_size=3))
accounts = st.fixed_dictionaries(
    {
        "usage_rate": numbers,
        "days_since_last_activity": numbers,
        "open_tickets": numbers,
        "latest_nps": numbers,
        "csm_sentiment": ratings,
    }
)


@given(accounts)
def test_score_is_the_sum_of_contributions_within_0_to_100(
    metrics: dict[str, MetricValue],
) -> None:
    result = score_account(DEFINITION, DEFAULT, metrics)
    if result.exact_score is None:
        assert all(factor.missing for factor in result.factors)
        return
    assert 0 <= result.exact_score <= 100
    assert math.fsum(factor.contribution for factor in result.factors) == pytest.approx(
        result.exact_score, abs=1e-9
    )
    kept = [
        factor.weight_effective
        for factor in result.factors
        if not (factor.missing and factor.policy == "redistribute")
    ]
    assert math.fsum(kept) == pytest.approx(100, abs=1e-9)
    dropped = [
        factor.weight_effective
        for factor in result.factors
        if factor.missing and factor.policy == "redistribute"
    ]
    assert all(weight == 0 for weight in dropped)


@given(
    accounts,
    st.floats(min_value=-10, max_value=10, allow_nan=False),
    st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_raising_a_higher_is_better_value_never_lowers_the_score(
    metrics: dict[str, MetricValue], usage: float, increase: float
) -> None:
    lower = score_account(DEFINITION, DEFAULT, {**metrics, "usage_rate": usage})
    higher = score_account(DEFINITION, DEFAULT, {**metrics, "usage_rate": usage + increase})
    assert lower.exact_score is not None
    assert higher.exact_score is not None
    assert higher.exact_score >= lower.exact_score - 1e-9
