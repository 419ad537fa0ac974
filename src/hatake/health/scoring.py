"""Pure scoring: points per factor, weights after missing data, score, grade, change, trend.

No I/O here: the refresh feeds metric values in and stores what comes out, so every number
can be checked by hand in tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from hatake.core.i18n import gettext_for
from hatake.health.definition import (
    RULE_ATTRIBUTES,
    Categories,
    Definition,
    Grade,
    Linear,
    MissingPolicy,
    Profile,
    Thresholds,
)
from hatake.health.factors import METRIC_LABELS, plain

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
    points = points_array(function, np.array([value], dtype=object))[0]
    if np.isnan(points):
        raise ValueError(f"{value!r} is not a number")
    return float(points)


def points_array(function: Thresholds | Linear | Categories, values: np.ndarray) -> np.ndarray:
    """Points per value; NaN where the value is missing or the function cannot read it (text
    for a numeric factor), so one bad custom field degrades one factor, not the refresh."""
    if isinstance(function, Categories):
        labels = _categories(values)
        points = np.full(len(values), function.default, dtype=float)
        for category, category_points in function.points.items():
            points[labels == category] = category_points
        points[labels == None] = np.nan  # noqa: E711 (element-wise comparison)
        return points
    numbers = _numbers(values)
    if isinstance(function, Linear):
        share = (numbers - function.worst) / (function.best - function.worst)
        return 100.0 * np.clip(share, 0.0, 1.0)
    points = np.full(len(numbers), float(function.below))
    for step in function.steps:
        points = np.where(numbers >= step.min, step.points, points)
    return np.where(np.isnan(numbers), np.nan, points)


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


@dataclass(frozen=True)
class FactorColumn:
    """One factor of one profile for the rows that profile scored (`rows` indexes them)."""

    rows: np.ndarray
    metric: str
    group: str
    policy: MissingPolicy
    raw: np.ndarray
    points: np.ndarray  # NaN where the weight was dropped or nothing at all was known
    weight: np.ndarray
    contribution: np.ndarray
    missing: np.ndarray


@dataclass(frozen=True)
class ScoreColumns:
    """Scores of many rows at once: NaN score and None grade where nothing was known."""

    definition_version: str
    profile: np.ndarray
    score: np.ndarray
    grade: np.ndarray
    factors: tuple[FactorColumn, ...]

    def result(self, row: int) -> ScoreResult:
        exact = None if np.isnan(self.score[row]) else float(self.score[row])
        factors = []
        for column in self.factors:
            at = np.searchsorted(column.rows, row)
            if at >= len(column.rows) or column.rows[at] != row:
                continue
            points = column.points[at]
            factors.append(
                FactorResult(
                    metric=column.metric,
                    group=column.group,
                    raw_value=plain(column.raw[at]),
                    points=None if np.isnan(points) else float(points),
                    weight_effective=float(column.weight[at]),
                    contribution=float(column.contribution[at]),
                    missing=bool(column.missing[at]),
                    policy=column.policy,
                )
            )
        return ScoreResult(
            definition_version=self.definition_version,
            profile=str(self.profile[row]),
            exact_score=exact,
            grade=self.grade[row],
            factors=tuple(factors),
        )


def profile_rows(
    definition: Definition, attributes: Mapping[str, np.ndarray], count: int
) -> dict[str, np.ndarray]:
    """Row indexes per profile key: the first profile in document order whose rule matches,
    else the default."""
    unassigned = np.ones(count, dtype=bool)
    chosen: dict[str, np.ndarray] = {}
    for profile in definition.profiles:
        if profile.rule is None:
            continue
        matches = unassigned.copy()
        for name in RULE_ATTRIBUTES:
            allowed = getattr(profile.rule, name)
            if allowed is not None:
                values = attributes.get(name, np.full(count, None, dtype=object))
                matches &= np.isin(np.asarray(values, dtype=object), allowed)
        chosen[profile.key] = np.flatnonzero(matches)
        unassigned &= ~matches
    chosen[definition.default_profile.key] = np.flatnonzero(unassigned)
    return chosen


def score_columns(
    definition: Definition,
    attributes: Mapping[str, np.ndarray],
    metrics: Mapping[str, np.ndarray],
    count: int,
) -> ScoreColumns:
    """Factor weight = group share x factor share within the group. `redistribute` drops a
    missing factor and renormalises within its group, or across groups when the whole group
    is gone; `neutral` and `worst` keep the weight at 50 or 0 points."""
    profile = np.empty(count, dtype=object)
    score = np.full(count, np.nan)
    factors: list[FactorColumn] = []
    profiles = {item.key: item for item in definition.profiles}
    for key, rows in profile_rows(definition, attributes, count).items():
        profile[rows] = key
        if len(rows):
            score[rows], columns = _score_profile(profiles[key], metrics, rows)
            factors += columns
    rounded = np.round(score, 1)
    grade = np.full(count, None, dtype=object)
    for item in reversed(definition.grades):
        grade[rounded >= item.min] = item.key
    return ScoreColumns(
        definition_version=definition.version,
        profile=profile,
        score=score,
        grade=grade,
        factors=tuple(factors),
    )


def _score_profile(
    profile: Profile, metrics: Mapping[str, np.ndarray], rows: np.ndarray
) -> tuple[np.ndarray, list[FactorColumn]]:
    n = len(rows)
    entries = []  # (group, group weight, factor, raw values, points after the policy, missing)
    for group in profile.groups:
        for factor in group.factors:
            column = metrics.get(factor.metric)
            raw = np.full(n, None, dtype=object) if column is None else np.asarray(column)[rows]
            points = points_array(factor.function, raw)
            missing = np.isnan(points)
            if factor.missing == "neutral":
                points = np.where(missing, NEUTRAL_POINTS, points)
            elif factor.missing == "worst":
                points = np.where(missing, WORST_POINTS, points)
            entries.append((group, factor, raw, points, missing))
    anything_present = np.zeros(n, dtype=bool)
    for _group, _factor, _raw, _points, missing in entries:
        anything_present |= ~missing
    group_kept: dict[str, np.ndarray] = {}
    for group, factor, _raw, points, _missing in entries:
        kept = group_kept.setdefault(group.key, np.zeros(n))
        group_kept[group.key] = kept + np.where(np.isnan(points), 0.0, factor.weight)
    kept_group_weight = np.zeros(n)
    for group in profile.groups:
        kept_group_weight = kept_group_weight + np.where(
            group_kept[group.key] > 0, group.weight, 0.0
        )
    total = np.zeros(n)
    columns = []
    with np.errstate(divide="ignore", invalid="ignore"):
        for group, factor, raw, points, missing in entries:
            counted = anything_present & ~np.isnan(points)
            share = (group.weight / kept_group_weight) * (factor.weight / group_kept[group.key])
            effective = np.where(counted, 100.0 * share, 0.0)
            shown = np.where(anything_present, points, np.nan)
            contribution = np.nan_to_num(shown, nan=0.0) * effective / 100.0
            total = total + contribution
            columns.append(
                FactorColumn(
                    rows=rows,
                    metric=factor.metric,
                    group=group.key,
                    policy=factor.missing,
                    raw=raw,
                    points=shown,
                    weight=effective,
                    contribution=contribution,
                    missing=missing,
                )
            )
    # Clamped only against float rounding (100.00000000000001); the sum is the score.
    score = np.where(anything_present, np.clip(total, 0.0, 100.0), np.nan)
    return score, columns


def score_account(
    definition: Definition,
    attributes: Mapping[str, str | None],
    metrics: Mapping[str, MetricValue],
) -> ScoreResult:
    """One account's score, through the same column code as a whole refresh."""
    columns = score_columns(
        definition,
        {name: np.array([value], dtype=object) for name, value in attributes.items()},
        {name: np.array([value], dtype=object) for name, value in metrics.items()},
        1,
    )
    return columns.result(0)


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


def _numbers(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return values
    numbers = np.full(len(values), np.nan)
    for index, value in enumerate(values):
        if value is None:
            continue
        try:
            numbers[index] = float(value)
        except ValueError:
            continue
    return numbers


def _categories(values: np.ndarray) -> np.ndarray:
    """Category labels; whole numbers by their decimal text, so a 1-5 rating matches "1"."""
    if values.dtype.kind == "f":
        labels = np.full(len(values), None, dtype=object)
        known = ~np.isnan(values)
        labels[known] = [_number_label(value) for value in values[known]]
        return labels
    return np.array(
        [
            value if value is None or isinstance(value, str) else _number_label(float(value))
            for value in values
        ],
        dtype=object,
    )


def _number_label(number: float) -> str | None:
    if np.isnan(number):
        return None
    return str(int(number)) if float(number).is_integer() else str(float(number))
