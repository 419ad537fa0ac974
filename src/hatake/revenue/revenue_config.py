"""The ``[revenue]`` section of config.toml: exchange rates into the organisation's currency.

::

    [revenue.rates]
    USD = 150.0   # 1 US dollar is 150 yen when the organisation's currency is JPY
    EUR = 162.5

A rate is how many major units of the organisation's (base) currency one major unit of the
named currency is worth; the base currency itself needs no rate. Like ``[coverage]``, the
section reaches ``FileConfig`` as a plain dict and is checked here, so a mistake names the
field (in the user's language) instead of stopping every command that reads config.toml.
Pure: no database."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision, list_currencies

from hatake.core.errors import ConfigKeyError

KNOWN_KEYS = frozenset({"rates"})


class RevenueConfigError(ConfigKeyError):
    message_key = "config.toml [revenue] is not valid."
    detail_key = "config.toml revenue.{field}: {reason}"


@dataclass(frozen=True)
class RevenueConfig:
    rates: dict[str, Decimal] = field(default_factory=dict)

    def minor_factor(self, currency: str, base: str) -> Decimal | None:
        """What one minor unit of ``currency`` is worth in minor units of ``base``; ``None``
        when there is no rate for it."""
        if currency == base:
            return Decimal(1)
        rate = self.rates.get(currency)
        if rate is None:
            return None
        shift = get_currency_precision(base) - get_currency_precision(currency)
        return rate.scaleb(shift)


def parse_revenue_config(raw: Mapping[str, Any]) -> RevenueConfig:
    """The checked ``[revenue]`` section; raises ``RevenueConfigError`` naming the field."""
    for key in raw:
        if key not in KNOWN_KEYS:
            raise RevenueConfigError(key, "is not a revenue setting")
    given = raw.get("rates", {})
    if not isinstance(given, Mapping):
        raise RevenueConfigError("rates", "must be a table of currency = rate")
    known = list_currencies()
    rates: dict[str, Decimal] = {}
    for code, value in given.items():
        name = f"rates.{code}"
        if code not in known:
            raise RevenueConfigError(name, "is not an ISO 4217 currency code such as USD")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RevenueConfigError(name, "must be a number, not {value}", value=value)
        if not math.isfinite(value) or value <= 0:
            raise RevenueConfigError(name, "must be more than 0, not {value}", value=value)
        rates[code] = Decimal(str(value))
    return RevenueConfig(rates=rates)
