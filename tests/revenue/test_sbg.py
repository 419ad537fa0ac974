"""The shifted-beta-geometric model: formulas by hand, the published fits of Fader and Hardie
(2007) and recovery of known parameters from data simulated by the model itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.revenue import sbg

# Fader and Hardie (2007), table 1: survivors of 1,000 customers over 7 years.
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]


def test_churn_probabilities_and_survival_by_hand() -> None:
    # alpha = 1, beta = 2: P(1) = 1/3, P(2) = 1/3 * 2/4 = 1/6, P(3) = 1/6 * 3/5 = 1/10.
    assert sbg.churn_probabilities(1.0, 2.0, 3) == pytest.approx([1 / 3, 1 / 6, 1 / 10])
    assert sbg.survival(1.0, 2.0, 3) == pytest.approx([1, 2 / 3, 1 / 2, 2 / 5])
    # r(t) = (beta + t - 1) / (alpha + beta + t - 1): 2/3, 3/4, 4/5.
    assert sbg.retention_rates(1.0, 2.0, 3) == pytest.approx([2 / 3, 3 / 4, 4 / 5])


def test_log_likelihood_by_hand() -> None:
    # 10 customers, 3 leave in period 1, 2 in period 2, 5 remain: with alpha=1, beta=2
    # LL = 3 ln(1/3) + 2 ln(1/6) + 5 ln(1/2).
    churns, censored = sbg.cohort_events([10, 7, 5])
    assert (churns, censored) == ([3, 2], [0, 0, 5])
    expected = 3 * math.log(1 / 3) + 2 * math.log(1 / 6) + 5 * math.log(1 / 2)
    assert sbg.log_likelihood(1.0, 2.0, churns, censored) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("counts", "alpha", "beta", "log_likelihood"),
    [(HIGH_END, 0.668, 3.806, -1611.2), (REGULAR, 0.704, 1.182, -1680.3)],
)
def test_published_fits_are_reproduced(
    counts: list[int], alpha: float, beta: float, log_likelihood: float
) -> None:
    """The paper gives alpha and beta to three decimals and LL to one."""
    fitted = sbg.fit(counts)
    assert fitted.alpha == pytest.approx(alpha, abs=5e-4)
    assert fitted.beta == pytest.approx(beta, abs=5e-4)
    assert fitted.log_likelihood == pytest.approx(log_likelihood, abs=0.05)
    assert not fitted.at_bound


def test_fit_recovers_parameters_of_simulated_cohort() -> None:
    """200,000 customers whose churn probabilities are drawn from beta(0.8, 2.5), followed for
    12 periods. The asymptotic standard errors at this size, from the inverse of the observed
    information at the truth, are 0.0054 (alpha) and 0.025 (beta); the tolerances are about
    4.5 of them, so a correct fit misses them with a probability under 1 in 100,000 whatever
    the seed, while a biased or wrongly parameterised fit (alpha and beta swapped, periods off
    by one) lands far outside."""
    rng = np.random.default_rng(20070101)
    theta = rng.beta(0.8, 2.5, size=200_000)
    lifetimes = rng.geometric(theta)  # the period in which each customer leaves, 1, 2, ...
    counts = [int((lifetimes > t).sum()) for t in range(13)]
    fitted = sbg.fit(counts)
    assert fitted.alpha == pytest.approx(0.8, abs=0.025)  # 4.6 standard errors
    assert fitted.beta == pytest.approx(2.5, abs=0.12)  # 4.9 standard errors


def test_censored_fit_matches_one_cohort_fit() -> None:
    """Two cohorts of the same customers, one followed 7 periods and a copy cut at 4: the
    events form gives the same likelihood as summing the two cohorts' own likelihoods."""
    young = HIGH_END[:5]
    old_churns, old_censored = sbg.cohort_events(HIGH_END)
    young_churns, young_censored = sbg.cohort_events(young)
    churns = [a + b for a, b in zip(old_churns, [*young_churns, 0, 0, 0], strict=True)]
    censored = [a + b for a, b in zip(old_censored, [*young_censored, 0, 0, 0], strict=True)]
    both = sbg.log_likelihood(0.7, 3.0, churns, censored)
    apart = sbg.log_likelihood(0.7, 3.0, old_churns, old_censored) + sbg.log_likelihood(
        0.7, 3.0, young_churns, young_censored
    )
    assert both == pytest.approx(apart)


def test_lifetimes_and_value() -> None:
    # E[T] = (alpha + beta - 1) / (alpha - 1) = (2 + 3 - 1) / 1 = 4.
    assert sbg.expected_lifetime(2.0, 3.0) == pytest.approx(4.0)
    assert sbg.expected_lifetime(0.7, 1.2) is None
    # alpha=1, beta=2: S = 1, 2/3, 1/2: the median is period 2.
    assert sbg.median_lifetime(1.0, 2.0) == 2
    # DEL is the discounted sum of S(t) (first payment undiscounted).
    curve = sbg.survival(0.704, 1.182, 4000)
    by_sum = float(np.sum(curve / 1.1 ** np.arange(4001)))
    assert sbg.discounted_expected_lifetime(0.704, 1.182, 0.1) == pytest.approx(by_sum)
    # alpha = 1, beta = 2, d = 1 (each period halves): DEL = sum S(t) / 2^t; S(t) = 2/(t+2).
    by_hand = sum(2 / (t + 2) / 2**t for t in range(200))
    assert sbg.discounted_expected_lifetime(1.0, 2.0, 1.0) == pytest.approx(by_hand)
    value = sbg.customer_lifetime_value(1.0, 2.0, payment=10_000, margin=0.8, discount_rate=1.0)
    assert value == pytest.approx(0.8 * 10_000 * by_hand)
    assert sbg.periodic_rate(0.21, 2) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("counts", "reason"),
    [
        ([1000], "at least one period"),
        ([0, 0], "no customers"),
        ([10, 11], "must not rise"),
        ([10, 10, 10], "no customer has left"),
        ([10, -1], "must not be negative"),
    ],
)
def test_counts_that_cannot_be_fitted(counts: list[int], reason: str) -> None:
    with pytest.raises(sbg.FitError, match=reason):
        sbg.fit(counts)


@given(
    alpha=st.floats(0.05, 20),
    beta=st.floats(0.05, 20),
    periods=st.integers(1, 60),
)
def test_survival_falls_and_retention_rises(alpha: float, beta: float, periods: int) -> None:
    curve = sbg.survival(alpha, beta, periods)
    assert curve[0] == 1
    assert np.all(np.diff(curve) <= 1e-12)
    assert np.all(curve >= -1e-12)
    rates = sbg.retention_rates(alpha, beta, periods)
    assert np.all(np.diff(rates) >= -1e-12)
    assert curve[1:] == pytest.approx(np.cumprod(rates), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(
    ("alpha", "beta"), [(0.7, 3.0), (4.4, 35.7), (0.05, 0.2), (900.0, 20_000.0)]
)
def test_gradient_matches_finite_differences(alpha: float, beta: float) -> None:
    """The search follows the analytic gradient: it must be the slope of the likelihood (to the
    precision of central differences, which cancellation limits at large alpha and beta)."""
    churns, censored = [0, 130, 120, 90, 0], [5, 0, 40, 0, 60, 500]
    events = sbg._Events(churns, censored)
    d_alpha, d_beta = events.gradient(alpha, beta)
    step_a, step_b = alpha * 1e-6, beta * 1e-6
    numeric_alpha = (events.value(alpha + step_a, beta) - events.value(alpha - step_a, beta)) / (
        2 * step_a
    )
    numeric_beta = (events.value(alpha, beta + step_b) - events.value(alpha, beta - step_b)) / (
        2 * step_b
    )
    assert d_alpha == pytest.approx(numeric_alpha, rel=1e-3, abs=1e-6)
    assert d_beta == pytest.approx(numeric_beta, rel=1e-3, abs=1e-6)
