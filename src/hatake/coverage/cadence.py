"""Contact cadences: how many days may pass between meaningful touches, per touch tier.

``[coverage]`` in config.toml reaches ``FileConfig`` as a plain dict and is checked here, so a
mistake is reported with the field it is in (in the user's language) instead of a pydantic
trace that would stop every command reading config.toml. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hatake.core.errors import HatakeError
from hatake.lifecycle.tiers import TIER_ORDER

DEFAULT_CADENCES: dict[str, int] = {"high_touch": 14, "low_touch": 45, "tech_touch": 90}
# Accounts without a recorded tier (stages never refreshed, or new since the last refresh).
DEFAULT_CADENCE_DAYS = 30
# How far in the future a logged touch may be dated (clocks differ, meetings overrun).
DEFAULT_FUTURE_TOLERANCE_MINUTES = 60


class CoverageConfigError(HatakeError):
    status_code = 400
    message_key = "config.toml coverage.{field}: {reason}"

    def __init__(self, field: str, reason: str, **params: Any) -> None:
        super().__init__(self.message_key, field=field, reason=reason, **params)

    def render(self, gettext: Any) -> str:
        reason = gettext(self.params["reason"]).format(**self.params)
        return gettext(self.message_key).format(**{**self.params, "reason": reason})


@dataclass(frozen=True)
class CadenceConfig:
    cadences: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CADENCES))
    default_days: int = DEFAULT_CADENCE_DAYS
    future_tolerance_minutes: int = DEFAULT_FUTURE_TOLERANCE_MINUTES

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


KNOWN_KEYS = frozenset({"cadence_days", "default_cadence_days", "future_tolerance_minutes"})


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
    return CadenceConfig(
        cadences=cadences, default_days=default_days, future_tolerance_minutes=tolerance
    )
