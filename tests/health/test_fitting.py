"""Fitted weights: recovery of known weights from simulated data, the time split, and the
fitted definition written back as YAML."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from hatake.health.definition import default_definition, load_definition
from hatake.health.fitting import (
    NEUTRAL_POINTS,
    NO_EVIDENCE_WEIGHT,
    FitError,
    Sample,
    definition_document,
    definition_metrics,
    feature_matrix,
    fit_weights,
    fitted_definition,
    hand_set_weights,
    time_split,
    weights_from_coefficients,
)

START = date(2025, 1, 1)


def _simulate(
    coefficients: dict[str, float], *, dates: int = 8, accounts: int = 600, seed: int = 7
) -> list[Sample]:
    """Points uniform on 0-100 per factor, churn drawn from a known logistic model."""
    rng = np.random.default_rng(seed)
    samples = []
    for step in range(dates):
        as_of = START + timedelta(days=30 * step)
        points = rng.uniform(0, 100, size=(accounts, len(coefficients)))
        logit = 1.0 + points @ np.array(list(coefficients.values()))
        churned = rng.uniform(size=accounts) < 1 / (1 + np.exp(-logit))
        for index in range(accounts):
            samples.append(
                Sample(
                    account_id=f"A{index:04d}",
                    as_of=as_of,
                    points=dict(zip(coefficients, points[index], strict=True)),
                    churned=bool(churned[index]),
                )
            )
    return samples


def test_the_fit_recovers_known_relative_weights() -> None:
    # usage matters three times as much per point as support; noise matters not at all.
    truth = {"usage": -0.06, "support": -0.02, "noise": 0.0}
    result = fit_weights(_simulate(truth), list(truth))
    weights = result.weights()
    by_metric = {factor.metric: factor for factor in result.factors}
    assert weights["usage"] / weights["support"] == pytest.approx(3.0, rel=0.2)
    assert by_metric["usage"].coefficient == pytest.approx(-0.06, rel=0.2)
    assert by_metric["support"].evidence
    assert by_metric["usage"].evidence
    # The useless factor ends with (almost) nothing: either no evidence, or a sliver.
    assert weights["noise"] <= 3
    assert sum(weights.values()) == pytest.approx(100)


def test_a_factor_going_with_more_churn_gets_no_evidence() -> None:
    truth = {"usage": -0.05, "perverse": 0.03}
    result = fit_weights(_simulate(truth), list(truth))
    perverse = next(factor for factor in result.factors if factor.metric == "perverse")
    assert perverse.coefficient > 0
    assert not perverse.evidence
    assert perverse.weight == NO_EVIDENCE_WEIGHT
    assert result.weights()["usage"] == pytest.approx(100 - NO_EVIDENCE_WEIGHT)


def test_weights_from_coefficients_by_hand() -> None:
    weights = weights_from_coefficients({"a": -0.03, "b": -0.01, "c": 0.02, "d": 0.0})
    # c and d keep 0.5 each; a and b share 99 as 3:1.
    assert weights == {
        "a": (pytest.approx(74.25), True),
        "b": (pytest.approx(24.75), True),
        "c": (NO_EVIDENCE_WEIGHT, False),
        "d": (NO_EVIDENCE_WEIGHT, False),
    }
    with pytest.raises(FitError, match="nothing to weigh"):
        weights_from_coefficients({"a": 0.1, "b": 0.0})


def test_missing_points_enter_as_neutral() -> None:
    samples = [
        Sample("A", START, {"x": 80.0, "y": None}, True),
        Sample("B", START, {"x": 10.0}, False),
    ]
    x, y = feature_matrix(samples, ["x", "y"])
    assert x.tolist() == [[80.0, NEUTRAL_POINTS], [10.0, NEUTRAL_POINTS]]
    assert y.tolist() == [1, 0]


def test_one_class_only_is_refused() -> None:
    samples = [Sample("A", START, {"x": 1.0}, False), Sample("B", START, {"x": 2.0}, False)]
    with pytest.raises(FitError, match="both churned and retained"):
        fit_weights(samples, ["x"])


def test_time_split_keeps_training_labels_out_of_the_test_period() -> None:
    dates = [START + timedelta(days=30 * step) for step in range(10)]
    split = time_split(dates, horizon_days=90, test_share=0.3)
    # Test: the last three dates; the first one is START + 210 days.
    assert split.test == tuple(dates[7:])
    # A training label window (as_of, as_of + 90] must end on or before START + 210:
    # START + 120 is the last such date; +150 and +180 fall in the gap.
    assert split.train == tuple(dates[:5])
    assert split.gap == (dates[5], dates[6])
    assert all(day + timedelta(days=90) <= split.test[0] for day in split.train)
    assert set(split.train).isdisjoint(split.test)


def test_time_split_sorts_and_deduplicates_and_refuses_too_little() -> None:
    dates = [START + timedelta(days=30 * step) for step in (3, 0, 1, 2, 0)]
    split = time_split(dates, horizon_days=30, test_share=0.25)
    assert split.test == (START + timedelta(days=90),)
    assert split.train == tuple(START + timedelta(days=30 * step) for step in (0, 1, 2))
    with pytest.raises(FitError, match="two as-of dates"):
        time_split([START], horizon_days=30)
    with pytest.raises(FitError, match="no training date"):
        time_split([START, START + timedelta(days=30)], horizon_days=90)


def test_hand_set_weights_are_the_default_profiles_effective_shares() -> None:
    definition = default_definition()
    weights = hand_set_weights(definition)
    assert sum(weights.values()) == pytest.approx(100)
    total = sum(g.weight for g in definition.default_profile.groups)
    group = definition.default_profile.groups[0]
    factor = group.factors[0]
    share = factor.weight / sum(f.weight for f in group.factors)
    assert weights[factor.metric] == pytest.approx(100 * group.weight / total * share)


def test_fitted_definition_keeps_everything_but_the_weights_and_reads_back_equal() -> None:
    base = default_definition()
    metrics = definition_metrics(base)
    weights = {metric: float(index + 1) for index, metric in enumerate(metrics)}
    fitted = fitted_definition(base, weights, version="v-fit", name="fitted")
    assert fitted.version == "v-fit"
    assert fitted.grades == base.grades
    for old_profile, new_profile in zip(base.profiles, fitted.profiles, strict=True):
        assert old_profile.rule == new_profile.rule
        assert sum(group.weight for group in new_profile.groups) == pytest.approx(100, abs=0.05)
        for old_group, new_group in zip(old_profile.groups, new_profile.groups, strict=True):
            assert new_group.weight == pytest.approx(
                100
                * sum(weights[f.metric] for f in old_group.factors)
                / sum(weights[f.metric] for g in old_profile.groups for f in g.factors),
                abs=0.01,
            )
            for old, new in zip(old_group.factors, new_group.factors, strict=True):
                assert (new.metric, new.function, new.missing) == (
                    old.metric,
                    old.function,
                    old.missing,
                )
                assert new.weight == weights[old.metric]
    document = definition_document(fitted)
    assert load_definition(document, "fitted.yaml") == fitted
    assert "標準ヘルススコア" in definition_document(base)  # unicode kept, not escaped


def test_tiny_weights_stay_valid() -> None:
    base = default_definition()
    weights = dict.fromkeys(definition_metrics(base), 0.0001)
    fitted = fitted_definition(base, weights, version="v", name="n")
    assert all(
        factor.weight > 0 for profile in fitted.profiles for group in profile.groups
        for factor in group.factors
    )  # fmt: skip
