"""Pure scoring: points per factor, weights after missing data, score, grade, change, trend.

No I/O here: the refresh feeds metric values in and stores what comes out, so every number
can be checked by hand in tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from hatake.core.i18n import gettext_for
from hatake.health.definition import (
    Categories,
    Definition,
    Factor,
    Grade,
    Linear,
    MissingPolicy,
    Profile,
    Thresholds,
)
from hatake.health.factors import METRIC_LABELS

MetricValue = float | str | None
NEUTRAL_POINTS = 50.0
WORST_POINTS = 0.0
NO_SCORE = "No score to compare."
# Punctuation of the change summary: (after the total, between factors).
SUMMARY_PUNCTUATION: Mapping[str, tuple[str, str]] = {"ja": ("：", "、"), "en": (": ", ", ")}


@dataclass(frozen=True)
class FactorResult:
    """One factor of one score. `weight_effective` is the factor's share of 100 after missing
    data was redistributed; `points` is None only for a factor whose weight was dropped."""

    metric: str
    group: str
    raw_value: MetricValue
    points: float | None
    weight_effective: float
    contribution: float
    missing: bool
    policy: MissingPolicy


@dataclass(frozen=True)
class ScoreResult:
    """`exact_score` is None when no factor had a value: nothing is known, so no score and no
    grade rather than a made-up neutral 50."""

    definition_version: str
    profile: str
    exact_score: float | None
    grade: str | None
    factors: tuple[FactorResult, ...]

    @property
    def score(self) -> float | None:
        return None if self.exact_score is None else round(self.exact_score, 1)


@dataclass(frozen=True)
class FactorChange:
    metric: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Change:
    before: float | None
    after: float | None
    factors: tuple[FactorChange, ...]

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    def summary(self, locale: str) -> str:
        """`-18.0: usage trend -12.0, open tickets -6.0`; factors that round to 0.0 are left
        out because they explain nothing."""
        gettext = gettext_for(locale)
        if self.delta is None:
            return gettext(NO_SCORE)
        after_total, between = SUMMARY_PUNCTUATION.get(locale, SUMMARY_PUNCTUATION["en"])
        parts = [
            f"{metric_label(change.metric, locale)} {change.delta:+.1f}"
            for change in self.factors
            if round(change.delta, 1) != 0
        ]
        total = f"{self.delta:+.1f}"
        return f"{total}{after_total}{between.join(parts)}" if parts else total


def metric_label(metric: str, locale: str) -> str:
    label = METRIC_LABELS.get(metric)
    return gettext_for(locale)(label) if label else metric


def points_for(function: Thresholds | Linear | Categories, value: float | str) -> float:
    """Points 0..100 for one value. Numeric functions raise ValueError for a non-number."""
    if isinstance(function, Categories):
        return function.points.get(_category(value), function.default)
    number = _number(value)
    if isinstance(function, Linear):
        share = (number - function.worst) / (function.best - function.worst)
        return 100.0 * min(1.0, max(0.0, share))
    points = function.below
    for step in function.steps:
        if number < step.min:
            break
        points = step.points
    return points


def select_profile(definition: Definition, attributes: Mapping[str, str | None]) -> Profile:
    """The first profile in document order whose rule matches, else the default."""
    for profile in definition.profiles:
        if profile.rule is not None and profile.rule.matches(attributes):
            return profile
    return definition.default_profile


def grade_for(definition: Definition, score: float | None) -> Grade | None:
    if score is None:
        return None
    return next(grade for grade in definition.grades if score >= grade.min)


def score_account(
    definition: Definition,
    attributes: Mapping[str, str | None],
    metrics: Mapping[str, MetricValue],
) -> ScoreResult:
    """Factor weight = group share x factor share within the group. `redistribute` drops a
    missing factor and renormalises within its group, or across groups when the whole group
    is gone; `neutral` and `worst` keep the weight at 50 or 0 points."""
    profile = select_profile(definition, attributes)
    groups = [
        (
            group.weight,
            [_entry(group.key, factor, metrics.get(factor.metric)) for factor in group.factors],
        )
        for group in profile.groups
    ]
    anything_present = any(not entry.missing for _weight, entries in groups for entry in entries)
    kept_group_weight = sum(weight for weight, entries in groups if _kept_weight(entries) > 0)
    results: list[FactorResult] = []
    for group_weight, entries in groups:
        group_kept = _kept_weight(entries)
        for entry in entries:
            effective = 0.0
            if anything_present and entry.points is not None:
                effective = 100.0 * (group_weight / kept_group_weight) * (entry.weight / group_kept)
            results.append(
                FactorResult(
                    metric=entry.metric,
                    group=entry.group,
                    raw_value=entry.value,
                    points=entry.points if anything_present else None,
                    weight_effective=effective,
                    contribution=(entry.points or 0.0) * effective / 100.0,
                    missing=entry.missing,
                    policy=entry.policy,
                )
            )
    exact = None
    if anything_present:
        # Clamped only against float rounding (100.00000000000001); the sum is the score.
        exact = min(100.0, max(0.0, sum(result.contribution for result in results)))
    grade = grade_for(definition, None if exact is None else round(exact, 1))
    return ScoreResult(
        definition_version=definition.version,
        profile=profile.key,
        exact_score=exact,
        grade=grade.key if grade else None,
        factors=tuple(results),
    )


def why_changed(before: ScoreResult, after: ScoreResult) -> Change:
    """Contribution deltas per metric, largest effect first (ties by metric). A metric present
    on one side only (the profile or the definition changed) counts as 0 on the other."""
    old = {factor.metric: factor.contribution for factor in before.factors}
    new = {factor.metric: factor.contribution for factor in after.factors}
    changes = [
        FactorChange(metric, old.get(metric, 0.0), new.get(metric, 0.0))
        for metric in old.keys() | new.keys()
    ]
    changes.sort(key=lambda change: (-abs(change.delta), change.metric))
    return Change(before=before.exact_score, after=after.exact_score, factors=tuple(changes))


def trend(
    history: Sequence[tuple[date, float | None]], window_days: int, as_of: date
) -> float | None:
    """Score on `as_of` minus the score `window_days` earlier. When that day has no score the
    nearest earlier one is used, looking back at most one more window so a 7-day trend never
    silently compares with last quarter. None when either end is absent."""
    scores = {day: score for day, score in history if score is not None}
    current = scores.get(as_of)
    if current is None:
        return None
    target = as_of - timedelta(days=window_days)
    for back in range(window_days + 1):
        baseline = scores.get(target - timedelta(days=back))
        if baseline is not None:
            return current - baseline
    return None


@dataclass(frozen=True)
class _Entry:
    metric: str
    group: str
    value: MetricValue
    weight: float
    points: float | None
    missing: bool
    policy: MissingPolicy


def _entry(group: str, factor: Factor, value: MetricValue) -> _Entry:
    points = _points_or_none(factor.function, value)
    missing = points is None
    if missing and factor.missing == "neutral":
        points = NEUTRAL_POINTS
    elif missing and factor.missing == "worst":
        points = WORST_POINTS
    return _Entry(factor.metric, group, value, factor.weight, points, missing, factor.missing)


def _kept_weight(entries: list[_Entry]) -> float:
    return sum(entry.weight for entry in entries if entry.points is not None)


def _points_or_none(function: Thresholds | Linear | Categories, value: MetricValue) -> float | None:
    # A value the function cannot read (text for a numeric factor, NaN) is treated as missing,
    # so one bad custom field degrades one factor instead of failing the whole refresh.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return points_for(function, value)
    except ValueError:
        return None


def _number(value: float | str) -> float:
    number = float(value)
    if math.isnan(number):
        raise ValueError("NaN has no points")
    return number


def _category(value: float | str) -> str:
    if isinstance(value, str):
        return value
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)
