"""Display helpers: times in the organisation's zone, money in its currency."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import NumberPattern, get_currency_precision


def to_minor_units(amount: float | int | str, currency: str) -> int:
    """Major units (as people type them) to the integer minor units hatake stores."""
    precision = get_currency_precision(currency)
    return round(float(amount) * 10**precision)


@cache
def _currency_pattern(locale: str) -> tuple[Locale, NumberPattern]:
    # Parsed once: babel.numbers.format_currency parses the locale and its pattern on every
    # call, which dominated report pages with thousands of amounts.
    parsed = Locale.parse("ja_JP" if locale == "ja" else "en_US")
    return parsed, parsed.currency_formats["standard"]


def format_money(minor_units: int | None, currency: str, locale: str) -> str:
    if minor_units is None:
        return ""
    precision = get_currency_precision(currency)
    amount = minor_units / 10**precision
    parsed, pattern = _currency_pattern(locale)
    return pattern.apply(amount, parsed, currency=currency)


def local_datetime(value: datetime | None, time_zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""
