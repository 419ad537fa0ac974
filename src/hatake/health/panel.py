"""The health section of the account page: latest score, its explanation, history (every
definition version, the days it changed marked), and why the score changed between two days."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ibis.backends.duckdb import Backend as DuckDBBackend

from hatake.core.errors import InvalidInput
from hatake.health import snapshots
from hatake.health.definition import Definition, Grade
from hatake.health.factors import FACTORS_BY_SLUG
from hatake.health.scoring import (
    FactorResult,
    MetricValue,
    ScoreResult,
    metric_label,
    trend,
    why_changed,
)

CHANGE_WINDOW_DAYS = 30
TREND_WINDOWS = (7, 30, 90)


@dataclass(frozen=True)
class FactorLine:
    label: str
    unit: str  # "ratio" values are shown as percentages
    raw_value: float | str | None
    points: float | None
    weight: float
    contribution: float
    missing: bool


@dataclass(frozen=True)
class HistoryPoint:
    """The score stored for one day. When a day was scored with several definition versions
    the one given as preferred (the active definition) is shown, else the last stored."""

    as_of: date
    version: str
    score: float | None
    grade: str | None
    profile: str | None


@dataclass(frozen=True)
class HealthPanel:
    as_of: date
    result: ScoreResult
    grade: Grade | None
    factors: list[FactorLine]
    change_summary: str | None
    change_since: date | None
    trends: dict[int, float | None]
    history: dict[str, list[Any]]
    points: list[HistoryPoint]

    @property
    def default_change_range(self) -> tuple[date, date]:
        """What the why-changed form opens with: 30 days before the latest score, and it."""
        return self.as_of - timedelta(days=CHANGE_WINDOW_DAYS), self.as_of


@dataclass(frozen=True)
class ChangeLine:
    """One factor in a comparison of two days; a metric absent on one side counts as 0."""

    metric: str
    label: str
    unit: str
    contribution_before: float
    contribution_after: float
    raw_before: MetricValue
    raw_after: MetricValue
    missing_before: bool
    missing_after: bool

    @property
    def delta(self) -> float:
        return self.contribution_after - self.contribution_before


@dataclass(frozen=True)
class ScoredDay:
    requested: date
    point: HistoryPoint
    result: ScoreResult

    @property
    def fallback(self) -> bool:
        """True when the requested day had no score and an earlier day stands in."""
        return self.point.as_of != self.requested


@dataclass(frozen=True)
class Comparison:
    day_from: date
    day_to: date
    before: ScoredDay | None
    after: ScoredDay | None
    summary: str | None
    lines: list[ChangeLine]

    @property
    def versions_differ(self) -> bool:
        if self.before is None or self.after is None:
            return False
        return self.before.point.version != self.after.point.version

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if self.before.result.exact_score is None or self.after.result.exact_score is None:
            return None
        return self.after.result.exact_score - self.before.result.exact_score


class ChangeRangeInvalid(InvalidInput):
    message_key = "The dates are not valid."


def history_points(
    con: DuckDBBackend, account_id: str, preferred_version: str | None = None
) -> list[HistoryPoint]:
    """One stored score per day, oldest first, across every definition version."""
    by_day: dict[date, dict[str, object]] = {}
    for row in snapshots.account_history(con, account_id):
        day: date = row["as_of"]  # type: ignore[assignment]
        kept = by_day.get(day)
        if kept is None or kept["definition_version"] != preferred_version:
            by_day[day] = row
    return [
        HistoryPoint(
            as_of=day,
            version=str(row["definition_version"]),
            score=row["score"],  # type: ignore[arg-type]
            grade=row["grade"],  # type: ignore[arg-type]
            profile=row["profile"],  # type: ignore[arg-type]
        )
        for day, row in sorted(by_day.items())
    ]


def point_on_or_before(points: Sequence[HistoryPoint], day: date) -> HistoryPoint | None:
    earlier = [point for point in points if point.as_of <= day]
    return earlier[-1] if earlier else None


def account_panel(
    con: DuckDBBackend, account_id: str, definition: Definition, locale: str
) -> HealthPanel | None:
    """None until `hatake refresh` has scored the account."""
    points = history_points(con, account_id, definition.version)
    if not points:
        return None
    latest = points[-1]
    as_of = latest.as_of
    result = snapshots.stored_result(con, account_id, as_of, latest.version)
    if result is None:
        return None
    baseline = point_on_or_before(points, as_of - timedelta(days=CHANGE_WINDOW_DAYS))
    change_summary = change_since = None
    if baseline is not None:
        before = snapshots.stored_result(con, account_id, baseline.as_of, baseline.version)
        if before is not None:
            change_since = baseline.as_of
            change_summary = why_changed(before, result).summary(locale)
    grades = {grade.key: grade for grade in definition.grades}
    series = [(point.as_of, point.score) for point in points]
    return HealthPanel(
        as_of=as_of,
        result=result,
        grade=grades.get(result.grade) if result.grade else None,
        factors=[_factor_line(factor, locale) for factor in result.factors],
        change_summary=change_summary,
        change_since=change_since,
        trends={days: trend(series, days, as_of) for days in TREND_WINDOWS},
        history=chart_data(points, definition, locale),
        points=points,
    )


def chart_data(
    points: Sequence[HistoryPoint], definition: Definition, locale: str
) -> dict[str, list[Any]]:
    """What health-chart.js draws: one entry per calendar day from the first score to the
    last (None on days without a score, so a gap shows as a gap rather than as one day's
    step), each day's version, the days a new version took over, and the grade bands (lowest
    first)."""
    by_day = {point.as_of: point for point in points}
    days = (
        [
            points[0].as_of + timedelta(days=n)
            for n in range((points[-1].as_of - points[0].as_of).days + 1)
        ]
        if points
        else []
    )
    position = {day: index for index, day in enumerate(days)}
    marks = [
        {"index": position[point.as_of], "label": point.as_of.isoformat(), "version": point.version}
        for earlier, point in itertools.pairwise(points)
        if point.version != earlier.version
    ]
    bands: list[dict[str, Any]] = []
    upper = 100.0
    for grade in sorted(definition.grades, key=lambda grade: -grade.min):
        bands.append(
            {"min": grade.min, "max": upper, "colour": grade.colour, "label": grade.label(locale)}
        )
        upper = grade.min
    return {
        "labels": [day.isoformat() for day in days],
        "scores": [by_day[day].score if day in by_day else None for day in days],
        "versions": [by_day[day].version if day in by_day else None for day in days],
        "version_marks": marks,
        "bands": list(reversed(bands)),
    }


def compare_days(
    con: DuckDBBackend,
    account_id: str,
    day_from: date,
    day_to: date,
    *,
    definition: Definition,
    locale: str,
    points: Sequence[HistoryPoint] | None = None,
) -> Comparison:
    """Why the score changed from ``day_from`` to ``day_to``: each day's own stored score (the
    nearest earlier stored day when that day has none), with every factor's contribution and
    raw value on both days, largest effect first."""
    if day_from > day_to:
        raise ChangeRangeInvalid(
            "The first date ({day_from}) is after the second ({day_to}).",
            day_from=day_from.isoformat(),
            day_to=day_to.isoformat(),
        )
    if points is None:
        points = history_points(con, account_id, definition.version)
    before = _scored_day(con, account_id, points, day_from)
    after = _scored_day(con, account_id, points, day_to)
    if before is None or after is None:
        return Comparison(day_from, day_to, before, after, summary=None, lines=[])
    change = why_changed(before.result, after.result)
    old = {factor.metric: factor for factor in before.result.factors}
    new = {factor.metric: factor for factor in after.result.factors}
    lines = [
        ChangeLine(
            metric=item.metric,
            label=metric_label(item.metric, locale),
            unit=_unit(item.metric),
            contribution_before=item.before,
            contribution_after=item.after,
            raw_before=_raw(old.get(item.metric)),
            raw_after=_raw(new.get(item.metric)),
            missing_before=_missing(old.get(item.metric)),
            missing_after=_missing(new.get(item.metric)),
        )
        for item in change.factors
    ]
    return Comparison(day_from, day_to, before, after, change.summary(locale), lines)


def _scored_day(
    con: DuckDBBackend, account_id: str, points: Sequence[HistoryPoint], day: date
) -> ScoredDay | None:
    point = point_on_or_before(points, day)
    if point is None:
        return None
    result = snapshots.stored_result(con, account_id, point.as_of, point.version)
    return None if result is None else ScoredDay(requested=day, point=point, result=result)


def _unit(metric: str) -> str:
    return FACTORS_BY_SLUG[metric].unit if metric in FACTORS_BY_SLUG else ""


def _raw(factor: FactorResult | None) -> MetricValue:
    return None if factor is None else factor.raw_value


def _missing(factor: FactorResult | None) -> bool:
    return factor is None or factor.missing


def _factor_line(factor: FactorResult, locale: str) -> FactorLine:
    return FactorLine(
        label=metric_label(factor.metric, locale),
        unit=_unit(factor.metric),
        raw_value=factor.raw_value,
        points=factor.points,
        weight=factor.weight_effective,
        contribution=factor.contribution,
        missing=factor.missing,
    )
