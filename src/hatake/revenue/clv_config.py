"""The ``[clv]`` section of config.toml: what customer lifetime value counts.

::

    [clv]
    gross_margin = 0.8           # share of revenue left after the cost of serving it
    annual_discount_rate = 0.1   # what a yen a year from now is worth less than one today

Like ``[revenue]``, the section reaches ``FileConfig`` as a plain dict and is checked here, so
a mistake names the field (in the user's language). Pure: no database."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hatake.core.errors import ConfigKeyError

DEFAULT_GROSS_MARGIN = 0.8
DEFAULT_ANNUAL_DISCOUNT_RATE = 0.1
KNOWN_KEYS = frozenset({"gross_margin", "annual_discount_rate"})


class ClvConfigError(ConfigKeyError):
    message_key = "config.toml [clv] is not valid."
    detail_key = "config.toml clv.{field}: {reason}"


@dataclass(frozen=True)
class ClvConfig:
    gross_margin: float = DEFAULT_GROSS_MARGIN
    annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT_RATE


def _fraction(raw: Mapping[str, Any], name: str, default: float) -> float:
    """Both settings are shares above 0 and at most 1 (a discount rate of 0 would make the
    value of a customer who may never leave infinite)."""
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ClvConfigError(name, "must be a number such as 0.1, not {value}", value=value)
    if not 0 < value <= 1:
        raise ClvConfigError(name, "must be above 0 and at most 1, not {value}", value=value)
    return float(value)


def parse_clv_config(raw: Mapping[str, Any]) -> ClvConfig:
    """The checked ``[clv]`` section; raises ``ClvConfigError`` naming the field."""
    for key in raw:
        if key not in KNOWN_KEYS:
            raise ClvConfigError(
                key,
                "is not a lifetime-value setting; use {known}",
                known=", ".join(sorted(KNOWN_KEYS)),
            )
    return ClvConfig(
        gross_margin=_fraction(raw, "gross_margin", DEFAULT_GROSS_MARGIN),
        annual_discount_rate=_fraction(raw, "annual_discount_rate", DEFAULT_ANNUAL_DISCOUNT_RATE),
    )
