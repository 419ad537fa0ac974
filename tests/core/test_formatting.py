from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from hatake.core.formatting import format_money, local_datetime, to_minor_units


def test_jpy_has_no_minor_unit() -> None:
    assert to_minor_units("50000", "JPY") == 50000
    assert format_money(50000, "JPY", "ja") == "￥50,000"
    assert format_money(50000, "JPY", "en") == "¥50,000"


def test_usd_is_stored_in_cents() -> None:
    assert to_minor_units("12.34", "USD") == 1234
    assert format_money(1234, "USD", "en") == "$12.34"


def test_times_show_in_the_organisation_zone() -> None:
    moment = datetime(2026, 3, 31, 15, 30, tzinfo=UTC)
    assert local_datetime(moment, "Asia/Tokyo") == "2026-04-01 00:30"


@given(st.integers(min_value=0, max_value=10**12))
def test_jpy_amounts_round_trip(amount: int) -> None:
    assert to_minor_units(amount, "JPY") == amount
