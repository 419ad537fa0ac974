"""Fitted weights: learn factor weights from the team's own churn history. Pure, no I/O.

Each sample is one account on one as-of date: the points (0-100) each factor gave it under the
current definition, and whether it churned within the horizon that followed. A regularised
logistic regression of churn on those points says how much each point of each factor moved
the odds of churn; a factor whose points go with less churn earns weight in proportion to that
effect. The method, its split and its limits are described in docs/health-fit.md.

Decisions, each tested:

* A missing factor (no data, or a weight the definition dropped) enters at the neutral 50
  points, so "no data" neither helps nor hurts and does not bias the coefficient of the data
  that exists.
* Time-ordered split: the earliest as-of dates train and the latest test. A training date
  whose label window (as_of, as_of + horizon] would reach past the first test date is left
  out (the "gap"), so no training label was decided by anything that happened in the test
  period.
* The regularisation strength C is chosen by cross-validation on the training dates only,
  folds made of whole as-of dates (one account's successive dates are near copies of each
  other, so splitting a date across folds would flatter every C alike).
* weight ∝ max(0, −coefficient): more points must mean less churn. A factor whose coefficient
  is zero or positive has **no evidence** in this history; it keeps a token weight
  (NO_EVIDENCE_WEIGHT of 100) because a definition needs a positive weight for every factor,
  and is flagged so pages and the CLI say so. Removing it stays the team's decision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss

from hatake.health.definition import Definition

NEUTRAL_POINTS = 50.0
# Share of 100 kept by a factor without evidence; small enough not to move a score by more
# than half a point, large enough to stay a valid (positive) weight.
NO_EVIDENCE_WEIGHT = 0.5
# Inverse regularisation strengths tried. Points run 0-100, so a coefficient of a few
# hundredths per point is already a strong effect; the grid reaches down to priors that hold
# every coefficient near 0.
C_GRID: tuple[float, ...] = tuple(float(c) for c in np.logspace(-6, 2, 17))
MAX_FOLDS = 5
# Newton steps with a Cholesky solve: exact and fast for a dozen features, and unlike lbfgs it
# does not crawl when 0-100 features meet a weak penalty.
SOLVER = "newton-cholesky"
MAX_ITER = 200
WEIGHT_DECIMALS = 2
MIN_WEIGHT = 10**-WEIGHT_DECIMALS


class FitError(ValueError):
    """The history cannot support a fit; the message says why (English, for logs and tests)."""


@dataclass(frozen=True)
class Sample:
    account_id: str
    as_of: date
    points: Mapping[str, float | None]  # metric -> 0..100; None (or absent) means missing
    churned: bool


@dataclass(frozen=True)
class TimeSplit:
    train: tuple[date, ...]
    gap: tuple[date, ...]  # left out: their label windows reach into the test period
    test: tuple[date, ...]


@dataclass(frozen=True)
class FactorFit:
    metric: str
    coefficient: float  # change in log-odds of churn per point (0-100) of this factor
    weight: float  # share of 100
    evidence: bool  # False: coefficient >= 0, the history gives no reason to weigh it


@dataclass(frozen=True)
class FitResult:
    factors: tuple[FactorFit, ...]
    intercept: float
    c: float
    cv_log_loss: float | None  # mean held-out log loss at the chosen C (None: no CV possible)
    samples: int
    churned: int

    def weights(self) -> dict[str, float]:
        return {factor.metric: factor.weight for factor in self.factors}


def time_split(dates: Sequence[date], horizon_days: int, test_share: float = 0.3) -> TimeSplit:
    """Latest ``test_share`` of the as-of dates (at least one) test; earlier dates train when
    ``as_of + horizon_days <= first test date``, the others fall in the gap."""
    ordered = sorted(set(dates))
    if len(ordered) < 2:
        raise FitError("need at least two as-of dates to train on one and test on another")
    if not 0 < test_share < 1:
        raise FitError("test_share must be between 0 and 1")
    test_count = max(1, math.ceil(len(ordered) * test_share))
    test = ordered[-test_count:]
    first_test = test[0]
    earlier = ordered[:-test_count]
    train = [day for day in earlier if (first_test - day).days >= horizon_days]
    gap = [day for day in earlier if (first_test - day).days < horizon_days]
    if not train:
        raise FitError(
            "no training date ends its label window before the test period starts; "
            "widen the date range or shorten the horizon"
        )
    return TimeSplit(train=tuple(train), gap=tuple(gap), test=tuple(test))


def feature_matrix(samples: Sequence[Sample], metrics: Sequence[str]) -> tuple[Any, Any]:
    """X (samples x metrics, points with missing as NEUTRAL_POINTS) and y (1 = churned)."""
    x = np.array(
        [
            [
                NEUTRAL_POINTS if sample.points.get(metric) is None else sample.points[metric]
                for metric in metrics
            ]
            for sample in samples
        ],
        dtype=float,
    ).reshape(len(samples), len(metrics))
    y = np.array([sample.churned for sample in samples], dtype=int)
    return x, y


def fit_weights(
    samples: Sequence[Sample],
    metrics: Sequence[str],
    *,
    c_grid: Sequence[float] = C_GRID,
) -> FitResult:
    """L2-regularised logistic regression of churn on factor points, C by date-grouped CV.

    No standardisation: every feature is already on the same 0-100 points scale, which is the
    scale the weights act on, so coefficient ratios are directly weight ratios and the L2
    penalty treats every factor's per-point effect alike. Standardising would only make us
    convert back, and would shrink a factor with a narrow spread of points harder per point.
    """
    if not samples:
        raise FitError("no samples to fit")
    if not metrics:
        raise FitError("no factors to fit")
    x, y = feature_matrix(samples, metrics)
    churned = int(y.sum())
    if churned == 0 or churned == len(y):
        raise FitError("the training period needs both churned and retained accounts")
    groups = np.array([sample.as_of.toordinal() for sample in samples])
    best_c, best_loss = _choose_c(x, y, groups, c_grid)
    model = LogisticRegression(C=best_c, l1_ratio=0.0, solver=SOLVER, max_iter=MAX_ITER).fit(x, y)
    coefficients = {
        metric: float(value) for metric, value in zip(metrics, model.coef_[0], strict=True)
    }
    weights = weights_from_coefficients(coefficients)
    return FitResult(
        factors=tuple(
            FactorFit(
                metric=metric,
                coefficient=coefficients[metric],
                weight=weights[metric][0],
                evidence=weights[metric][1],
            )
            for metric in metrics
        ),
        intercept=float(model.intercept_[0]),
        c=best_c,
        cv_log_loss=best_loss,
        samples=len(y),
        churned=churned,
    )


def weights_from_coefficients(coefficients: Mapping[str, float]) -> dict[str, tuple[float, bool]]:
    """metric -> (share of 100, evidence). Factors with a negative coefficient share what the
    no-evidence factors leave, in proportion to −coefficient."""
    strength = {metric: max(0.0, -coef) for metric, coef in coefficients.items()}
    evident = [metric for metric, value in strength.items() if value > 0]
    if not evident:
        raise FitError("no factor's points went with less churn; nothing to weigh")
    left = 100.0 - NO_EVIDENCE_WEIGHT * (len(coefficients) - len(evident))
    total = sum(strength[metric] for metric in evident)
    return {
        metric: (left * strength[metric] / total, True)
        if metric in evident
        else (NO_EVIDENCE_WEIGHT, False)
        for metric in coefficients
    }


def hand_set_weights(definition: Definition) -> dict[str, float]:
    """Each factor's nominal share of 100 in the default profile (group share x factor share),
    before any missing data is redistributed."""
    groups = definition.default_profile.groups
    total = sum(group.weight for group in groups)
    weights: dict[str, float] = {}
    for group in groups:
        group_total = sum(factor.weight for factor in group.factors)
        for factor in group.factors:
            weights[factor.metric] = 100.0 * group.weight / total * factor.weight / group_total
    return weights


def definition_metrics(definition: Definition) -> list[str]:
    """Every metric of the definition, default profile first, in document order."""
    ordered: list[str] = []
    profiles = [definition.default_profile] + [
        profile for profile in definition.profiles if profile.rule is not None
    ]
    for profile in profiles:
        for group in profile.groups:
            for factor in group.factors:
                if factor.metric not in ordered:
                    ordered.append(factor.metric)
    return ordered


def fitted_definition(
    definition: Definition, weights: Mapping[str, float], *, version: str, name: str
) -> Definition:
    """The same grades, profiles, groups and scoring functions with fitted weights: a factor's
    weight is its metric's fitted weight; a group's is the sum of its factors', normalised to
    100 within the profile. So a factor's effective share is its fitted share renormalised
    over the metrics its profile has."""
    data = definition.model_dump(mode="json", exclude_defaults=False)
    data["version"] = version
    data["name"] = name
    for profile in data["profiles"]:
        sums = []
        for group in profile["groups"]:
            for factor in group["factors"]:
                factor["weight"] = _rounded(weights[factor["metric"]])
            sums.append(sum(factor["weight"] for factor in group["factors"]))
        total = sum(sums)
        for group, group_sum in zip(profile["groups"], sums, strict=True):
            group["weight"] = _rounded(100.0 * group_sum / total)
    return Definition.model_validate(data, context={"source": version})


def definition_document(definition: Definition) -> str:
    """YAML that `load_definition` reads back into an equal Definition."""
    header = f"# {definition.name}\n# Fitted by `hatake fit`; weights from logistic regression.\n"
    body = yaml.safe_dump(
        definition.model_dump(mode="json", exclude_defaults=False),
        allow_unicode=True,
        sort_keys=False,
    )
    return header + body


def _rounded(value: float) -> float:
    return max(MIN_WEIGHT, round(value, WEIGHT_DECIMALS))


def _choose_c(x: Any, y: Any, groups: Any, c_grid: Sequence[float]) -> tuple[float, float | None]:
    """The C with the lowest mean held-out log loss, folds of whole as-of dates (or of
    accounts, interleaved, when the training part has a single date)."""
    folds = _folds(y, groups)
    if not folds:
        return float(c_grid[len(c_grid) // 2]), None
    best: tuple[float, float] | None = None
    for c in c_grid:
        losses = []
        for train_index, held_index in folds:
            model = LogisticRegression(C=c, l1_ratio=0.0, solver=SOLVER, max_iter=MAX_ITER)
            model.fit(x[train_index], y[train_index])
            probabilities = model.predict_proba(x[held_index])[:, 1]
            losses.append(log_loss(y[held_index], probabilities, labels=[0, 1]))
        loss = float(np.mean(losses))
        # Ties go to the stronger regularisation (smaller C, tried first).
        if best is None or loss < best[1] - 1e-12:
            best = (float(c), loss)
    assert best is not None
    return best


def _folds(y: Any, groups: Any) -> list[tuple[Any, Any]]:
    distinct = np.unique(groups)
    if len(distinct) >= 2:
        fold_of = {day: index % min(MAX_FOLDS, len(distinct)) for index, day in enumerate(distinct)}
        labels = np.array([fold_of[day] for day in groups])
    else:
        labels = np.arange(len(y)) % MAX_FOLDS
    folds = []
    for fold in np.unique(labels):
        held = np.flatnonzero(labels == fold)
        train = np.flatnonzero(labels != fold)
        # A fold whose training part lacks a class cannot be fitted; skip it.
        if len(np.unique(y[train])) == 2 and len(held):
            folds.append((train, held))
    return folds
