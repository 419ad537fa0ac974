"""Display helpers: times in the organisation's zone, money in its currency."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_currency, get_currency_precision


def to_minor_units(amount: float | int | str, currency: str) -> int:
    """Major units (as people type them) to the integer minor units hatake stores."""
    precision = get_currency_precision(currency)
    return round(float(amount) * 10**precision)


def format_money(minor_units: int | None, currency: str, locale: str) -> str:
    if minor_units is None:
        return ""
    precision = get_currency_precision(currency)
    amount = minor_units / 10**precision
    return format_currency(amount, currency, locale="ja_JP" if locale == "ja" else "en_US")


def local_datetime(value: datetime | None, time_zone: str) -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def format_date(value: date | None) -> str:
    return value.isoformat() if value else ""
