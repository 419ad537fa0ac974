"""Who the demo customers are: the static profile of every account, drawn once per run.

A profile holds what a CRM would know (name, industry, size, plan, owner) and the hidden
traits that drive the simulation (onboarding quality, product fit, CSM attention, champion
risk). Everything is a numpy array over accounts so a chunk is a cheap slice.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from hatake.demo import names
from hatake.demo.timeline import Timeline

PLANS = ("free", "standard", "pro", "enterprise")
FREE, STANDARD, PRO, ENTERPRISE = range(4)
# JPY per seat per month when billed monthly, per seat per year when billed annually
# (annual is about two months free). Free accounts pay nothing; seats = registered users.
MONTHLY_PRICE_JPY = np.array([0, 1_980, 3_480, 4_980])
ANNUAL_PRICE_JPY = np.array([0, 19_800, 34_800, 49_800])
ANNUAL_SHARE = np.array([0.0, 0.3, 0.6, 1.0])
ENTERPRISE_MIN_SEATS = 20
MAX_SEATS = 400

CS_PLANS = ("basic", "basic_plus", "premium")
BASIC, BASIC_PLUS, PREMIUM = range(3)
# Days between planned CSM contacts per CS plan: high touch every two weeks, others less.
CADENCE_DAYS = np.array([90.0, 45.0, 14.0])
# Monthly recurring revenue (JPY) from which accounts usually get the richer CS plans.
PREMIUM_MRR = 150_000
BASIC_PLUS_MRR = 40_000


class Archetype(NamedTuple):
    key: str
    weight: float
    onboarding: tuple[float, float]  # Beta(a, b) of onboarding quality
    fit: tuple[float, float]  # Beta(a, b) of product fit
    attention: tuple[float, float]  # Beta(a, b) of the CSM attention the account gets
    champion_risk: float  # monthly probability that a champion leaves


ARCHETYPES: tuple[Archetype, ...] = (
    Archetype("thriving", 0.20, (8, 2), (8, 2), (6, 2), 0.010),
    Archetype("steady", 0.33, (5, 3), (5, 3), (6, 2), 0.012),
    Archetype("poor_onboarding", 0.15, (2, 6), (5, 3), (5, 3), 0.012),
    Archetype("poor_fit", 0.12, (5, 3), (2, 5), (5, 3), 0.012),
    Archetype("neglected", 0.10, (4, 3), (4, 3), (1, 12), 0.015),
    Archetype("champion_dependent", 0.10, (5, 3), (5, 3), (5, 3), 0.050),
)


@dataclass(frozen=True)
class Profiles:
    number: np.ndarray  # 1-based account number of the run
    external_id: list[str]
    name: list[str]
    domain: list[str]
    industry: np.ndarray  # index into names.INDUSTRIES
    region: np.ndarray  # index into names.REGIONS
    employees: np.ndarray
    start_day: np.ndarray
    start_month: np.ndarray  # index into the timeline's months
    archetype: np.ndarray  # index into ARCHETYPES
    onboarding: np.ndarray
    fit: np.ndarray
    attention: np.ndarray
    champion_risk: np.ndarray
    ticket_propensity: np.ndarray
    plan: np.ndarray  # plan at the start
    seats: np.ndarray  # seats at the start
    annual: np.ndarray  # billed annually (12-month terms) rather than monthly
    cs_plan: np.ndarray
    owner: np.ndarray  # index of the owning CSM
    champions: np.ndarray  # champions at the start (1 or 2)

    def __len__(self) -> int:
        return len(self.number)

    def take(self, start: int, stop: int) -> Profiles:
        return Profiles(**{f.name: getattr(self, f.name)[start:stop] for f in fields(self)})


def account_external_id(number: int) -> str:
    return f"ACC-{number:06d}"


def monthly_revenue(plan: np.ndarray, seats: np.ndarray, annual: np.ndarray) -> np.ndarray:
    """MRR in JPY (no minor unit) of a plan, seat count and billing period."""
    per_seat = np.where(annual, ANNUAL_PRICE_JPY[plan] // 12, MONTHLY_PRICE_JPY[plan])
    return (per_seat * seats).astype(np.int64)


def draw_diligence(rng: np.random.Generator) -> np.ndarray:
    """How much of their planned contact work each CSM actually does (1 = all of it)."""
    return np.round(rng.uniform(0.55, 1.2, names.CSM_COUNT), 2)


def draw_profiles(n: int, timeline: Timeline, locale: str, rng: np.random.Generator) -> Profiles:
    start_day = _start_days(n, timeline, rng)
    industry = rng.choice(len(names.INDUSTRIES), n, p=[i.weight for i in names.INDUSTRIES])
    region = rng.choice(len(names.REGIONS), n, p=[r.weight for r in names.REGIONS])
    employees = np.clip(np.round(rng.lognormal(np.log(60), 1.1, n)), 3, 20_000).astype(np.int64)
    archetype = rng.choice(len(ARCHETYPES), n, p=[a.weight for a in ARCHETYPES])

    def trait(attribute: str) -> np.ndarray:
        params = np.array([getattr(a, attribute) for a in ARCHETYPES])[archetype]
        return rng.beta(params[:, 0], params[:, 1])

    onboarding, fit, attention = trait("onboarding"), trait("fit"), trait("attention")
    champion_risk = np.array([a.champion_risk for a in ARCHETYPES])[archetype] * rng.uniform(
        0.6, 1.4, n
    )
    plan = _initial_plans(employees, rng)
    share = rng.beta(2, 5, n)
    seats = np.clip(np.round(employees * share), 1, MAX_SEATS).astype(np.int64)
    seats = np.where(plan == ENTERPRISE, np.maximum(seats, ENTERPRISE_MIN_SEATS), seats)
    annual = rng.random(n) < ANNUAL_SHARE[plan]
    mrr = monthly_revenue(plan, seats, annual)
    roll = rng.random(n)
    cs_plan = np.where(
        ((mrr >= PREMIUM_MRR) | (plan == ENTERPRISE)) & (roll < 0.75),
        PREMIUM,
        np.where((mrr >= BASIC_PLUS_MRR) & (roll < 0.85), BASIC_PLUS, BASIC),
    )
    company_names, domains = company_identities(industry, region, locale, rng)
    number = np.arange(1, n + 1)
    return Profiles(
        number=number,
        external_id=[account_external_id(int(i)) for i in number],
        name=company_names,
        domain=domains,
        industry=industry,
        region=region,
        employees=employees,
        start_day=start_day,
        start_month=timeline.month_of(start_day),
        archetype=archetype,
        onboarding=onboarding,
        fit=fit,
        attention=attention,
        champion_risk=champion_risk,
        ticket_propensity=rng.lognormal(0.0, 0.4, n),
        plan=plan,
        seats=seats,
        annual=annual,
        cs_plan=cs_plan,
        owner=rng.integers(0, names.CSM_COUNT, n),
        champions=1 + (rng.random(n) < 0.3),
    )


def _start_days(n: int, timeline: Timeline, rng: np.random.Generator) -> np.ndarray:
    """40% of accounts were customers before the window, the rest joined during it (up to a
    week before today, so every account has some history)."""
    first, window, last = timeline.month_starts[0], timeline.window_day, timeline.today_day - 7
    before = rng.random(n) < 0.4
    early = rng.integers(first, window, n)
    late = rng.integers(window, max(last, window + 1), n)
    return np.where(before, early, late)


def _initial_plans(employees: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Small companies start on the free plan more often; large ones buy pro or enterprise."""
    shares = np.array(
        [
            [0.40, 0.48, 0.12, 0.00],  # under 30 employees
            [0.15, 0.45, 0.34, 0.06],  # 30-299
            [0.00, 0.20, 0.40, 0.40],  # 300+
        ]
    )
    band = np.digitize(employees, [30, 300])
    cumulative = np.cumsum(shares[band], axis=1)
    return (rng.random(len(employees))[:, None] > cumulative).sum(axis=1).clip(max=3)


def company_identities(
    industry: np.ndarray, region: np.ndarray, locale: str, rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    """Unique, plausible company names and their e-mail domains.

    A name is [place] + stem + industry word in a legal form. A clash with an earlier name is
    redrawn, more often with a place; past the capacity of the lists (very large runs only)
    the account number is appended.
    """
    forms = names.LEGAL_FORMS_JA if locale == "ja" else names.LEGAL_FORMS_EN
    form_weights = [weight for _form, weight in forms]
    taken: set[str] = set()
    result_names: list[str] = []
    domains: list[str] = []
    for position, (ind, reg) in enumerate(zip(industry.tolist(), region.tolist(), strict=True)):
        for attempt in range(40):
            with_place = rng.random() < 0.3 + attempt / 40
            core, domain = _company_parts(
                names.INDUSTRIES[ind], names.REGIONS[reg], with_place, locale, rng
            )
            if domain not in taken:
                break
        else:
            core, domain = f"{core}{position + 1}", f"{domain}{position + 1}"
        taken.add(domain)
        form = forms[int(rng.choice(len(forms), p=form_weights))][0]
        result_names.append(form.format(core))
        domains.append(f"{domain}.example")
    return result_names, domains


def _company_parts(
    sector: names.Industry,
    area: names.Region,
    with_place: bool,
    locale: str,
    rng: np.random.Generator,
) -> tuple[str, str]:
    """A company name without its legal form, and its domain without the top-level part."""
    place = area.places[int(rng.integers(len(area.places)))] if with_place else None
    if locale == "ja":
        stem = names.COMPANY_STEMS[int(rng.integers(len(names.COMPANY_STEMS)))]
        word = sector.words_ja[int(rng.integers(len(sector.words_ja)))]
        chosen = [part for part in (place, stem, word) if part is not None]
        return "".join(part.ja for part in chosen), "-".join(part.romaji for part in chosen)
    stem_en = names.COMPANY_STEMS_EN[int(rng.integers(len(names.COMPANY_STEMS_EN)))]
    word_en = sector.words_en[int(rng.integers(len(sector.words_en)))]
    parts = [place.romaji.capitalize()] if place else []
    parts += [stem_en, word_en]
    return " ".join(parts), "-".join(part.lower() for part in parts)
