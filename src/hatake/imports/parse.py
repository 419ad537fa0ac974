"""Cell parsers: one raw cell in, one typed value out, or a CellError saying why not.

Pure functions; they accept what people type in Japan (full-width digits, 2026/4/1, ¥50,000,
はい/いいえ, Japanese enum words) as well as Excel's own typed cells.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision, list_currencies

from hatake.imports import messages
from hatake.imports.reader import Cell, display
from hatake.imports.specs import BOOLEAN_FALSE, BOOLEAN_TRUE, Field, loose_key


class CellError(Exception):
    def __init__(self, message_key: str, **params: Any) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.params = params


_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
# Excel's CSV export writes date cells that carry a time part as "2026/4/1 0:00".
_DATE_RE = re.compile(rf"{_DATE}(?:[ T]0?0:00(?::00)?)?")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?"
_ZONE = r"(Z|[+-]\d{2}:?\d{2})"
_DATETIME_RE = re.compile(rf"{_DATE}(?:[ T]{_TIME}\s*{_ZONE}?)?")
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_TRUE = frozenset(loose_key(word) for word in BOOLEAN_TRUE)
_FALSE = frozenset(loose_key(word) for word in BOOLEAN_FALSE)
_NUMBER_RE = re.compile(r"[+-]?\d+(?:\.\d+)?")
_AMOUNT_RE = re.compile(r"\d+(?:\.\d+)?")
# "▲" and "△" are how Japanese ledgers write a minus; "−" is the Unicode minus sign.
_NEGATIVE_SIGNS = ("-", "▲", "△", "−")
_CURRENCY_SIGNS = ("¥", "$", "€", "£")


def normalized_text(cell: Cell) -> str:
    """Full-width letters and digits folded to ASCII, surrounding space removed."""
    return unicodedata.normalize("NFKC", display(cell)).strip()


def parse_text(field: Field, cell: Cell) -> str:
    text = display(cell).strip()
    if field.max_length is not None and len(text) > field.max_length:
        raise CellError(messages.TOO_LONG, maximum=field.max_length)
    return text


def _decimal(cell: Cell, message_key: str) -> Decimal:
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise CellError(message_key)
    text = normalized_text(cell).replace(",", "").replace(" ", "")
    if _NUMBER_RE.fullmatch(text) is None:
        raise CellError(message_key)
    return Decimal(text)


def _check_range(field: Field, value: Decimal | int) -> None:
    if field.maximum is not None and field.minimum is not None:
        if not field.minimum <= value <= field.maximum:
            raise CellError(messages.BETWEEN, minimum=field.minimum, maximum=field.maximum)
    elif field.minimum is not None and value < field.minimum:
        raise CellError(messages.AT_LEAST, minimum=field.minimum)


def parse_integer(field: Field, cell: Cell) -> int:
    value = _decimal(cell, messages.NOT_INTEGER)
    if value != value.to_integral_value():
        raise CellError(messages.NOT_INTEGER)
    _check_range(field, value)
    return int(value)


def parse_number(cell: Cell) -> int | float:
    """A custom number field, stored in JSON: whole numbers stay integers."""
    value = _decimal(cell, messages.NOT_NUMBER)
    return int(value) if value == value.to_integral_value() else float(value)


def parse_amount(field: Field, cell: Cell) -> Decimal:
    """Major units as people type them: 50000, 50,000, ¥50,000, ￥50,000, 50,000円, ▲500."""
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise CellError(messages.NOT_AMOUNT)
    text = normalized_text(cell).replace(",", "").replace(" ", "")
    negative = text[:1] in _NEGATIVE_SIGNS
    text = text[1:] if negative else text
    text = text[1:] if text[:1] in _CURRENCY_SIGNS else text
    if text[:1] in _NEGATIVE_SIGNS:  # ¥-50,000
        negative, text = True, text[1:]
    text = text.removesuffix("円")
    if _AMOUNT_RE.fullmatch(text) is None:
        raise CellError(messages.NOT_AMOUNT)
    amount = -Decimal(text) if negative else Decimal(text)
    _check_range(field, amount)
    return amount


def decimal_places(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def check_amount_precision(amount: Decimal, currency: str) -> None:
    digits = get_currency_precision(currency)
    if decimal_places(amount) > digits:
        raise CellError(messages.DECIMALS, currency=currency, digits=digits)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def parse_currency(cell: Cell) -> str:
    code = normalized_text(cell).upper()
    if code not in _currencies():
        raise CellError(messages.BAD_CURRENCY)
    return code


def parse_date(cell: Cell) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        raise CellError(messages.BAD_DATE)
    match = _DATE_RE.fullmatch(normalized_text(cell))
    if match is None:
        raise CellError(messages.BAD_DATE)
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(messages.BAD_DATE) from None


def parse_datetime(cell: Cell, time_zone: str) -> datetime:
    """A moment, stored in UTC; a value without a zone is in the organisation's time zone."""
    local = ZoneInfo(time_zone)
    if isinstance(cell, datetime):
        moment = cell if cell.tzinfo else cell.replace(tzinfo=local)
        return moment.astimezone(UTC)
    if isinstance(cell, date):
        return datetime.combine(cell, time(), local).astimezone(UTC)
    if not isinstance(cell, str):
        raise CellError(messages.BAD_DATETIME, zone=time_zone)
    match = _DATETIME_RE.fullmatch(normalized_text(cell))
    if match is None:
        raise CellError(messages.BAD_DATETIME, zone=time_zone)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=_zone(zone) or local,
        )
    except ValueError:
        raise CellError(messages.BAD_DATETIME, zone=time_zone) from None
    return moment.astimezone(UTC)


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_boolean(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return cell
    key = loose_key(display(cell))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(messages.BAD_BOOLEAN)


def check_email(text: str) -> None:
    if _EMAIL_RE.fullmatch(text) is None:
        raise CellError(messages.BAD_EMAIL)


def parse_email(field: Field, cell: Cell) -> str:
    text = parse_text(field, cell)
    check_email(text)
    return text


@cache
def _choice_lookup(field: Field) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for choice in field.choices:
        for word in (choice.value, *choice.words):
            lookup.setdefault(loose_key(word), choice.value)
    return lookup


def choices_text(field: Field) -> str:
    return ", ".join(
        f"{choice.value} ({choice.words[0]})" if choice.words else choice.value
        for choice in field.choices
    )


def parse_choice(field: Field, cell: Cell) -> str:
    value = _choice_lookup(field).get(loose_key(display(cell)))
    if value is None:
        raise CellError(messages.BAD_CHOICE, choices=choices_text(field))
    return value
