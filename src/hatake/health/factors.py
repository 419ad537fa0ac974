"""The factor registry: each factor is one small function of what is known about an account on
the as-of date, and one entry in FACTORS. Its slug is what definitions, explanations and the
UI use. To add a factor, write the function and add the entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from hatake.health.repository import AccountFacts
from hatake.voc.nps import nps_category

Value = float | str | None


@dataclass(frozen=True)
class Known:
    """Everything known about one account at the end of the as-of day."""

    as_of: date
    facts: AccountFacts
    usage: Mapping[str, Any]


@dataclass(frozen=True)
class Factor:
    slug: str
    label: str  # English msgid; the ja catalog translates it
    unit: str
    value: Callable[[Known], Value]


def _usage(key: str) -> Callable[[Known], Value]:
    def value(known: Known) -> Value:
        raw = known.usage.get(key)
        return None if raw is None else float(raw)

    return value


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def usage_rate(known: Known) -> Value:
    """Active IDs in 30 days per contracted seat (a fraction); free plans (no seats) use
    registered IDs."""
    active = float(known.usage.get("active_users_30d") or 0)
    base = known.facts.seats or known.facts.active_contacts
    return _ratio(active, base)


def usage_trend(known: Known) -> Value:
    """Events in the last 30 days against the 30 before, as a fraction (0.1 = +10 %)."""
    current = float(known.usage.get("events_30d") or 0)
    previous = float(known.usage.get("events_previous_30d") or 0)
    if previous == 0:
        return None if current == 0 else 1.0
    return (current - previous) / previous


def days_since_last_activity(known: Known) -> Value:
    last = known.usage.get("last_activity")
    return None if last is None else float((known.as_of - last.date()).days)


def seat_utilisation(known: Known) -> Value:
    return _ratio(known.facts.active_contacts, known.facts.seats)


def days_to_renewal(known: Known) -> Value:
    renewal = known.facts.renewal_date
    return None if renewal is None else float((renewal - known.as_of).days)


def mrr_change_90d(known: Known) -> Value:
    before = known.facts.mrr_minor_90d_ago
    if before == 0:
        return None
    return (known.facts.mrr_minor - before) / before


def ticket_trend(known: Known) -> Value:
    return float(known.facts.tickets_30d - known.facts.tickets_previous_30d)


def latest_nps_category(known: Known) -> Value:
    nps = known.facts.latest_nps
    return None if nps is None else nps_category(round(nps))


def days_since_meaningful_touch(known: Known) -> Value:
    touch = known.facts.last_meaningful_touch
    return None if touch is None else float((known.as_of - touch.date()).days)


FACTORS: tuple[Factor, ...] = (
    Factor("active_users_7d", "Active users in 7 days", "users", _usage("active_users_7d")),
    Factor("active_users_30d", "Active users in 30 days", "users", _usage("active_users_30d")),
    Factor("usage_rate", "Usage rate", "ratio", usage_rate),
    Factor("usage_trend", "Usage trend", "ratio", usage_trend),
    Factor(
        "days_since_last_activity", "Days since last activity", "days", days_since_last_activity
    ),
    Factor("feature_breadth", "Feature breadth", "features", _usage("feature_breadth")),
    Factor("open_tickets", "Open tickets", "tickets", lambda k: float(k.facts.open_tickets)),
    Factor(
        "tickets_unresolved_over_n_days",
        "Long-unresolved tickets",
        "tickets",
        lambda k: float(k.facts.old_open_tickets),
    ),
    Factor("ticket_trend", "Ticket trend", "tickets", ticket_trend),
    Factor("latest_nps", "Latest NPS", "points", lambda k: k.facts.latest_nps),
    Factor("nps_category", "NPS category", "", latest_nps_category),
    Factor(
        "days_since_meaningful_touch",
        "Days since meaningful touch",
        "days",
        days_since_meaningful_touch,
    ),
    Factor("seat_utilisation", "Seat utilisation", "ratio", seat_utilisation),
    Factor("days_to_renewal", "Days to renewal", "days", days_to_renewal),
    Factor("mrr_change_90d", "MRR change in 90 days", "ratio", mrr_change_90d),
    Factor("champion_present", "Champion present", "", lambda k: float(k.facts.champions > 0)),
)
FACTORS_BY_SLUG: dict[str, Factor] = {factor.slug: factor for factor in FACTORS}
METRIC_LABELS: dict[str, str] = {factor.slug: factor.label for factor in FACTORS}


def known_metrics(custom_keys: list[str]) -> set[str]:
    """Every slug a definition may use: the registry plus `custom.<key>` per custom field."""
    return set(FACTORS_BY_SLUG) | {f"custom.{key}" for key in custom_keys}


def metric_values(known: Known, custom_keys: list[str]) -> dict[str, Value]:
    values = {factor.slug: factor.value(known) for factor in FACTORS}
    for key in custom_keys:
        raw = known.facts.custom.get(key)
        values[f"custom.{key}"] = raw if isinstance(raw, str) or raw is None else float(raw)
    return values
