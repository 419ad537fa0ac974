from __future__ import annotations

import pytest
import yaml

from hatake.core.errors import HatakeError
from hatake.core.i18n import gettext_for
from hatake.health.definition import (
    Categories,
    DefinitionInvalid,
    Linear,
    Thresholds,
    default_definition,
    load_definition,
    validate_metrics,
)
from hatake.health.factors import METRIC_LABELS
from hatake.health.scoring import score_account

SMALL = """
version: "2026-11-23.1"
name: small
grades:
  - {key: healthy, label_ja: 良好, label_en: Healthy, colour: "#2e7d32", min: 70}
  - {key: neutral, label_ja: 注意, label_en: Neutral, colour: "#f9a825", min: 40}
  - {key: at_risk, label_ja: 危険, label_en: At risk, colour: "#c62828", min: 0}
profiles:
  - key: default
    groups:
      - key: usage
        weight: 60
        factors:
          - {metric: usage_rate, weight: 3, function: {kind: linear, worst: 0, best: 0.8}}
          - metric: open_tickets
            weight: 1
            missing: worst
            function: {kind: thresholds, steps: [{min: 0, points: 100}, {min: 3, points: 0}]}
"""


def invalid(document: dict, known: set[str] | None = None) -> DefinitionInvalid:
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(yaml.safe_dump(document, allow_unicode=True), "test.yaml", known)
    return caught.value


def small() -> dict:
    return yaml.safe_load(SMALL)


def test_a_valid_document_loads_into_typed_models() -> None:
    definition = load_definition(SMALL, "small.yaml")
    assert definition.version == "2026-11-23.1"
    assert [grade.key for grade in definition.grades] == ["healthy", "neutral", "at_risk"]
    assert definition.grades[2].label("ja") == "危険"
    assert definition.grades[2].label("en") == "At risk"
    factors = definition.default_profile.groups[0].factors
    assert isinstance(factors[0].function, Linear)
    assert factors[0].missing == "redistribute"  # the default policy
    assert isinstance(factors[1].function, Thresholds)
    assert definition.metrics() == {"usage_rate", "open_tickets"}


def test_a_bad_weight_is_named_by_its_path_in_both_languages() -> None:
    document = small()
    document["profiles"][0]["groups"][0]["factors"][1]["weight"] = 0
    error = invalid(document)
    assert error.status_code == 400
    assert isinstance(error, HatakeError)
    assert error.messages("en") == [
        "profiles[0].groups[0].factors[1].weight: must be greater than 0"
    ]
    assert error.messages("ja") == [
        "profiles[0].groups[0].factors[1].weight: 0 より大きい値にしてください"
    ]
    assert error.render(gettext_for("ja")).splitlines()[0] == (
        "スコア定義 test.yaml に誤りがあります（1 件）。"
    )
    assert error.problem_extra() == {
        "issues": [
            {
                "path": "profiles[0].groups[0].factors[1].weight",
                "message": "profiles[0].groups[0].factors[1].weight: must be greater than 0",
            }
        ]
    }


def test_unordered_grades_and_a_grade_range_not_reaching_zero() -> None:
    document = small()
    document["grades"][1]["min"] = 80
    document["grades"][2]["min"] = 10
    error = invalid(document)
    assert error.messages("en") == [
        "grades[1].min: must be lower than the previous grade's min (70)",
        "grades[2].min: the last grade must start at 0",
    ]
    assert error.messages("ja") == [
        "grades[1].min: 前のグレードの min（70）より小さくしてください",
        "grades[2].min: 最後のグレードの min は 0 にしてください",
    ]


def test_an_unknown_kind_is_named_with_the_kinds_allowed() -> None:
    document = small()
    document["profiles"][0]["groups"][0]["factors"][0]["function"] = {"kind": "sigmoid"}
    error = invalid(document)
    path = "profiles[0].groups[0].factors[0].function"
    assert error.messages("en") == [
        f"{path}: unknown kind sigmoid; expected one of thresholds, linear, categories"
    ]
    assert error.messages("ja") == [
        f"{path}: kind sigmoid は使用できません。"
        "thresholds, linear, categories のいずれかを指定してください"
    ]


def test_errors_inside_a_function_do_not_show_the_union_tag_in_the_path() -> None:
    document = small()
    document["profiles"][0]["groups"][0]["factors"][0]["function"]["best"] = "high"
    document["profiles"][0]["groups"][0]["factors"][1]["missing"] = "ignore"
    error = invalid(document)
    assert error.messages("en") == [
        "profiles[0].groups[0].factors[0].function.best: must be a number",
        "profiles[0].groups[0].factors[1].missing: must be one of redistribute, neutral, worst",
    ]


def test_unknown_metric_is_named_only_against_the_known_set() -> None:
    document = small()
    document["profiles"][0]["groups"][0]["factors"][1]["metric"] = "custom.industry"
    definition = load_definition(yaml.safe_dump(document), "test.yaml")
    validate_metrics(definition, {"usage_rate", "custom.industry"})
    with pytest.raises(DefinitionInvalid) as caught:
        validate_metrics(definition, {"usage_rate"})
    path = "profiles[0].groups[0].factors[1].metric"
    assert caught.value.messages("en") == [f"{path}: unknown metric custom.industry"]
    assert caught.value.messages("ja") == [f"{path}: 指標 custom.industry は登録されていません"]
    assert invalid(document, known={"usage_rate"}).messages("en") == [
        f"{path}: unknown metric custom.industry"
    ]


def test_a_yaml_syntax_error_names_the_line() -> None:
    text = 'version: "1"\nname: broken\ngrades: [\n  {key: a\n'
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(text, "broken.yaml")
    assert caught.value.messages("en")[0].startswith("YAML syntax error at line 5: ")
    assert caught.value.messages("ja")[0].startswith("5 行目に YAML の構文エラーがあります：")


def test_a_document_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition("- just\n- a list\n", "list.yaml")
    assert caught.value.messages("en") == ["the document must be a mapping"]


def test_profiles_need_exactly_one_default_and_rules_that_say_something() -> None:
    document = small()
    document["profiles"][0]["rule"] = {}
    error = invalid(document)
    assert error.messages("en") == [
        "profiles[0].rule: names no tier, stage or plan; leave the rule out for the default "
        "profile",
        "profiles: exactly one profile must have no rule (the default); there is none",
    ]
    document = small()
    second = dict(document["profiles"][0], key="other")
    document["profiles"].append(second)
    assert invalid(document).messages("en") == [
        "profiles[1]: a second profile without a rule; only the default may have none"
    ]


def test_duplicates_and_unordered_steps_are_named() -> None:
    document = small()
    factors = document["profiles"][0]["groups"][0]["factors"]
    factors[1]["metric"] = "usage_rate"
    factors[1]["function"]["steps"] = [{"min": 3, "points": 0}, {"min": 3, "points": 100}]
    error = invalid(document)
    assert error.messages("en") == [
        "profiles[0].groups[0].factors[0].metric: metric usage_rate appears twice in this profile",
        "profiles[0].groups[0].factors[1].metric: metric usage_rate appears twice in this profile",
        "profiles[0].groups[0].factors[1].function.steps[1].min: "
        "must be greater than the previous step's min (3)",
    ]


def test_linear_needs_two_different_ends_and_points_stay_within_0_to_100() -> None:
    document = small()
    factors = document["profiles"][0]["groups"][0]["factors"]
    factors[0]["function"] = {"kind": "linear", "worst": 1, "best": 1}
    factors[1]["function"]["steps"][0]["points"] = 120
    error = invalid(document)
    assert error.messages("en") == [
        "profiles[0].groups[0].factors[1].function.steps[0].points: must be at most 100",
    ]
    factors[1]["function"]["steps"][0]["points"] = 100
    assert invalid(document).messages("en") == [
        "profiles[0].groups[0].factors[0].function.best: must differ from worst"
    ]


def test_a_missing_field_and_an_unknown_field() -> None:
    document = small()
    del document["version"]
    document["colour"] = "red"
    assert invalid(document).messages("ja") == [
        "version: 必須です",
        "colour: 使用できない項目です",
    ]


def test_the_default_definition_loads_and_knows_every_metric_it_uses() -> None:
    definition = default_definition()
    validate_metrics(definition, set(METRIC_LABELS))
    assert [profile.key for profile in definition.profiles] == ["tech_touch", "default"]
    assert any(
        isinstance(factor.function, Categories)
        for group in definition.default_profile.groups
        for factor in group.factors
    )


HEALTHY = {
    "usage_rate": 0.75,
    "usage_trend": 0.05,
    "days_since_last_activity": 1,
    "feature_breadth": 4,
    "onboarding_milestones": 5,
    "open_tickets": 1,
    "tickets_unresolved_over_n_days": 0,
    "days_since_meaningful_touch": 20,
    "champion_present": 1,
    "csm_sentiment": 4,
    "latest_nps": 9,
    "mrr_change_90d": 0,
    "seat_utilisation": 0.8,
}
INACTIVE = {
    "usage_rate": 0.05,
    "usage_trend": -0.5,
    "days_since_last_activity": 45,
    "feature_breadth": 0,
    "onboarding_milestones": 2,
    "open_tickets": 4,
    "tickets_unresolved_over_n_days": 2,
    "days_since_meaningful_touch": 60,
    "champion_present": 0,
    "csm_sentiment": 2,
    "latest_nps": 3,
    "mrr_change_90d": 0,
    "seat_utilisation": 0.5,
}


@pytest.mark.parametrize("tier", ["tech_touch", "high_touch", None])
def test_the_default_separates_a_healthy_account_from_an_inactive_one(tier: str | None) -> None:
    definition = default_definition()
    healthy = score_account(definition, {"tier": tier}, HEALTHY)
    inactive = score_account(definition, {"tier": tier}, INACTIVE)
    assert healthy.score is not None
    assert healthy.score >= 70
    assert healthy.grade == "healthy"
    assert inactive.score is not None
    assert inactive.score < 40
    assert inactive.grade == "at_risk"
    assert healthy.profile == ("tech_touch" if tier == "tech_touch" else "default")
