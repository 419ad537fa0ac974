"""The factor registry: each factor is one small function of what is known about accounts on
their as-of days, and one entry in FACTORS. Its slug is what definitions, explanations and the
UI use. To add a factor, write the function and add the entry.

Functions work on whole columns (one element per account and day) so that a year of daily
scores for ten thousand accounts is a few array operations rather than millions of calls.
Numbers are float arrays with NaN where nothing is known; days are ``datetime64[D]`` with NaT;
categories are object arrays with None.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

Columns = Mapping[str, np.ndarray]
Value = float | str | None
ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Factor:
    slug: str
    label: str  # English msgid; the ja catalog translates it
    unit: str
    value: Callable[[Columns], np.ndarray]


def _column(key: str) -> Callable[[Columns], np.ndarray]:
    def value(columns: Columns) -> np.ndarray:
        return np.asarray(columns[key], dtype=float)

    return value


def _zero_if_unknown(columns: Columns, key: str) -> np.ndarray:
    return np.nan_to_num(np.asarray(columns[key], dtype=float), nan=0.0)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 or unknown."""
    usable = np.nan_to_num(denominator, nan=0.0) != 0
    return np.divide(numerator, denominator, out=np.full(len(numerator), np.nan), where=usable)


def _days_between(earlier: np.ndarray, later: np.ndarray) -> np.ndarray:
    return (later - earlier) / ONE_DAY


def usage_rate(columns: Columns) -> np.ndarray:
    """Active IDs in 30 days per contracted seat (a fraction); free plans (no seats) use
    registered IDs."""
    seats = np.nan_to_num(np.asarray(columns["seats"], dtype=float), nan=0.0)
    base = np.where(seats > 0, seats, np.asarray(columns["active_contacts"], dtype=float))
    return _ratio(_zero_if_unknown(columns, "active_users_30d"), base)


def usage_trend(columns: Columns) -> np.ndarray:
    """Events in the last 30 days against the 30 before, as a fraction (0.1 = +10 %); +100 %
    for a first month of use, unknown when both are empty."""
    current = _zero_if_unknown(columns, "events_30d")
    previous = _zero_if_unknown(columns, "events_previous_30d")
    change = _ratio(current - previous, previous)
    return np.where(previous == 0, np.where(current == 0, np.nan, 1.0), change)


def days_since_last_activity(columns: Columns) -> np.ndarray:
    return _days_between(columns["last_active_day"], columns["day"])


def onboarding_milestones(columns: Columns) -> np.ndarray:
    """Share of the configured onboarding milestones reached (unknown when none are set)."""
    total = np.asarray(columns["milestones_total"], dtype=float)
    return _ratio(_zero_if_unknown(columns, "milestones_reached"), total)


def seat_utilisation(columns: Columns) -> np.ndarray:
    return _ratio(np.asarray(columns["active_contacts"], dtype=float), columns["seats"])


def days_to_renewal(columns: Columns) -> np.ndarray:
    return _days_between(columns["day"], columns["renewal_date"])


def mrr_change_90d(columns: Columns) -> np.ndarray:
    before = np.asarray(columns["mrr_minor_earlier"], dtype=float)
    return _ratio(np.asarray(columns["mrr_minor"], dtype=float) - before, before)


def ticket_trend(columns: Columns) -> np.ndarray:
    return np.asarray(columns["tickets_30d"], dtype=float) - columns["tickets_previous_30d"]


def nps_category(columns: Columns) -> np.ndarray:
    """The latest answer's band: detractor 0-6, passive 7-8, promoter 9-10."""
    nps = np.round(np.asarray(columns["latest_nps"], dtype=float))
    bands = np.where(nps >= 9, "promoter", np.where(nps >= 7, "passive", "detractor"))
    return np.where(np.isnan(nps), None, bands.astype(object))


def days_since_meaningful_touch(columns: Columns) -> np.ndarray:
    return _days_between(columns["last_meaningful_touch_day"], columns["day"])


def champion_present(columns: Columns) -> np.ndarray:
    return (np.asarray(columns["champions"], dtype=float) > 0).astype(float)


FACTORS: tuple[Factor, ...] = (
    Factor("active_users_7d", "Active users in 7 days", "users", _column("active_users_7d")),
    Factor("active_users_30d", "Active users in 30 days", "users", _column("active_users_30d")),
    Factor("usage_rate", "Usage rate", "ratio", usage_rate),
    Factor("usage_trend", "Usage trend", "ratio", usage_trend),
    Factor(
        "days_since_last_activity", "Days since last activity", "days", days_since_last_activity
    ),
    Factor("feature_breadth", "Feature breadth", "features", _column("feature_breadth")),
    Factor(
        "onboarding_milestones", "Onboarding milestones reached", "ratio", onboarding_milestones
    ),
    Factor("open_tickets", "Open tickets", "tickets", _column("open_tickets")),
    Factor(
        "tickets_unresolved_over_n_days",
        "Long-unresolved tickets",
        "tickets",
        _column("old_open_tickets"),
    ),
    Factor("ticket_trend", "Ticket trend", "tickets", ticket_trend),
    Factor("latest_nps", "Latest NPS", "points", _column("latest_nps")),
    Factor("nps_category", "NPS category", "", nps_category),
    Factor("csm_sentiment", "CSM sentiment", "rating", _column("csm_sentiment")),
    Factor(
        "days_since_meaningful_touch",
        "Days since meaningful touch",
        "days",
        days_since_meaningful_touch,
    ),
    Factor("seat_utilisation", "Seat utilisation", "ratio", seat_utilisation),
    Factor("days_to_renewal", "Days to renewal", "days", days_to_renewal),
    Factor("mrr_change_90d", "MRR change in 90 days", "ratio", mrr_change_90d),
    Factor("champion_present", "Champion present", "", champion_present),
)
FACTORS_BY_SLUG: dict[str, Factor] = {factor.slug: factor for factor in FACTORS}
METRIC_LABELS: dict[str, str] = {factor.slug: factor.label for factor in FACTORS}


def known_metrics(custom_keys: list[str]) -> set[str]:
    """Every slug a definition may use: the registry plus `custom.<key>` per custom field."""
    return set(FACTORS_BY_SLUG) | {f"custom.{key}" for key in custom_keys}


def metric_columns(columns: Columns, custom_keys: list[str]) -> dict[str, np.ndarray]:
    """Every factor's values for the rows of ``columns``; custom fields pass through as text,
    read by each definition's scoring function as it needs."""
    values = {factor.slug: factor.value(columns) for factor in FACTORS}
    for key in custom_keys:
        values[f"custom.{key}"] = _custom_column(columns[f"custom.{key}"])
    return values


def _custom_column(raw: np.ndarray) -> np.ndarray:
    """A custom field as numbers when every known value is one, else as categories."""
    texts = np.asarray(raw, dtype=object)
    try:
        return np.array([np.nan if text is None else float(text) for text in texts], dtype=float)
    except ValueError:
        return texts


def plain(value: object) -> Value:
    """One element of a metric column as a plain Python value (None for NaN/None)."""
    if value is None:
        return None
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    return str(value)
