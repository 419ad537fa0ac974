from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.demo.profiles import (
    ENTERPRISE,
    ENTERPRISE_MIN_SEATS,
    Profiles,
    draw_diligence,
    draw_profiles,
)
from hatake.demo.simulator import CHUNK_SIZE, stream
from hatake.demo.timeline import Timeline, add_months, day_number, to_date
from hatake.demo.trajectory import (
    DRIVERS,
    HAZARD_BASE,
    Trajectories,
    adoption_share,
    churn_hazard,
    hazard_terms,
    logistic,
    main_drivers,
    next_decline,
    nps_wave,
    renewal_days,
    retained_users,
    simulate,
)

TODAY = date(2026, 11, 23)
unit = st.floats(min_value=0.0, max_value=1.0)


def test_adoption_is_half_the_ceiling_at_the_midpoint() -> None:
    # Perfect onboarding and fit: ceiling 0.3 + 0.65 = 0.95, midpoint 0.5 months.
    share = adoption_share(np.array([0.5]), np.array([1.0]), np.array([1.0]))
    assert share[0] == pytest.approx(0.475)


@given(tenure=st.integers(0, 36), fit=unit, poor=st.floats(0.0, 0.39), good=st.floats(0.6, 1.0))
def test_good_onboarding_adopts_faster_and_further(
    tenure: int, fit: float, poor: float, good: float
) -> None:
    shares = adoption_share(np.array([tenure, tenure]), np.array([poor, good]), np.array([fit] * 2))
    later = adoption_share(np.array([tenure + 1]), np.array([poor]), np.array([fit]))
    assert shares[0] < shares[1]
    assert later[0] >= shares[0]


def _terms(**overrides: float) -> np.ndarray:
    values = {
        "health": 0.8,
        "onboarding": 0.8,
        "tenure": 12,
        "falling_usage": 0.0,
        "stuck_open": 0.0,
        "detractors": 0.0,
        "champions": 1,
        "months_without_touch": 0,
    }
    values.update(overrides)
    return hazard_terms(**{key: np.array([value]) for key, value in values.items()})


def test_a_healthy_account_has_a_small_hazard() -> None:
    terms = _terms()
    # Only the health term contributes: 3.5 * (0.55 - 0.8) = -0.875.
    assert terms[0].tolist() == pytest.approx([-0.875, 0, 0, 0, 0, 0, 0])
    hazard = churn_hazard(terms, np.array([1]))
    assert hazard[0] == pytest.approx(float(logistic(np.array(HAZARD_BASE - 0.875))))


@pytest.mark.parametrize(
    "signal",
    [
        {"health": 0.3},
        {"onboarding": 0.1, "tenure": 3},
        {"falling_usage": 1.0},
        {"stuck_open": 2.0},
        {"detractors": 1.0},
        {"champions": 0},
        {"months_without_touch": 6},
    ],
)
def test_every_risk_signal_raises_the_hazard(signal: dict[str, float]) -> None:
    plan = np.array([1])
    assert churn_hazard(_terms(**signal), plan)[0] > churn_hazard(_terms(), plan)[0]


def test_main_drivers_lists_the_strong_ones_strongest_first() -> None:
    contributions = np.array([0.1, 0.5, 0.0, 0.3, 0.0, 0.9, 0.0])
    assert main_drivers(contributions) == "champion_left,poor_onboarding,unresolved_tickets"
    assert main_drivers(np.array([0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0])) == "falling_usage"
    assert len(DRIVERS) == len(contributions)


@given(seed=st.integers(0, 2**32 - 1))
def test_nps_answers_follow_health(seed: int) -> None:
    rng = np.random.default_rng(seed)
    surveyed = np.array([True, True, False] * 200)
    health = np.array([0.1, 0.95, 0.9] * 200)
    scores = nps_wave(surveyed, np.full(600, 30.0), health, rng)
    assert (scores[~surveyed] == -1).all()
    answered = scores[surveyed]
    assert ((answered == -1) | ((answered >= 0) & (answered <= 10))).all()
    poor, healthy = scores[0::3], scores[1::3]
    assert poor[poor >= 0].mean() < 6.5 < healthy[healthy >= 0].mean()


def test_disengagement_costs_users_and_csm_touches_end_it() -> None:
    assert retained_users(np.array([0, 2, 10])).tolist() == pytest.approx([1.0, 0.7, 0.35])
    n = 4000
    rng = np.random.default_rng(3)
    declining = np.full(n, 2.0)
    alive = np.ones(n, dtype=bool)
    terms = np.zeros((n, len(DRIVERS)))
    touched = next_decline(declining, alive, terms, np.ones(n), np.ones(n), rng)
    ignored = next_decline(declining, alive, terms, np.zeros(n), np.ones(n), rng)
    # A diligent CSM's touch ends 35% of slides; alone, 5% recover.
    assert (touched == 0).mean() > 0.3
    assert (ignored == 0).mean() < 0.1
    assert set(np.unique(ignored)) <= {0.0, 3.0}
    risky = terms.copy()
    risky[:, 0] = 3.0
    calm = next_decline(np.zeros(n), alive, terms, np.zeros(n), np.ones(n), rng)
    worried = next_decline(np.zeros(n), alive, risky, np.zeros(n), np.ones(n), rng)
    assert (worried > 0).mean() > 5 * (calm > 0).mean()


def test_annual_accounts_renew_each_year_before_today() -> None:
    timeline = Timeline.build(TODAY, 12)
    profiles = draw_profiles(200, timeline, "ja", stream(1, 0))
    renewals = renewal_days(profiles, timeline)
    early = profiles.start_day < day_number(date(2025, 1, 1))
    row = int(np.flatnonzero(profiles.annual & early)[0])
    start = to_date(profiles.start_day[row])
    expected = []
    term = 1
    while add_months(start, 12 * term) < TODAY:
        expected.append(day_number(add_months(start, 12 * term)))
        term += 1
    assert sorted(renewals[row][renewals[row] > 0].tolist()) == expected
    assert not renewals[~profiles.annual].any()


@pytest.fixture(scope="module")
def population() -> tuple[Timeline, Profiles, np.ndarray, list[Trajectories]]:
    """3,000 accounts over 18 months: enough for churn rates to mean something."""
    timeline = Timeline.build(TODAY, 18)
    rng = stream(7, 0)
    profiles = draw_profiles(3000, timeline, "ja", rng)
    diligence = draw_diligence(rng)
    parts = [
        simulate(profiles.take(start, start + CHUNK_SIZE), diligence, timeline, stream(7, 1, i))
        for i, start in enumerate(range(0, 3000, CHUNK_SIZE))
    ]
    churn_day = np.concatenate([part.churn_day for part in parts])
    return timeline, profiles, churn_day, parts


Population = tuple[Timeline, Profiles, np.ndarray, list[Trajectories]]


def _yearly_churn(
    timeline: Timeline, profiles: Profiles, churn_day: np.ndarray, mask: np.ndarray
) -> float:
    """Share of the customers of a year ago (started before it) who churned since."""
    year_ago = day_number(add_months(timeline.today, -12))
    still_there = (churn_day == 0) | (churn_day >= year_ago)
    customers = mask & (profiles.start_day < year_ago) & still_there
    return float((customers & (churn_day > 0)).sum() / customers.sum())


def test_yearly_logo_churn_is_realistic_and_poor_onboarding_churns_more(
    population: Population,
) -> None:
    timeline, profiles, churn_day, _parts = population
    everyone = np.ones(len(profiles), dtype=bool)
    overall = _yearly_churn(timeline, profiles, churn_day, everyone)
    poor = _yearly_churn(timeline, profiles, churn_day, profiles.onboarding < 0.4)
    good = _yearly_churn(timeline, profiles, churn_day, profiles.onboarding > 0.6)
    assert 0.08 <= overall <= 0.22
    assert poor > 1.3 * good


def test_health_and_users_slide_before_a_monthly_contract_churns(population: Population) -> None:
    _timeline, profiles, churn_day, parts = population
    health = np.concatenate([part.health for part in parts])
    users = np.concatenate([part.users for part in parts])
    alive = np.concatenate([part.alive for part in parts])
    last = alive.shape[1] - 1 - alive[:, ::-1].argmax(axis=1)
    rows = np.flatnonzero((churn_day > 0) & ~profiles.annual & (last - profiles.start_month >= 8))
    assert len(rows) > 100
    before, at_churn = last[rows] - 5, last[rows]
    assert health[rows, at_churn].mean() < 0.8 * health[rows, before].mean()
    assert users[rows, at_churn].mean() < users[rows, before].mean()


def test_trajectories_are_consistent(population: Population) -> None:
    timeline, profiles, _churn_day, parts = population
    for index, part in enumerate(parts):
        chunk = profiles.take(index * CHUNK_SIZE, (index + 1) * CHUNK_SIZE)
        alive = part.alive
        # A customer is alive from its start month, without gaps, until it churns.
        first = alive.argmax(axis=1)
        last = alive.shape[1] - 1 - alive[:, ::-1].argmax(axis=1)
        assert (first == chunk.start_month).all()
        assert (alive.sum(axis=1) == last - first + 1).all()
        churned = part.churn_day > 0
        assert (part.churn_day[churned] > chunk.start_day[churned]).all()
        assert (part.churn_day[churned] < timeline.today_day).all()
        assert (alive[~churned, -1]).all()
        assert ((part.hazard > 0) & (part.hazard < 1))[alive].all()
        assert ((part.health >= 0) & (part.health <= 1)).all()
        assert (part.seats[alive] >= 1).all()
        assert (part.seats[alive & (part.plan == ENTERPRISE)] >= ENTERPRISE_MIN_SEATS).all()
        scores = part.nps[part.nps >= 0]
        assert ((scores >= 0) & (scores <= 10)).all()
        explained = [bool(drivers) for drivers in part.churn_drivers]
        assert explained == churned.tolist()
