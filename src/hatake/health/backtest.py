"""Backtest metrics: how well past scores predicted the churn that followed.

Pure functions over one observation per account (its score and grade on the as-of date and
whether it churned within the horizon after it); finding those observations and the realised
churn is the caller's job. A low score means high risk throughout, so "worst" is "lowest".

Ordering rule used wherever accounts are ranked (worst k%, deciles): ascending score, ties
broken by ascending `account_id` (then `as_of`), so the same data always gives the same report.

Observations of several as-of dates may be pooled into one backtest: an account then appears
once per date, and each (account, date) pair counts as one observation.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from babel.numbers import format_decimal, format_percent
from sklearn.metrics import roc_curve as sk_roc_curve

from hatake.core.i18n import gettext_for

WORST_PERCENTS: tuple[int, ...] = (10, 20)
DECILES = 10

# Row order of `compare` and the English message ids of its labels (ja in backtest.po).
METRIC_LABELS: dict[str, str] = {
    "n": "Accounts backtested",
    "churned": "Accounts churned",
    "base_rate": "Overall churn rate",
    "roc_auc": "ROC AUC",
    "at_risk_precision": "At-risk grade: precision",
    "at_risk_recall": "At-risk grade: recall",
    "at_risk_lift": "At-risk grade: lift",
    "worst_10_precision": "Worst 10%: precision",
    "worst_10_recall": "Worst 10%: recall",
    "worst_10_lift": "Worst 10%: lift",
    "worst_20_precision": "Worst 20%: precision",
    "worst_20_recall": "Worst 20%: recall",
    "worst_20_lift": "Worst 20%: lift",
    "false_negatives": "Churned while healthy",
}


@dataclass(frozen=True)
class Observation:
    account_id: str
    as_of: date
    score: float
    grade: str
    churned: bool


@dataclass(frozen=True)
class Flagged:
    """A set of accounts predicted to churn. Precision is None when nothing was flagged and
    recall when nothing churned, rather than a 0 that would read as a bad prediction."""

    flagged: int
    true_positives: int
    precision: float | None
    recall: float | None
    lift: float | None


@dataclass(frozen=True)
class DecileRow:
    """`decile` 1 holds the worst scores. Empty deciles (fewer than 10 accounts) have no rate."""

    decile: int
    accounts: int
    churned: int
    churn_rate: float | None
    lift: float | None


@dataclass(frozen=True)
class GradeRow:
    grade: str
    accounts: int
    churned: int
    churn_rate: float | None


@dataclass(frozen=True)
class BacktestReport:
    n: int
    churned: int
    base_rate: float
    roc_auc: float | None
    at_risk_grades: tuple[str, ...]
    at_risk: Flagged
    worst: tuple[tuple[int, Flagged], ...]
    deciles: tuple[DecileRow, ...]
    calibration: tuple[GradeRow, ...]
    false_negatives: tuple[Observation, ...]
    # ROC curve points (false positive rate, true positive rate), flagging lowest scores first.
    roc_curve: tuple[tuple[float, float], ...] = ()

    def worst_percent(self, percent: int) -> Flagged:
        return dict(self.worst)[percent]

    def scalars(self) -> dict[str, float | None]:
        """The single-number metrics, keyed as in METRIC_LABELS."""
        values: dict[str, float | None] = {
            "n": self.n,
            "churned": self.churned,
            "base_rate": self.base_rate,
            "roc_auc": self.roc_auc,
            "at_risk_precision": self.at_risk.precision,
            "at_risk_recall": self.at_risk.recall,
            "at_risk_lift": self.at_risk.lift,
        }
        for percent, flagged in self.worst:
            values[f"worst_{percent}_precision"] = flagged.precision
            values[f"worst_{percent}_recall"] = flagged.recall
            values[f"worst_{percent}_lift"] = flagged.lift
        values["false_negatives"] = len(self.false_negatives)
        return values

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: only str, int, float, None, lists and dicts."""
        return {
            "n": self.n,
            "churned": self.churned,
            "base_rate": self.base_rate,
            "roc_auc": self.roc_auc,
            "at_risk_grades": list(self.at_risk_grades),
            "at_risk": _flagged_dict(self.at_risk),
            "worst": [
                {"percent": percent, **_flagged_dict(flagged)} for percent, flagged in self.worst
            ],
            "deciles": [
                {
                    "decile": row.decile,
                    "accounts": row.accounts,
                    "churned": row.churned,
                    "churn_rate": row.churn_rate,
                    "lift": row.lift,
                }
                for row in self.deciles
            ],
            "calibration": [
                {
                    "grade": row.grade,
                    "accounts": row.accounts,
                    "churned": row.churned,
                    "churn_rate": row.churn_rate,
                }
                for row in self.calibration
            ],
            "false_negatives": [
                {
                    "account_id": item.account_id,
                    "as_of": item.as_of.isoformat(),
                    "score": item.score,
                    "grade": item.grade,
                }
                for item in self.false_negatives
            ],
            "roc_curve": [{"fpr": fpr, "tpr": tpr} for fpr, tpr in self.roc_curve],
        }


@dataclass(frozen=True)
class ComparisonRow:
    """`difference` is b - a, so a positive AUC difference means b ranks churn better."""

    metric: str
    a: float | None
    b: float | None
    difference: float | None


def backtest(
    observations: Sequence[Observation],
    grades: Sequence[str],
    at_risk_grades: Collection[str] | None = None,
) -> BacktestReport:
    """Every metric of one backtest. `grades` runs from healthiest to worst, as in the score
    definition; without `at_risk_grades` only the last (worst) grade counts as at risk."""
    _validate(observations, grades)
    wanted = set(grades[-1:] if at_risk_grades is None else at_risk_grades)
    unknown = wanted - set(grades)
    if unknown:
        raise ValueError(f"at-risk grades not among the grades: {sorted(unknown)}")
    # In grade order, so a set given by the caller still reports the same way every time.
    at_risk = tuple(grade for grade in grades if grade in wanted)
    n = len(observations)
    churned = sum(item.churned for item in observations)
    base_rate = churned / n
    ranked = _ranked(observations)
    healthy = grades[0]
    return BacktestReport(
        n=n,
        churned=churned,
        base_rate=base_rate,
        roc_auc=roc_auc(
            [item.score for item in observations], [item.churned for item in observations]
        ),
        at_risk_grades=at_risk,
        at_risk=_flagged(
            [item for item in observations if item.grade in at_risk], churned, base_rate
        ),
        worst=tuple(
            (percent, _flagged(_worst(ranked, percent), churned, base_rate))
            for percent in WORST_PERCENTS
        ),
        deciles=_deciles(ranked, base_rate),
        calibration=tuple(_grade_row(grade, observations) for grade in grades),
        false_negatives=tuple(
            sorted(
                (item for item in observations if item.churned and item.grade == healthy),
                key=lambda item: (-item.score, item.account_id, item.as_of),
            )
        ),
        roc_curve=roc_points(
            [item.score for item in observations], [item.churned for item in observations]
        ),
    )


def roc_points(scores: Sequence[float], churned: Sequence[bool]) -> tuple[tuple[float, float], ...]:
    """The ROC curve of flagging the lowest scores first (scikit-learn's `roc_curve` on the
    negated score, collinear points dropped); empty when only one class is present."""
    positive = np.asarray(churned, dtype=bool)
    if positive.all() or not positive.any():
        return ()
    fpr, tpr, _thresholds = sk_roc_curve(positive, -np.asarray(scores, dtype=float))
    return tuple((float(x), float(y)) for x, y in zip(fpr, tpr, strict=True))


def roc_auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """Probability that a churned account scored lower than a retained one, ties counting
    half: the Mann-Whitney U of the retained accounts over all churned/retained pairs.
    None when only one class is present, since there is no pair to rank."""
    values = np.asarray(scores, dtype=float)
    positive = np.asarray(churned, dtype=bool)
    n_churned = int(positive.sum())
    n_retained = len(values) - n_churned
    if n_churned == 0 or n_retained == 0:
        return None
    ranks = _average_ranks(values)
    # Sum of retained ranks minus its minimum possible value counts, for each retained
    # account, the churned accounts scoring below it (+0.5 per tie).
    u_retained = ranks[~positive].sum() - n_retained * (n_retained + 1) / 2
    return float(u_retained / (n_churned * n_retained))


def worst_share(observations: Sequence[Observation], percent: int) -> Flagged:
    """Precision, recall and lift of flagging exactly ceil(percent% of n) accounts with the
    lowest scores (ties at the cut-off broken by account_id, see the module docstring)."""
    if not observations:
        raise ValueError("no observations to backtest")
    churned = sum(item.churned for item in observations)
    return _flagged(_worst(_ranked(observations), percent), churned, churned / len(observations))


def compare(a: BacktestReport, b: BacktestReport) -> tuple[ComparisonRow, ...]:
    """Side-by-side single-number metrics of two backtests, in METRIC_LABELS order."""
    values_a, values_b = a.scalars(), b.scalars()
    return tuple(
        ComparisonRow(
            metric=metric,
            a=values_a[metric],
            b=values_b[metric],
            difference=_difference(values_a[metric], values_b[metric]),
        )
        for metric in METRIC_LABELS
    )


def metric_label(metric: str, locale: str) -> str:
    return gettext_for(locale)(METRIC_LABELS[metric])


def _validate(observations: Sequence[Observation], grades: Sequence[str]) -> None:
    if not observations:
        raise ValueError("no observations to backtest")
    if not grades:
        raise ValueError("no grades given")
    # One row per account and date: a repeated pair would be counted twice and make the
    # account_id tie-break ambiguous.
    ids = [(item.account_id, item.as_of) for item in observations]
    if len(set(ids)) != len(ids):
        raise ValueError("each account must appear once per as-of date")
    if not all(math.isfinite(item.score) for item in observations):
        raise ValueError("scores must be finite numbers")
    unknown = {item.grade for item in observations} - set(grades)
    if unknown:
        raise ValueError(f"grades not in the definition: {sorted(unknown)}")


def _ranked(observations: Sequence[Observation]) -> list[Observation]:
    return sorted(observations, key=lambda item: (item.score, item.account_id, item.as_of))


def _worst(ranked: Sequence[Observation], percent: int) -> Sequence[Observation]:
    # Integer ceiling: math.ceil(0.1 * 30) is 4 because 0.1 * 30 == 3.0000000000000004.
    count = -(-percent * len(ranked) // 100)
    return ranked[:count]


def _flagged(flagged: Sequence[Observation], churned: int, base_rate: float) -> Flagged:
    hits = sum(item.churned for item in flagged)
    precision = hits / len(flagged) if flagged else None
    return Flagged(
        flagged=len(flagged),
        true_positives=hits,
        precision=precision,
        recall=hits / churned if churned else None,
        lift=precision / base_rate if precision is not None and base_rate else None,
    )


def _deciles(ranked: Sequence[Observation], base_rate: float) -> tuple[DecileRow, ...]:
    # array_split keeps sizes within one of each other, the larger ones first, so with fewer
    # than 10 accounts deciles 1..n hold one account each and the rest are empty.
    rows = []
    churn = np.array([item.churned for item in ranked], dtype=bool)
    for number, part in enumerate(np.array_split(churn, DECILES), start=1):
        accounts = len(part)
        hits = int(part.sum())
        rate = hits / accounts if accounts else None
        rows.append(
            DecileRow(
                decile=number,
                accounts=accounts,
                churned=hits,
                churn_rate=rate,
                lift=rate / base_rate if rate is not None and base_rate else None,
            )
        )
    return tuple(rows)


def _grade_row(grade: str, observations: Sequence[Observation]) -> GradeRow:
    members = [item for item in observations if item.grade == grade]
    hits = sum(item.churned for item in members)
    return GradeRow(
        grade=grade,
        accounts=len(members),
        churned=hits,
        churn_rate=hits / len(members) if members else None,
    )


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing the mean of the ranks they span."""
    _unique, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    return (last - (counts - 1) / 2.0)[inverse]


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else b - a


def _flagged_dict(flagged: Flagged) -> dict[str, Any]:
    return {
        "flagged": flagged.flagged,
        "true_positives": flagged.true_positives,
        "precision": flagged.precision,
        "recall": flagged.recall,
        "lift": flagged.lift,
    }


PATTERNS = {"auc": "#,##0.000", "lift": "#,##0.00", "weight": "#,##0.0", "coefficient": "0.0000"}


def metric_kind(metric: str) -> str:
    """How a metric of METRIC_LABELS reads: count, rate (a fraction), auc or lift."""
    if metric in ("n", "churned", "false_negatives"):
        return "count"
    if metric == "roc_auc":
        return "auc"
    if metric.endswith("_lift"):
        return "lift"
    return "rate"


def format_value(kind: str, value: float | None, locale: str, *, signed: bool = False) -> str:
    """A value in the reader's locale: counts grouped, rates as percentages with one decimal,
    AUC with three decimals, lift two, weights one, coefficients four; "—" when undefined."""
    if value is None:
        return "—"
    babel_locale = "ja_JP" if locale == "ja" else "en_US"
    sign = "+" if signed and value > 0 else ""
    if kind == "count":
        return sign + format_decimal(value, format="#,##0", locale=babel_locale)
    if kind == "rate":
        return sign + format_percent(value, format="#,##0.0%", locale=babel_locale)
    return sign + format_decimal(value, format=PATTERNS[kind], locale=babel_locale)
