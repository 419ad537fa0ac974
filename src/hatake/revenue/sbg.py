"""The shifted-beta-geometric (sBG) retention model of Fader and Hardie (2007, "How to project
customer retention", Journal of Interactive Marketing 21(1)), and the customer lifetime value
that follows from it (Fader and Hardie 2010, "Customer-base valuation in a contractual
setting"). Pure: no I/O.

The model: each customer of a cohort has a constant probability ``theta`` of leaving at every
renewal opportunity (the end of a period), and ``theta`` varies across customers as a
beta(alpha, beta) distribution. Then, with ``T`` the period in which a customer leaves,

    P(T = 1) = alpha / (alpha + beta)
    P(T = t) = P(T = t - 1) * (beta + t - 2) / (alpha + beta + t - 1)      (t >= 2)
    S(t)     = S(t - 1) - P(T = t),  S(0) = 1

and a cohort observed for ``n`` periods, ``counts[t]`` customers still active after ``t``
periods, has the log-likelihood

    LL = sum_{t=1..n} (counts[t-1] - counts[t]) * ln P(T = t) + counts[n] * ln S(n)

which is maximised over alpha, beta > 0. The retention rate r(t) = S(t) / S(t - 1) rises
with t: the customers most likely to leave leave first, which is why a straight-line or
constant-rate projection understates long-run retention.

Assumptions (the page and docs/metrics.md repeat them): churn happens only at period ends
(contractual, discrete renewals); a customer who leaves does not come back (reactivations are
counted as survivors by the cohort tables but not modelled here); each customer's churn
probability does not change with tenure or over calendar time, so a cohort's rising retention
comes from who is left, not from customers changing; one cohort's pattern is assumed to go on
beyond the periods observed.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, hyp2f1, psi

# Starting point and bounds of the search, in log space: alpha and beta from e^-10 to e^10
# (about 0.00005 to 22,000) cover every cohort pattern seen in practice; a fit pinned to a bound
# is reported as such rather than returned as if it were an estimate.
LOG_START = (0.0, 0.0)
LOG_BOUND = 10.0


class FitError(ValueError):
    """The observed counts cannot be fitted (told in words naming the problem)."""


@dataclass(frozen=True)
class SbgFit:
    alpha: float
    beta: float
    log_likelihood: float
    periods_observed: int
    cohort_size: int
    at_bound: bool  # the search stopped at a bound: the estimate is not reliable

    @property
    def mean_churn(self) -> float:
        """The average churn probability across the cohort at the start, alpha / (alpha+beta)."""
        return self.alpha / (self.alpha + self.beta)


def churn_probabilities(alpha: float, beta: float, periods: int) -> np.ndarray:
    """P(T = t) for t = 1..periods (the recursion above, as a cumulative product)."""
    t = np.arange(2, periods + 1)
    steps = np.concatenate(([alpha / (alpha + beta)], (beta + t - 2) / (alpha + beta + t - 1)))
    return np.cumprod(steps[:periods])


def survival(alpha: float, beta: float, periods: int) -> np.ndarray:
    """S(t) for t = 0..periods (S(0) = 1)."""
    return np.concatenate(([1.0], 1.0 - np.cumsum(churn_probabilities(alpha, beta, periods))))


def retention_rates(alpha: float, beta: float, periods: int) -> np.ndarray:
    """r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1) for t = 1..periods."""
    t = np.arange(1, periods + 1)
    return (beta + t - 1) / (alpha + beta + t - 1)


def log_likelihood(
    alpha: float, beta: float, churns: Sequence[int], censored: Sequence[int]
) -> float:
    """``churns[t - 1]`` customers left in period t (t = 1..n) and ``censored[t]`` were last
    seen active after t periods (t = 0..n): LL = sum d_t ln P(T = t) + sum c_t ln S(t). One
    cohort followed for n periods is the case where everyone still active is censored at n;
    customers of several cohorts, censored at their different ages, fit the same way."""
    return _Events(churns, censored).value(alpha, beta)


class _Events:
    """Churns and censored customers as the (period, count) pairs the likelihood sums over,
    prepared once for the search. LL uses the closed forms
    P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) and
    S(t) = B(alpha, beta + t) / B(alpha, beta), which the recursion above unrolls."""

    def __init__(self, churns: Sequence[int], censored: Sequence[int]) -> None:
        lost = np.asarray(churns, dtype=float)
        kept = np.asarray(censored, dtype=float)
        self.lost_t = np.flatnonzero(lost) + 1
        self.kept_t = np.flatnonzero(kept)
        self.lost_n, self.kept_n = lost[self.lost_t - 1], kept[self.kept_t]
        self.total = float(self.lost_n.sum() + self.kept_n.sum())

    def value(self, alpha: float, beta: float) -> float:
        result = (
            float(self.lost_n @ betaln(alpha + 1, beta + self.lost_t - 1))
            + float(self.kept_n @ betaln(alpha, beta + self.kept_t))
            - self.total * float(betaln(alpha, beta))
        )
        return result if math.isfinite(result) else -math.inf

    def gradient(self, alpha: float, beta: float) -> tuple[float, float]:
        """dLL/dalpha and dLL/dbeta, from d ln B(a, b) / da = psi(a) - psi(a + b) (and the
        same in b)."""
        lost_sum = psi(alpha + beta + self.lost_t)
        kept_sum = psi(alpha + beta + self.kept_t)
        whole = psi(alpha + beta)
        d_alpha = (
            float(self.lost_n @ (psi(alpha + 1) - lost_sum))
            + float(self.kept_n @ (psi(alpha) - kept_sum))
            - self.total * float(psi(alpha) - whole)
        )
        d_beta = (
            float(self.lost_n @ (psi(beta + self.lost_t - 1) - lost_sum))
            + float(self.kept_n @ (psi(beta + self.kept_t) - kept_sum))
            - self.total * float(psi(beta) - whole)
        )
        return d_alpha, d_beta


def cohort_events(counts: Sequence[int]) -> tuple[list[int], list[int]]:
    """Survivor counts of one cohort as churns per period and censored per period."""
    churns = [earlier - later for earlier, later in itertools.pairwise(counts)]
    censored = [0] * (len(counts) - 1) + [int(counts[-1])]
    return churns, censored


def _check_counts(counts: Sequence[int]) -> None:
    if len(counts) < 2:
        raise FitError("at least one period after the start is needed to fit a cohort")
    if counts[0] <= 0:
        raise FitError("the cohort has no customers at the start")
    if any(count < 0 for count in counts):
        raise FitError("survivor counts must not be negative")
    if any(later > earlier for earlier, later in itertools.pairwise(counts)):
        raise FitError("survivor counts must not rise from one period to the next")


def fit(counts: Sequence[int]) -> SbgFit:
    """Maximum-likelihood alpha and beta from one cohort's survivor counts (counts[0] = cohort
    size, counts[t] = still active after t periods)."""
    _check_counts(counts)
    churns, censored = cohort_events(counts)
    return fit_events(churns, censored)


def fit_events(churns: Sequence[int], censored: Sequence[int]) -> SbgFit:
    """Maximum-likelihood alpha and beta from churns per period and censored customers per
    period (see ``log_likelihood``)."""
    if len(censored) != len(churns) + 1:
        raise FitError("give censored counts for periods 0..n and churns for periods 1..n")
    if any(value < 0 for value in (*churns, *censored)):
        raise FitError("counts must not be negative")
    if not sum(churns):
        raise FitError("no customer has left yet, so churn cannot be estimated")
    if not any(censored[1:]) and not churns[-1]:
        raise FitError("the last period has neither churns nor survivors")

    events = _Events(churns, censored)

    def negative(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        """-LL and its gradient in log space (d/d ln a = a d/da)."""
        alpha, beta = math.exp(log_params[0]), math.exp(log_params[1])
        value = events.value(alpha, beta)
        if not math.isfinite(value):
            return 1e300, np.zeros(2)
        d_alpha, d_beta = events.gradient(alpha, beta)
        return -value, -np.array([alpha * d_alpha, beta * d_beta])

    # Two parameters, a smooth surface and an exact gradient: a quasi-Newton search within the
    # bounds converges in tens of evaluations where a simplex took thousands on flat ridges.
    result = minimize(
        negative,
        np.array(LOG_START),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * 2,
        options={"ftol": 1e-12, "gtol": 1e-8, "maxiter": 1000},
    )
    log_alpha, log_beta = (float(value) for value in result.x)
    at_bound = any(abs(abs(value) - LOG_BOUND) < 1e-3 for value in (log_alpha, log_beta))
    return SbgFit(
        alpha=math.exp(log_alpha),
        beta=math.exp(log_beta),
        log_likelihood=-float(result.fun),
        periods_observed=len(churns),
        cohort_size=int(sum(churns) + sum(censored)),
        at_bound=at_bound,
    )


def expected_lifetime(alpha: float, beta: float) -> float | None:
    """E[T], the mean number of periods a new customer stays (counting the period in which
    it leaves): (alpha + beta - 1) / (alpha - 1). Infinite (``None``) when alpha <= 1, where
    the heavy tail of near-loyal customers makes the mean diverge; the median and the
    discounted lifetime stay finite."""
    if alpha <= 1:
        return None
    return (alpha + beta - 1) / (alpha - 1)


def median_lifetime(alpha: float, beta: float, limit: int = 10_000) -> int | None:
    """The first period t at which S(t) <= 0.5, or ``None`` beyond ``limit`` periods."""
    curve = survival(alpha, beta, limit)
    below = np.flatnonzero(curve <= 0.5)
    return int(below[0]) if len(below) else None


def discounted_expected_lifetime(alpha: float, beta: float, discount_rate: float) -> float:
    """DEL = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)): the
    present value, in periods' payments, of a customer who pays at the start of every period
    it is active (the first payment at acquisition, undiscounted). Fader and Hardie (2010),
    eq. 6. Needs d > 0 per period."""
    if discount_rate <= 0:
        raise ValueError("the discount rate per period must be more than 0")
    return float(hyp2f1(1.0, beta, alpha + beta, 1.0 / (1.0 + discount_rate)))


def customer_lifetime_value(
    alpha: float, beta: float, *, payment: float, margin: float, discount_rate: float
) -> float:
    """E[CLV] of a new customer = margin x payment per period x DEL."""
    return margin * payment * discounted_expected_lifetime(alpha, beta, discount_rate)


def periodic_rate(annual_rate: float, periods_per_year: int) -> float:
    """The per-period rate equivalent to an annual discount rate: (1 + a)^(1/k) - 1."""
    return (1.0 + annual_rate) ** (1.0 / periods_per_year) - 1.0
