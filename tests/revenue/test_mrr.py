"""Month-end MRR from contract terms, checked against figures worked out by hand."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from hatake.revenue.mrr import (
    Exclusion,
    Term,
    convert_minor,
    countable_mask,
    last_counted_days,
    row_problems,
    snapshot,
    term_arrays,
)
from hatake.revenue.revenue_config import RevenueConfigError, parse_revenue_config

MONTHS = [date(2026, month, 1) for month in range(1, 7)]


def countable_terms(
    terms: Sequence[Term], has_rate: Callable[[str], bool]
) -> tuple[list[Term], list[Exclusion]]:
    mask, excluded = countable_mask(term_arrays(terms), has_rate)
    return [item for item, kept in zip(terms, mask.tolist(), strict=True) if kept], excluded


def term(external_id: str, account: int, mrr: int, start: date, end: date | None = None, **kw):
    values = {"plan": "standard", "currency": "JPY", "status": "active"} | kw
    return Term(external_id, account, values["plan"], mrr, values["currency"], start, end,
                values["status"])  # fmt: skip


# A: mid-month upgrade on 15 May (same-day handover); B: downgrade on 10 May; C: churn on 20
# May; D: paid Jan-Feb, gone, back on 3 May; E: annual terms renewed on 1 June; F: 100.00 USD
# from 15 March at 150 yen; G: new on the last day of May.
TERMS = [
    term("A1", 1, 50_000, date(2026, 1, 1), date(2026, 5, 15), status="ended"),
    term("A2", 1, 80_000, date(2026, 5, 15), plan="pro"),
    term("B1", 2, 80_000, date(2026, 2, 1), date(2026, 5, 10), plan="pro", status="ended"),
    term("B2", 2, 30_000, date(2026, 5, 10)),
    term("C1", 3, 40_000, date(2026, 1, 1), date(2026, 5, 20), status="cancelled"),
    term("D1", 4, 20_000, date(2026, 1, 1), date(2026, 2, 28), status="cancelled"),
    term("D2", 4, 25_000, date(2026, 5, 3)),
    term("E1", 5, 10_000, date(2025, 6, 1), date(2026, 5, 31), status="ended"),
    term("E2", 5, 12_000, date(2026, 6, 1), date(2027, 5, 31)),
    term("F1", 6, 10_000, date(2026, 3, 15), currency="USD"),
    term("G1", 7, 60_000, date(2026, 5, 31)),
]
EXPECTED = {
    1: [50_000, 50_000, 50_000, 50_000, 80_000, 80_000],
    2: [0, 80_000, 80_000, 80_000, 30_000, 30_000],
    3: [40_000, 40_000, 40_000, 40_000, 0, 0],
    4: [20_000, 20_000, 0, 0, 25_000, 25_000],
    5: [10_000, 10_000, 10_000, 10_000, 10_000, 12_000],
    6: [0, 0, 15_000, 15_000, 15_000, 15_000],
    7: [0, 0, 0, 0, 60_000, 60_000],
}
CONFIG = parse_revenue_config({"rates": {"USD": 150.0}})


def _factor(currency: str) -> Decimal:
    factor = CONFIG.minor_factor(currency, "JPY")
    assert factor is not None
    return factor


def _snapshot(terms: list[Term], accounts: list[int], amounts: list[int] | None = None):
    arrays = term_arrays(terms)
    values = np.array([t.mrr_minor for t in terms] if amounts is None else amounts)
    return snapshot(arrays, np.array(accounts), MONTHS, values.astype(np.int64))


def test_month_end_snapshot_by_hand() -> None:
    counted, excluded = countable_terms(TERMS, lambda code: _factor(code) is not None)
    assert excluded == []
    amounts = [convert_minor(t.mrr_minor, _factor(t.currency)) for t in counted]
    shot = _snapshot(counted, list(EXPECTED), amounts)
    assert shot.mrr.tolist() == list(EXPECTED.values())
    assert shot.plans == ["pro", "standard"]
    # A is on standard until April and on pro from May; B the other way round.
    assert shot.plan_index[0].tolist() == [1, 1, 1, 1, 0, 0]
    assert shot.plan_index[1].tolist() == [-1, 0, 0, 0, 1, 1]
    assert shot.first_paid.astype("datetime64[D]").astype(object).tolist() == [
        date(2026, 1, 1), date(2026, 2, 1), date(2026, 1, 1), date(2026, 1, 1),
        date(2025, 6, 1), date(2026, 3, 1), date(2026, 5, 1),
    ]  # fmt: skip


def test_an_account_that_never_paid_has_no_first_paid_month() -> None:
    free = term("F", 8, 0, date(2026, 1, 10), plan="free")
    shot = _snapshot([free], [8])
    assert shot.mrr.tolist() == [[0] * 6]
    assert shot.plan_index.tolist() == [[0] * 6]  # free runs, and names the plan
    assert shot.first_paid.astype("datetime64[D]").astype(object).tolist() == [None]


def test_same_day_handover_gives_the_day_to_the_new_term() -> None:
    ends = last_counted_days(term_arrays(TERMS[:2])).astype(object).tolist()
    assert ends == [date(2026, 5, 14), date(9999, 12, 31)]
    # A one-day term starting and ending on the same day is not its own successor.
    one_day = term_arrays([term("X", 9, 1, date(2026, 5, 1), date(2026, 5, 1))])
    assert last_counted_days(one_day).astype(object).tolist() == [date(2026, 5, 1)]


def test_a_term_ending_on_a_month_end_counts_in_that_month_only() -> None:
    shot = _snapshot([TERMS[7]], [5])
    assert shot.mrr.tolist() == [[10_000, 10_000, 10_000, 10_000, 10_000, 0]]


def test_currency_conversion_between_minor_units() -> None:
    assert CONFIG.minor_factor("USD", "JPY") == Decimal("1.500")
    assert convert_minor(10_001, _factor("USD")) == 15_002  # 15001.5 rounds half up
    to_usd = parse_revenue_config({"rates": {"JPY": 0.0066}}).minor_factor("JPY", "USD")
    assert to_usd is not None
    assert convert_minor(50_000, to_usd) == 33_000  # ¥50,000 is $330.00
    assert CONFIG.minor_factor("EUR", "JPY") is None


def test_bad_terms_are_excluded_with_their_reason() -> None:
    bad = [
        term("N", 1, -5, date(2026, 1, 1)),
        term("R", 2, 5, date(2026, 3, 1), date(2026, 2, 1)),
        term("E", 3, 5, date(2026, 1, 1), currency="EUR"),
        term("S", 4, 5, date(2026, 1, 1), status="cancelled"),
        term("O1", 5, 5, date(2026, 1, 1), date(2026, 3, 31)),
        term("O2", 5, 5, date(2026, 3, 30)),
        term("P", 5, 5, date(2026, 2, 1), plan="addon"),  # another plan may run alongside
    ]
    counted, excluded = countable_terms(bad, lambda code: code != "EUR")
    assert [t.external_id for t in counted] == ["O1", "P"]
    found = {(e.external_id, e.field): e.message() for e in excluded}
    assert found == {
        ("N", "mrr"): "A negative monthly amount (-5) is not revenue.",
        ("R", "end_date"): "The end date 2026-02-01 is before the start date 2026-03-01.",
        ("E", "currency"): "No exchange rate for EUR: add it under [revenue.rates] in config.toml.",
        ("S", "end_date"): "The term is cancelled but has no end date, so it is not known "
        "when revenue stopped.",
        ("O2", "start_date"): "Overlaps O1 of the same plan (standard), which runs from "
        "2026-01-01 to 2026-03-31.",
    }
    assert row_problems(bad[:1], lambda _code: True)[0].value == -5


def test_touching_terms_of_one_plan_do_not_overlap() -> None:
    renewal = [TERMS[7], TERMS[8], term("E3", 5, 1, date(2027, 5, 31))]
    counted, excluded = countable_terms(renewal, lambda _code: True)
    assert [t.external_id for t in counted] == ["E1", "E2", "E3"]
    assert excluded == []


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"rate": {}}, "config.toml revenue.rate: is not a revenue setting"),
        ({"rates": 3}, "config.toml revenue.rates: must be a table of currency = rate"),
        ({"rates": {"XYZ": 1.0}}, "config.toml revenue.rates.XYZ: is not an ISO 4217"),
        ({"rates": {"USD": "150"}}, "config.toml revenue.rates.USD: must be a number"),
        ({"rates": {"USD": 0}}, "config.toml revenue.rates.USD: must be more than 0"),
        ({"rates": {"USD": True}}, "config.toml revenue.rates.USD: must be a number"),
    ],
)
def test_bad_rates_name_the_field(raw: dict, message: str) -> None:
    with pytest.raises(RevenueConfigError) as raised:
        parse_revenue_config(raw)
    assert raised.value.render(lambda text: text).startswith(message)


def test_no_terms_gives_an_empty_snapshot() -> None:
    shot = _snapshot([], [])
    assert shot.mrr.shape == (0, 6)
    assert shot.plan_index.shape == (0, 6)
