"""Weights of today's queue: how many points each reason adds to an account's priority.

``[queue]`` in config.toml reaches ``FileConfig`` as a plain dict and is checked here, the way
``[coverage]`` is (coverage/cadence.py): a mistake is reported with the field it is in, in the
user's language. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hatake.core.errors import ConfigKeyError
from hatake.lifecycle.tiers import TIER_ORDER

# A day overdue at high touch weighs three times a day overdue at tech touch.
DEFAULT_TIER_WEIGHTS: dict[str, float] = {"high_touch": 3, "low_touch": 2, "tech_touch": 1}


class QueueConfigError(ConfigKeyError):
    message_key = "config.toml [queue] is not valid."
    detail_key = "config.toml queue.{field}: {reason}"


@dataclass(frozen=True)
class QueueConfig:
    """The score is the sum of these parts (docs/configuration.md, [queue]):

    days overdue (at most ``max_overdue_days``) x the tier's weight
    + health points lost over ``health_drop_days`` x ``health_drop_weight``
    + ``renewal_points`` when the contract term ends within ``renewal_days``
    + ``must_not_lose_points`` in a must-not-lose cell of the priority matrix
    + ``urgent_ticket_points`` per unresolved urgent ticket (open or pending)
    + ``next_step_points`` when a promised next step is due.
    """

    tier_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_TIER_WEIGHTS))
    untiered_weight: float = 1
    # Past this, more days overdue add nothing: an account untouched for years would otherwise
    # score in the hundreds from its days alone and drown every other reason.
    max_overdue_days: int = 90
    health_drop_days: int = 30
    health_drop_weight: float = 1
    renewal_days: int = 60
    renewal_points: float = 20
    must_not_lose_points: float = 25
    urgent_ticket_points: float = 15
    next_step_points: float = 10

    def tier_weight(self, tier: str | None) -> float:
        if tier is None:
            return self.untiered_weight
        return self.tier_weights.get(tier, self.untiered_weight)


WEIGHTS = (
    "untiered_weight",
    "health_drop_weight",
    "renewal_points",
    "must_not_lose_points",
    "urgent_ticket_points",
    "next_step_points",
)
DAYS = ("max_overdue_days", "health_drop_days", "renewal_days")
KNOWN_KEYS = frozenset({"tier_weights", *WEIGHTS, *DAYS})


def _weight(value: object, name: str) -> float:
    # bool is an int in Python; `true` in TOML is a mistake, not a weight of 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise QueueConfigError(name, "must be a number, not {value}", value=value)
    if value < 0:
        raise QueueConfigError(name, "must be 0 or more, not {value}", value=value)
    return value


def _days(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueueConfigError(name, "must be a whole number of days, not {value}", value=value)
    if value <= 0:
        raise QueueConfigError(name, "must be at least 1 day, not {value}", value=value)
    return value


def parse_queue_config(raw: Mapping[str, Any]) -> QueueConfig:
    """The checked ``[queue]`` section; raises ``QueueConfigError`` naming the field."""
    for key in raw:
        if key not in KNOWN_KEYS:
            raise QueueConfigError(key, "is not a queue setting")
    weights = dict(DEFAULT_TIER_WEIGHTS)
    given = raw.get("tier_weights", {})
    if not isinstance(given, Mapping):
        raise QueueConfigError("tier_weights", "must be a table of tier = weight")
    for tier, weight in given.items():
        if tier not in TIER_ORDER:
            raise QueueConfigError(
                f"tier_weights.{tier}",
                "unknown tier; use one of {tiers}",
                tiers=", ".join(TIER_ORDER),
            )
        weights[tier] = _weight(weight, f"tier_weights.{tier}")
    defaults = QueueConfig()
    values: dict[str, Any] = {
        name: _weight(raw.get(name, getattr(defaults, name)), name) for name in WEIGHTS
    }
    values |= {name: _days(raw.get(name, getattr(defaults, name)), name) for name in DAYS}
    return QueueConfig(tier_weights=weights, **values)
