"""Kaplan-Meier survival of customers, in whole months since their start, with lifelines'
``KaplanMeierFitter``. Pure: no I/O.

The product-limit estimate: at each month t where d_t customers churn out of the n_t still at
risk (active and observed up to t), S(t) = S(t-1) * (1 - d_t / n_t). A customer still active at
the last observed month is *censored* there: it counts as at risk up to that month and is then
removed without counting as a churn, so young cohorts do not pull the curve down. A customer
censored at t is still at risk at t (churns at t are counted first). The confidence band is
lifelines' default: Greenwood's variance carried to the log(-log S) scale ("exponential
Greenwood"), which keeps the band within 0 and 1.

lifelines (with pandas) takes seconds to import, so it is imported on the first fit rather than
with this module: ``hatake --help`` and commands that never fit a curve do not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SurvivalCurve:
    months: np.ndarray  # 0, then every month at which a churn happened
    survival: np.ndarray  # S(t) after the churns of that month
    at_risk: np.ndarray
    churned: np.ndarray
    lower: np.ndarray  # the pointwise confidence band
    upper: np.ndarray
    median: int | None  # the first month at which S(t) <= 0.5; None while more than half remain
    customers: int
    churns: int
    last_observed: int  # the longest duration seen, churned or not (-1 with no customers)

    def at(self, month: int) -> float:
        """S(month): the step function read at any month."""
        index = int(np.searchsorted(self.months, month, side="right")) - 1
        return float(self.survival[index])


def _no_customers() -> SurvivalCurve:
    one = np.array([1.0])
    none = np.array([0], dtype=np.int64)
    return SurvivalCurve(none, one, none, none, one, one, None, 0, 0, -1)


def kaplan_meier(
    durations: np.ndarray, churned: np.ndarray, *, confidence: float = 0.95
) -> SurvivalCurve:
    """``durations[i]``: months from customer i's start to its churn (``churned[i]``) or to the
    last month it was observed active (censored)."""
    durations = np.asarray(durations, dtype=np.int64)
    churned = np.asarray(churned, dtype=bool)
    if durations.shape != churned.shape:
        raise ValueError("durations and churn flags must have the same length")
    if (durations < 0).any():
        raise ValueError("a duration cannot be negative")
    if not len(durations):
        return _no_customers()
    from lifelines import KaplanMeierFitter

    # One weighted row per (duration, churned) pair: the same event table as one row per
    # customer, at a fraction of lifelines' preparation time for thousands of customers.
    pairs, counts = np.unique(np.stack([durations, churned]), axis=1, return_counts=True)
    fitter = KaplanMeierFitter(alpha=1 - confidence).fit(
        pairs[0], event_observed=pairs[1].astype(bool), weights=counts
    )
    # lifelines' timeline also has the months where customers were only censored; the curve
    # does not move there, so only month 0 and the months with a churn are kept.
    events = fitter.event_table
    kept = (events.index == 0) | (events["observed"].to_numpy() > 0)
    band = fitter.confidence_interval_survival_function_.to_numpy()[kept]
    median = float(fitter.median_survival_time_)
    return SurvivalCurve(
        months=events.index.to_numpy()[kept].astype(np.int64),
        survival=fitter.survival_function_.to_numpy()[kept, 0],
        at_risk=events["at_risk"].to_numpy()[kept].astype(np.int64),
        churned=events["observed"].to_numpy()[kept].astype(np.int64),
        lower=band[:, 0],
        upper=band[:, 1],
        median=int(median) if np.isfinite(median) else None,
        customers=len(durations),
        churns=int(churned.sum()),
        last_observed=int(durations.max()),
    )


def curve_points(curve: SurvivalCurve, last_month: int) -> list[float]:
    """S(t) for every month 0..last_month (for charts and tables at a common grid)."""
    return [curve.at(month) for month in range(last_month + 1)]
