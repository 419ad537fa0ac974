"""The hidden life of each account, month by month (pure: no I/O).

Every account carries a latent health that drifts towards a level set by its product fit and
adoption, and is pushed by what happens to it: CSM touches, tickets left unresolved, a champion
who leaves. A monthly churn hazard follows from health plus direct risk signals (poor
onboarding, falling usage, detractor NPS, no champion, no CSM contact). The same signals can
start a slide into disengagement (health sinks, users drift away) that a CSM may stop; most
churn comes at the end of such a slide. Churn, expansion and contraction are drawn from that
state. All accounts of a chunk step through the months together, so every operation is a
numpy expression over accounts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hatake.demo.profiles import (
    CADENCE_DAYS,
    ENTERPRISE,
    ENTERPRISE_MIN_SEATS,
    FREE,
    MAX_SEATS,
    PRO,
    STANDARD,
    Profiles,
)
from hatake.demo.timeline import Timeline, anniversaries

# Why an account churned, in the order of the columns of `hazard_terms`.
DRIVERS = (
    "low_health",
    "poor_onboarding",
    "falling_usage",
    "unresolved_tickets",
    "detractor_nps",
    "champion_left",
    "no_csm_contact",
)
# Calibrated so that yearly logo churn is about 10-20% over a typical mix of accounts.
HAZARD_BASE = -5.8
# Most churn is preceded by a slide: the same risk signals push an account into disengagement,
# where health sinks and users drift away month after month, until it churns or a CSM turns
# it around. This is what makes usage a leading indicator, as it is in real customer bases.
DECLINE_BASE = -4.3
DECLINE_DEPTH = 1.8  # how far the latent health target drops while disengaged
USERS_LOST_PER_MONTH = 0.15  # share of active users lost per month of disengagement
FREE_PLAN_HAZARD = 0.4
SURVEY_MONTHS = (6, 12)  # NPS waves, twice a year
MAX_RESPONDENTS = 5
MEANINGFUL_SHARE = 0.85  # touches that reach someone and matter
STUCK_SHARE = 0.08  # tickets that stay unresolved for weeks


@dataclass(frozen=True)
class Trajectories:
    """Accounts x months matrices of one chunk (months of the whole timeline)."""

    alive: np.ndarray  # bool: a customer during (part of) the month
    health: np.ndarray  # hidden health 0-1 at the end of the month
    hazard: np.ndarray  # monthly churn hazard
    seats: np.ndarray  # seats at the end of the month (free plan: potential users)
    plan: np.ndarray
    change_day: np.ndarray  # day of a seat or plan change in the month, 0 if none
    renewal_day: np.ndarray  # day an annual term renewed in the month, 0 if none
    users: np.ndarray  # how many people should be active users
    touches: np.ndarray
    meaningful: np.ndarray
    functional_tickets: np.ndarray
    operational_tickets: np.ndarray
    stuck_tickets: np.ndarray
    nps: np.ndarray  # accounts x months x MAX_RESPONDENTS scores, -1 where nobody answered
    champions_lost: np.ndarray
    champions_appointed: np.ndarray
    churn_day: np.ndarray  # per account, 0 if still a customer
    churn_drivers: list[str]  # per account, comma-separated DRIVERS, "" if still a customer


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def adoption_share(tenure: np.ndarray, onboarding: np.ndarray, fit: np.ndarray) -> np.ndarray:
    """Share of seats in active use: an S-curve over tenure. Good onboarding ramps up within a
    month or two; poor onboarding takes half a year and levels off lower."""
    ceiling = 0.3 + 0.65 * (0.6 * onboarding + 0.4 * fit)
    midpoint = 0.5 + 5.0 * (1.0 - onboarding)
    return ceiling * logistic((tenure - midpoint) / 1.2)


def touch_rate(
    cs_plan: np.ndarray, care: np.ndarray, tenure: np.ndarray, health: np.ndarray
) -> np.ndarray:
    """Expected CSM touches in a month: the plan's cadence, scaled by how much attention the
    account really gets; more during onboarding and when a diligent CSM sees it struggle."""
    onboarding = np.where(tenure < 3, 2.0, 1.0)
    at_risk = 1.0 + 0.8 * (health < 0.4) * care
    return 30.4 / CADENCE_DAYS[cs_plan] * care * onboarding * at_risk


def health_target(fit: np.ndarray, adoption: np.ndarray, has_champion: np.ndarray) -> np.ndarray:
    """The latent level an account drifts towards (logit scale)."""
    return 2.4 * (fit - 0.5) + 2.0 * (adoption - 0.5) + 0.4 * has_champion - 0.2


def health_shock(
    meaningful: np.ndarray,
    stuck: np.ndarray,
    resolved: np.ndarray,
    lost: np.ndarray,
    champions: np.ndarray,
    months_without_touch: np.ndarray,
) -> np.ndarray:
    """This month's push on latent health from what happened to the account."""
    return (
        0.12 * np.minimum(meaningful, 3)
        + 0.04 * np.minimum(resolved, 5)
        - 0.35 * stuck
        - 0.9 * ((lost > 0) & (champions == 0))
        - 0.3 * ((lost > 0) & (champions > 0))
        - 0.25 * (months_without_touch >= 4)
    )


def hazard_terms(
    health: np.ndarray,
    onboarding: np.ndarray,
    tenure: np.ndarray,
    falling_usage: np.ndarray,
    stuck_open: np.ndarray,
    detractors: np.ndarray,
    champions: np.ndarray,
    months_without_touch: np.ndarray,
) -> np.ndarray:
    """Logit contributions to the churn hazard, one column per entry of DRIVERS."""
    return np.stack(
        [
            3.5 * (0.55 - health),
            2.4 * np.maximum(0.0, 0.5 - onboarding) * (tenure < 12),
            0.6 * falling_usage,
            0.35 * np.minimum(stuck_open, 3.0),
            1.0 * detractors,
            0.9 * (champions == 0),
            0.15 * np.clip(months_without_touch - 3, 0, 6),
        ],
        axis=1,
    )


def churn_hazard(terms: np.ndarray, plan: np.ndarray) -> np.ndarray:
    return logistic(HAZARD_BASE + terms.sum(axis=1) + FREE_PLAN_HAZARD * (plan == FREE))


def retained_users(declining: np.ndarray) -> np.ndarray:
    """Share of an account's users still active after `declining` months of disengagement."""
    return np.clip(1.0 - USERS_LOST_PER_MONTH * declining, 0.35, 1.0)


def next_decline(
    declining: np.ndarray,
    alive: np.ndarray,
    terms: np.ndarray,
    meaningful: np.ndarray,
    care: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Months of disengagement after this month. Risk signals start a slide; a meaningful CSM
    touch from an attentive team can end it, and a few accounts recover on their own."""
    starts = (
        alive
        & (declining == 0)
        & (rng.random(len(alive)) < logistic(DECLINE_BASE + terms.sum(axis=1)))
    )
    recovers = (declining > 0) & (rng.random(len(alive)) < 0.05 + 0.3 * care * (meaningful > 0))
    return np.where(
        recovers, 0, np.where(alive & ((declining > 0) | starts), declining + 1, declining)
    )


def nps_wave(
    surveyed: np.ndarray, users: np.ndarray, health: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """accounts x MAX_RESPONDENTS NPS scores (-1: no answer): a few users of each surveyed
    account answer; healthy accounts give 8-10, struggling ones 3-6."""
    n = len(surveyed)
    asked = np.minimum(
        np.minimum(MAX_RESPONDENTS, 1 + rng.poisson(0.5 + users / 20)),
        np.maximum(np.floor(users), 1),
    )
    chance = 0.35 + 0.65 * health[:, None] + 0.1 * rng.standard_normal((n, MAX_RESPONDENTS))
    scores = rng.binomial(10, np.clip(chance, 0.02, 0.98))
    answered = surveyed[:, None] & (np.arange(MAX_RESPONDENTS)[None, :] < asked[:, None])
    return np.where(answered, scores, -1)


def main_drivers(contributions: np.ndarray) -> str:
    """The drivers that pushed the hazard up most, strongest first."""
    order = np.argsort(-contributions, kind="stable")
    chosen = [DRIVERS[i] for i in order if contributions[i] >= 0.25]
    return ",".join(chosen or [DRIVERS[int(order[0])]])


def renewal_days(profiles: Profiles, timeline: Timeline) -> np.ndarray:
    """Day of each annual renewal before today, placed in its month (0 elsewhere)."""
    result = np.zeros((len(profiles), timeline.n_months), dtype=np.int64)
    for row in np.flatnonzero(profiles.annual):
        days = anniversaries(int(profiles.start_day[row]), timeline.n_months // 12 + 1)
        days = days[days < timeline.today_day]
        result[row, timeline.month_of(days)] = days
    return result


def _day_in(lo: np.ndarray, hi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A uniform day in [lo, hi) per account (lo where the range is empty)."""
    return lo + np.floor(rng.random(len(lo)) * np.maximum(hi - lo, 0)).astype(np.int64)


def simulate(
    profiles: Profiles, diligence: np.ndarray, timeline: Timeline, rng: np.random.Generator
) -> Trajectories:
    n, months = len(profiles), timeline.n_months
    p = profiles
    care = p.attention * diligence[p.owner]
    starts = timeline.month_starts
    calendar_month = timeline.calendar_month()
    renewals = renewal_days(p, timeline)

    shape = (n, months)
    out_alive = np.zeros(shape, dtype=bool)
    out_health = np.zeros(shape, dtype=np.float32)
    out_hazard = np.zeros(shape, dtype=np.float32)
    out_seats = np.zeros(shape, dtype=np.int64)
    out_plan = np.zeros(shape, dtype=np.int8)
    out_change = np.zeros(shape, dtype=np.int64)
    out_users = np.zeros(shape, dtype=np.float32)
    counts = {
        key: np.zeros(shape, dtype=np.int64)
        for key in ("touches", "meaningful", "functional", "operational", "stuck", "lost", "hired")
    }
    out_nps = np.full((n, months, MAX_RESPONDENTS), -1, dtype=np.int8)

    latent = 0.3 + 0.5 * (p.onboarding - 0.5)  # a new customer starts hopeful
    champions = p.champions.astype(np.int64)
    seats = p.seats.copy()
    plan = p.plan.copy()
    without_touch = np.zeros(n)
    declining = np.zeros(n)  # months of disengagement so far, 0 when engaged
    stuck_open = np.zeros(n)
    detractors = np.zeros(n)
    term_survival = np.ones(n)
    recent_usage = np.zeros((n, 3))
    driver_memory = np.zeros((n, len(DRIVERS)))
    churned = np.zeros(n, dtype=bool)
    churn_day = np.zeros(n, dtype=np.int64)
    drivers = [""] * n

    for m in range(months):
        alive = (p.start_month <= m) & ~churned
        if not alive.any():
            continue
        tenure = m - p.start_month
        lo = np.maximum(starts[m], p.start_day + 1)
        hi = np.full(n, min(starts[m + 1], timeline.today_day))
        can_act = alive & (hi > lo)
        adoption = adoption_share(tenure, p.onboarding, p.fit)
        adoption = adoption * retained_users(declining)
        users = np.maximum(seats * adoption, champions)
        health_before = logistic(latent)

        touches = np.where(
            alive, rng.poisson(touch_rate(p.cs_plan, care, tenure, health_before)), 0
        )
        meaningful = rng.binomial(touches, MEANINGFUL_SHARE)
        without_touch = np.where(meaningful > 0, 0, without_touch + 1)

        load = p.ticket_propensity * np.where(alive, 1.0, 0.0)
        functional = rng.poisson(0.05 * users**0.75 * load * (1.6 - health_before))
        operational = rng.poisson(
            0.03 * users**0.6 * load * (1.4 - health_before) * np.where(tenure < 3, 2.0, 1.0)
        )
        stuck = rng.binomial(functional + operational, STUCK_SHARE)
        stuck_open = 0.6 * stuck_open + stuck

        lost = np.where(alive & (tenure >= 1), rng.binomial(champions, p.champion_risk), 0)
        champions = champions - lost
        hired = alive & (champions == 0) & (lost == 0) & (rng.random(n) < 0.1 + 0.35 * care)
        champions = champions + hired

        target = health_target(p.fit, adoption, champions > 0) - DECLINE_DEPTH * (declining > 0)
        shock = health_shock(
            meaningful, stuck, functional + operational - stuck, lost, champions, without_touch
        )
        moved = latent + 0.35 * (target - latent) + shock + 0.35 * rng.standard_normal(n)
        latent = np.where(alive, moved, latent)
        health = logistic(latent)

        survey = alive & np.isin(calendar_month[m], SURVEY_MONTHS) & (tenure >= 2)
        out_nps[:, m, :] = nps_wave(survey, users, health, rng)
        answers = out_nps[:, m, :] >= 0
        share = ((out_nps[:, m, :] <= 6) & answers).sum(axis=1) / np.maximum(answers.sum(axis=1), 1)
        detractors = np.where(survey, share, 0.85 * detractors)

        usage = health * adoption
        falling = (tenure >= 4) & (usage < 0.75 * recent_usage.mean(axis=1))
        recent_usage = np.where(alive[:, None], np.roll(recent_usage, 1, axis=1), recent_usage)
        recent_usage[:, 0] = np.where(alive, usage, recent_usage[:, 0])

        terms = hazard_terms(
            health, p.onboarding, tenure, falling, stuck_open, detractors, champions, without_touch
        )
        hazard = churn_hazard(terms, plan)
        declining = next_decline(declining, alive, terms, meaningful, care, rng)
        driver_memory = np.where(
            alive[:, None], 0.7 * driver_memory + 0.3 * np.maximum(terms, 0), driver_memory
        )

        # Monthly contracts can end any month; annual ones only at renewal, on the whole term's
        # accumulated risk, so both billing periods see the same yearly churn for the same state.
        renewal = np.where(alive, renewals[:, m], 0)
        term_survival = np.where(alive, term_survival * (1.0 - hazard), term_survival)
        leave_roll = rng.random(n)
        leaves_monthly = can_act & ~p.annual & (tenure >= 1) & (leave_roll < hazard)
        leaves_annual = (renewal > 0) & (leave_roll < 1.0 - term_survival)
        term_survival = np.where(renewal > 0, 1.0, term_survival)
        leaves = leaves_monthly | leaves_annual
        day = _day_in(lo, hi, rng)
        churn_day = np.where(leaves, np.where(p.annual, renewal, day), churn_day)
        for row in np.flatnonzero(leaves):
            drivers[row] = main_drivers(driver_memory[row])

        new_plan, new_seats = _seat_and_plan_changes(
            plan, seats, health, tenure, renewal > 0, p.annual, rng
        )
        stays = can_act & ~leaves
        new_plan = np.where(stays, new_plan, plan)
        new_seats = np.where(stays, new_seats, seats)
        changed = (new_plan != plan) | (new_seats != seats)
        # An annual contract changes at its renewal when one falls in the month (co-terming).
        change_on = np.where(p.annual & (renewal > 0), renewal, day)
        out_change[:, m] = np.where(changed, change_on, 0)
        plan, seats = new_plan, new_seats
        churned |= leaves

        out_alive[:, m] = alive
        out_health[:, m] = np.where(alive, health, 0)
        out_hazard[:, m] = np.where(alive, hazard, 0)
        out_seats[:, m] = seats
        out_plan[:, m] = plan
        out_users[:, m] = np.where(alive, np.maximum(seats * adoption, champions), 0)
        for key, value in (
            ("touches", touches),
            ("meaningful", meaningful),
            ("functional", functional),
            ("operational", operational),
            ("stuck", stuck),
            ("lost", lost),
            ("hired", hired),
        ):
            counts[key][:, m] = value

    return Trajectories(
        alive=out_alive,
        health=out_health,
        hazard=out_hazard,
        seats=out_seats,
        plan=out_plan,
        change_day=out_change,
        renewal_day=np.where(out_alive, renewals, 0),
        users=out_users,
        touches=counts["touches"],
        meaningful=counts["meaningful"],
        functional_tickets=counts["functional"],
        operational_tickets=counts["operational"],
        stuck_tickets=counts["stuck"],
        nps=out_nps,
        champions_lost=counts["lost"],
        champions_appointed=counts["hired"],
        churn_day=churn_day,
        churn_drivers=drivers,
    )


def _seat_and_plan_changes(
    plan: np.ndarray,
    seats: np.ndarray,
    health: np.ndarray,
    tenure: np.ndarray,
    renewing: np.ndarray,
    annual: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Healthy accounts add seats, convert from free or upgrade; struggling ones cut seats or
    move down from pro or enterprise to the plan below (annual contracts only at renewal)."""
    n = len(plan)
    roll = rng.random(n)
    grow = rng.uniform(0.1, 0.5, n)
    shrink = rng.uniform(0.15, 0.4, n)
    expands = (health > 0.68) & (tenure >= 3) & (roll < 0.06)
    converts = (plan == FREE) & (health > 0.65) & (tenure >= 2) & (roll >= 0.06) & (roll < 0.09)
    upgrades = (
        (((plan == STANDARD) & (seats >= 15)) | ((plan == PRO) & (seats >= 40)))
        & (health > 0.7)
        & (roll >= 0.09)
        & (roll < 0.105)
    )
    contracts = (
        (plan != FREE) & (health < 0.35) & np.where(annual, renewing & (roll < 0.5), roll < 0.07)
    )
    downgrades = (
        (plan >= PRO)
        & (health < 0.35)
        & np.where(annual, renewing & (roll >= 0.5) & (roll < 0.65), (roll >= 0.07) & (roll < 0.08))
    )
    new_seats = np.where(expands, seats + np.maximum(1, np.round(seats * grow)), seats)
    new_seats = np.where(contracts, seats - np.maximum(1, np.round(seats * shrink)), new_seats)
    new_plan = np.where(converts | upgrades, plan + 1, np.where(downgrades, plan - 1, plan))
    floor = np.where(new_plan == ENTERPRISE, ENTERPRISE_MIN_SEATS, 1)
    new_seats = np.clip(new_seats, floor, MAX_SEATS).astype(np.int64)
    return new_plan.astype(plan.dtype), new_seats
