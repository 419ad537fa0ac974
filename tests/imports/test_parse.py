"""Cell parsers: what people type in Japan and what Excel hands over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.imports import messages
from hatake.imports import parse as p
from hatake.imports.specs import SPECS


def field(entity: str, key: str):  # type: ignore[no-untyped-def]
    return SPECS[entity].by_key[key]


def error_of(function, *args):  # type: ignore[no-untyped-def]
    with pytest.raises(p.CellError) as excinfo:
        function(*args)
    return excinfo.value.message_key, excinfo.value.params


@pytest.mark.parametrize(
    "text",
    [
        "2026-04-01",
        "2026/4/1",
        "2026/04/01",
        "2026.4.1",
        "2026年4月1日",
        "２０２６／４／１",
        " 2026-04-01 ",
        "2026/4/1 0:00",
        "2026-04-01 00:00:00",
    ],
)
def test_date_formats(text: str) -> None:
    assert p.parse_date(text) == date(2026, 4, 1)


def test_date_from_excel_cells() -> None:
    assert p.parse_date(datetime(2026, 4, 1)) == date(2026, 4, 1)
    assert p.parse_date(date(2026, 4, 1)) == date(2026, 4, 1)


@pytest.mark.parametrize(
    "cell", ["2026-02-30", "04/01/2026", "2026-4", "tomorrow", 46113, True, "2026/4/1 10:00"]
)
def test_bad_dates(cell: object) -> None:
    assert error_of(p.parse_date, cell) == (messages.BAD_DATE, {})


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(
        [
            "{y:04d}-{m:02d}-{d:02d}",
            "{y}/{m}/{d}",
            "{y}/{m:02d}/{d:02d}",
            "{y}年{m}月{d}日",
            "{y}.{m}.{d}",
        ]
    ),
)
def test_any_date_round_trips(day: date, pattern: str) -> None:
    assert p.parse_date(pattern.format(y=day.year, m=day.month, d=day.day)) == day


def test_datetime_without_zone_is_in_the_org_time_zone() -> None:
    assert p.parse_datetime("2026/4/10 14:00", "Asia/Tokyo") == datetime(
        2026, 4, 10, 5, 0, tzinfo=UTC
    )
    assert p.parse_datetime("2026-04-10", "Asia/Tokyo") == datetime(2026, 4, 9, 15, 0, tzinfo=UTC)
    assert p.parse_datetime(datetime(2026, 4, 10, 14, 0), "Asia/Tokyo") == datetime(
        2026, 4, 10, 5, 0, tzinfo=UTC
    )
    assert p.parse_datetime("2026-04-10 14:00", "UTC") == datetime(2026, 4, 10, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-10T14:00:00Z", datetime(2026, 4, 10, 14, 0, tzinfo=UTC)),
        ("2026-04-10T14:00:00+09:00", datetime(2026, 4, 10, 5, 0, tzinfo=UTC)),
        ("2026-04-10 14:00:30.25+0900", datetime(2026, 4, 10, 5, 0, 30, 250000, tzinfo=UTC)),
        ("2026-04-10 09:05:07 -05:00", datetime(2026, 4, 10, 14, 5, 7, tzinfo=UTC)),
    ],
)
def test_datetime_with_zone(text: str, expected: datetime) -> None:
    assert p.parse_datetime(text, "Asia/Tokyo") == expected


@pytest.mark.parametrize("cell", ["2026-04-10 25:00", "10:00", "2026/4/10 14時", 3.5])
def test_bad_datetimes(cell: object) -> None:
    assert error_of(p.parse_datetime, cell, "Asia/Tokyo") == (
        messages.BAD_DATETIME,
        {"zone": "Asia/Tokyo"},
    )


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 30)))
def test_any_local_datetime_round_trips(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    parsed = p.parse_datetime(moment.strftime("%Y/%m/%d %H:%M:%S"), "Asia/Tokyo")
    assert parsed.tzinfo == UTC
    assert parsed.astimezone(ZoneInfo("Asia/Tokyo")).replace(tzinfo=None) == moment


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("50000", Decimal(50000)),
        ("50,000", Decimal(50000)),
        ("¥50,000", Decimal(50000)),
        ("￥５０,０００", Decimal(50000)),
        ("50,000円", Decimal(50000)),
        ("$1,200.50", Decimal("1200.50")),
        (50000, Decimal(50000)),
        (1200.5, Decimal("1200.5")),
        (" 0 ", Decimal(0)),
    ],
)
def test_amounts(cell: object, expected: Decimal) -> None:
    assert p.parse_amount(field("subscriptions", "mrr"), cell) == expected


@pytest.mark.parametrize("cell", ["-50000", "▲50,000", "¥-50,000", -1])
def test_negative_amounts_are_refused(cell: object) -> None:
    assert error_of(p.parse_amount, field("subscriptions", "mrr"), cell) == (
        messages.AT_LEAST,
        {"minimum": 0},
    )


@pytest.mark.parametrize("cell", ["abc", "5万", "1e5", "50.000.000", "¥", True])
def test_not_amounts(cell: object) -> None:
    assert error_of(p.parse_amount, field("subscriptions", "mrr"), cell) == (
        messages.NOT_AMOUNT,
        {},
    )


@given(st.integers(min_value=0, max_value=10**12))
def test_any_amount_written_with_yen_and_commas_round_trips(amount: int) -> None:
    assert p.parse_amount(field("subscriptions", "mrr"), f"¥{amount:,}") == amount


def test_amount_precision_follows_the_currency() -> None:
    p.check_amount_precision(Decimal("50000.00"), "JPY")
    p.check_amount_precision(Decimal("12.34"), "USD")
    assert error_of(p.check_amount_precision, Decimal("1.5"), "JPY") == (
        messages.DECIMALS,
        {"currency": "JPY", "digits": 0},
    )


@pytest.mark.parametrize(("cell", "expected"), [("1,200", 1200), ("１２００", 1200), (30.0, 30)])
def test_integers(cell: object, expected: int) -> None:
    assert p.parse_integer(field("accounts", "employee_count"), cell) == expected


def test_integer_errors() -> None:
    assert error_of(p.parse_integer, field("accounts", "employee_count"), "12.5") == (
        messages.NOT_INTEGER,
        {},
    )
    assert error_of(p.parse_integer, field("survey_responses", "nps"), "11") == (
        messages.BETWEEN,
        {"minimum": 0, "maximum": 10},
    )
    assert error_of(p.parse_integer, field("tickets", "csat"), 0) == (
        messages.BETWEEN,
        {"minimum": 1, "maximum": 5},
    )


@pytest.mark.parametrize("cell", ["true", "TRUE", "yes", "1", "はい", "○", "〇", True, 1])
def test_true_words(cell: object) -> None:
    assert p.parse_boolean(cell) is True


@pytest.mark.parametrize("cell", ["false", "No", "0", "いいえ", "×", False, 0])
def test_false_words(cell: object) -> None:
    assert p.parse_boolean(cell) is False


def test_bad_boolean() -> None:
    assert error_of(p.parse_boolean, "maybe") == (messages.BAD_BOOLEAN, {})


@pytest.mark.parametrize(
    ("entity", "key", "cell", "expected"),
    [
        ("touchpoints", "channel", "電話", "phone"),
        ("touchpoints", "channel", "Web会議", "web_meeting"),
        ("touchpoints", "channel", "ＷＥＢ会議", "web_meeting"),
        ("touchpoints", "channel", "Web Meeting", "web_meeting"),
        ("touchpoints", "channel", "チャット", "chat"),
        ("touchpoints", "channel", "メール", "email"),
        ("touchpoints", "channel", "訪問", "visit"),
        ("touchpoints", "channel", "ウェビナー", "webinar"),
        ("touchpoints", "channel", "アプリ内", "in_app"),
        ("tickets", "issue_type", "機能", "functional"),
        ("tickets", "issue_type", "運用", "operational"),
        ("accounts", "status", "有効", "active"),
        ("accounts", "status", "Churned", "churned"),
        ("subscriptions", "billing_period", "年次", "annual"),
    ],
)
def test_choices_accept_keys_and_japanese_words(
    entity: str, key: str, cell: str, expected: str
) -> None:
    assert p.parse_choice(field(entity, key), cell) == expected


def test_bad_choice_lists_the_accepted_values() -> None:
    assert error_of(p.parse_choice, field("tickets", "issue_type"), "bug") == (
        messages.BAD_CHOICE,
        {"choices": "functional (機能), operational (運用)"},
    )


def test_currency() -> None:
    assert p.parse_currency(" usd ") == "USD"
    assert error_of(p.parse_currency, "YEN") == (messages.BAD_CURRENCY, {})


def test_text_length_and_email() -> None:
    assert p.parse_text(field("accounts", "cs_plan"), 12) == "12"
    assert error_of(p.parse_text, field("accounts", "cs_plan"), "x" * 101) == (
        messages.TOO_LONG,
        {"maximum": 100},
    )
    assert p.parse_email(field("contacts", "email"), " a@example.jp ") == "a@example.jp"
    assert error_of(p.parse_email, field("contacts", "email"), "a@example") == (
        messages.BAD_EMAIL,
        {},
    )
