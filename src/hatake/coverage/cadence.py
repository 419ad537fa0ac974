"""Contact cadences: how many days may pass between meaningful touches, per touch tier.

``[coverage]`` in config.toml reaches ``FileConfig`` as a plain dict and is checked here, so a
mistake is reported with the field it is in (in the user's language) instead of a pydantic
trace that would stop every command reading config.toml. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hatake.core.errors import ConfigKeyError
from hatake.lifecycle.tiers import TIER_ORDER

DEFAULT_CADENCES: dict[str, int] = {"high_touch": 14, "low_touch": 45, "tech_touch": 90}
# Accounts without a recorded tier (stages never refreshed, or new since the last refresh).
DEFAULT_CADENCE_DAYS = 30
# How far in the future a logged touch may be dated (clocks differ, meetings overrun).
DEFAULT_FUTURE_TOLERANCE_MINUTES = 60


class CoverageConfigError(ConfigKeyError):
    message_key = "config.toml [coverage] is not valid."
    detail_key = "config.toml coverage.{field}: {reason}"


@dataclass(frozen=True)
class CadenceConfig:
    cadences: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CADENCES))
    default_days: int = DEFAULT_CADENCE_DAYS
    future_tolerance_minutes: int = DEFAULT_FUTURE_TOLERANCE_MINUTES
    # Tiers whose automated sends count as meaningful touches; none unless configured, since
    # a newsletter is a touch only where tech touch is the agreed way of serving a customer.
    automated_touches_count_for: frozenset[str] = frozenset()

    def cadence_for(self, tier: str | None) -> int:
        """The cadence of an account in ``tier`` (``None``: no tier recorded)."""
        if tier is None:
            return self.default_days
        return self.cadences.get(tier, self.default_days)


def _positive_days(value: object, name: str) -> int:
    # bool is an int in Python; `true` in TOML is a mistake, not one day.
    if isinstance(value, bool) or not isinstance(value, int):
        raise CoverageConfigError(name, "must be a whole number of days, not {value}", value=value)
    if value <= 0:
        raise CoverageConfigError(name, "must be at least 1 day, not {value}", value=value)
    return value


def too_far_ahead(moment: datetime, *, now: datetime, tolerance_minutes: int) -> bool:
    """Whether a touch dated ``moment`` lies further in the future than the tolerance allows:
    the one rule of the touch form, the REST API and the CSV import."""
    return moment > now + timedelta(minutes=tolerance_minutes)


KNOWN_KEYS = frozenset(
    {
        "cadence_days",
        "default_cadence_days",
        "future_tolerance_minutes",
        "automated_touches_count_for",
    }
)


def parse_cadence_config(raw: Mapping[str, Any]) -> CadenceConfig:
    """The checked ``[coverage]`` section; raises ``CoverageConfigError`` naming the field."""
    for key in raw:
        if key not in KNOWN_KEYS:
            raise CoverageConfigError(key, "is not a coverage setting")
    cadences = dict(DEFAULT_CADENCES)
    given = raw.get("cadence_days", {})
    if not isinstance(given, Mapping):
        raise CoverageConfigError("cadence_days", "must be a table of tier = days")
    for tier, days in given.items():
        if tier not in TIER_ORDER:
            raise CoverageConfigError(
                f"cadence_days.{tier}",
                "unknown tier; use one of {tiers}",
                tiers=", ".join(TIER_ORDER),
            )
        cadences[tier] = _positive_days(days, f"cadence_days.{tier}")
    default_days = _positive_days(
        raw.get("default_cadence_days", DEFAULT_CADENCE_DAYS), "default_cadence_days"
    )
    tolerance = raw.get("future_tolerance_minutes", DEFAULT_FUTURE_TOLERANCE_MINUTES)
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise CoverageConfigError(
            "future_tolerance_minutes", "must be a whole number of minutes, 0 or more"
        )
    automated = raw.get("automated_touches_count_for", [])
    if not isinstance(automated, list) or not all(isinstance(tier, str) for tier in automated):
        raise CoverageConfigError(
            "automated_touches_count_for", 'must be a list of tiers, e.g. ["tech_touch"]'
        )
    for tier in automated:
        if tier not in TIER_ORDER:
            raise CoverageConfigError(
                "automated_touches_count_for",
                "unknown tier {value}; use one of {tiers}",
                value=tier,
                tiers=", ".join(TIER_ORDER),
            )
    return CadenceConfig(
        cadences=cadences,
        default_days=default_days,
        future_tolerance_minutes=tolerance,
        automated_touches_count_for=frozenset(automated),
    )
