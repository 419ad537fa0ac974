"""Reporting periods (fiscal years named by their starting year) and table exports."""

from __future__ import annotations

import csv
from datetime import date, datetime
from io import BytesIO, StringIO

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from hatake.core.xlsx import new_workbook, workbook_bytes, write_value
from hatake.reports.periods import (
    Grain,
    fiscal_quarter_of,
    fiscal_year_of,
    month_starts_between,
    parse_period_key,
    period_containing,
    periods_between,
    trailing_periods,
)
from hatake.reports.tables import Column, Kind, ReportTable, display_value, to_csv, to_xlsx


def test_april_fiscal_year_is_named_by_its_starting_year() -> None:
    assert fiscal_year_of(date(2026, 3, 31), 4) == 2025
    assert fiscal_year_of(date(2026, 4, 1), 4) == 2026
    assert fiscal_quarter_of(date(2026, 4, 1), 4) == 1
    assert fiscal_quarter_of(date(2026, 12, 31), 4) == 3
    assert fiscal_quarter_of(date(2027, 3, 1), 4) == 4
    year = period_containing(date(2026, 11, 24), Grain.FISCAL_YEAR, 4)
    assert (year.first, year.end, year.key) == (date(2026, 4, 1), date(2027, 3, 31), "FY2026")
    assert year.label("ja") == "2026年度"
    quarter = period_containing(date(2026, 11, 24), Grain.QUARTER, 4)
    assert (quarter.first, quarter.end, quarter.key) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
        "FY2026-Q3",
    )
    assert quarter.label("ja") == "2026年度 第3四半期"


def test_calendar_fiscal_year_and_month_periods() -> None:
    assert period_containing(date(2026, 2, 10), Grain.QUARTER, 1).key == "FY2026-Q1"
    month = period_containing(date(2024, 2, 10), Grain.MONTH, 4)
    assert (month.first, month.end, month.key, month.label("ja")) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
        "2024-02",
        "2024年2月",
    )


def test_periods_between_and_trailing() -> None:
    keys = [p.key for p in periods_between(date(2026, 2, 15), date(2026, 7, 1), Grain.QUARTER, 4)]
    assert keys == ["FY2025-Q4", "FY2026-Q1", "FY2026-Q2"]
    assert [p.key for p in trailing_periods(date(2026, 11, 24), Grain.MONTH, 4, 3)] == [
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    complete = trailing_periods(date(2026, 11, 24), Grain.MONTH, 4, 2, complete_only=True)
    assert [p.key for p in complete] == ["2026-09", "2026-10"]
    assert month_starts_between(date(2026, 11, 30), date(2027, 1, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    start_month=st.integers(1, 12),
    grain=st.sampled_from(list(Grain)),
)
def test_a_period_contains_its_day_and_its_key_round_trips(
    day: date, start_month: int, grain: Grain
) -> None:
    period = period_containing(day, grain, start_month)
    assert period.first <= day <= period.end
    assert parse_period_key(period.key, start_month) == period
    assert len(period.month_starts) == period.months


@pytest.mark.parametrize("text", ["2026", "2026-13", "FY2026-Q5", "FYxx", ""])
def test_bad_period_keys_name_the_accepted_forms(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period_key(text, 4)


def _table() -> ReportTable:
    return ReportTable(
        key="kpis",
        title="KPI",
        columns=[
            Column("name", "名前"),
            Column("mrr", "MRR", Kind.MONEY),
            Column("nrr", "NRR", Kind.RATIO),
            Column("count", "件数", Kind.INTEGER),
        ],
        rows=[["=cmd", 1_234_500, 0.9875, 1200], ["株式会社テスト", None, None, 0]],
    )


def test_csv_has_a_bom_major_units_and_no_formula_injection() -> None:
    content = to_csv(_table())
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(StringIO(content.decode("utf-8-sig"))))
    assert rows == [
        ["名前", "MRR", "NRR", "件数"],
        ["'=cmd", "1234500", "0.9875", "1200"],
        ["株式会社テスト", "", "", "0"],
    ]


def test_workbook_keeps_numbers_as_numbers() -> None:
    table = _table()
    usd = ReportTable("usd", "USD", [Column("mrr", "MRR", Kind.MONEY)], [[12345]], currency="USD")
    book = load_workbook(BytesIO(to_xlsx([table, usd], heading="Report")))
    sheet = book["KPI"]
    assert sheet["A1"].value == "Report"
    header = [cell.value for cell in sheet[4]]
    assert header == ["名前", "MRR", "NRR", "件数"]
    assert [cell.value for cell in sheet[5]] == ["'=cmd", 1234500, 0.9875, 1200]
    assert sheet["C5"].number_format == "0.0%"
    assert book["USD"]["A5"].value == 123.45
    assert [cell.value for cell in sheet[6]] == ["株式会社テスト", None, None, 0]
    assert sheet.freeze_panes == "A5"


def test_workbook_dates_are_dates() -> None:
    table = ReportTable(
        "renewals",
        "Renewals",
        [Column("end", "End", Kind.DATE), Column("at", "At", Kind.DATE)],
        [[date(2027, 1, 31), datetime(2026, 11, 24, 9, 30)], [date(1900, 3, 1), None]],
    )
    sheet = load_workbook(BytesIO(to_xlsx([table])))["Renewals"]
    assert sheet["A4"].value == datetime(2027, 1, 31)
    assert sheet["A4"].number_format == "yyyy-mm-dd"
    assert sheet["B4"].value == datetime(2026, 11, 24, 9, 30)
    assert sheet["A5"].value == datetime(1900, 3, 1)


def test_workbook_cells_of_every_kind() -> None:
    """Dates Excel has no day number for stay text; NumPy numbers stay numbers."""
    buffer = BytesIO()
    book = new_workbook(buffer)
    sheet = book.add_worksheet("cells")
    values = [date(1900, 1, 1), datetime(1899, 12, 31, 12), np.int64(7), np.float64(0.5), True,
              "=HYPERLINK(\"http://x\")", "https://example.com", None]  # fmt: skip
    for index, value in enumerate(values):
        write_value(sheet, index, 0, value)
    read = load_workbook(BytesIO(workbook_bytes(book, buffer)))["cells"]
    cells = [read.cell(index + 1, 1) for index in range(len(values))]
    assert [cell.value for cell in cells] == [
        "1900-01-01", "1899-12-31T12:00:00", 7, 0.5, True, '=HYPERLINK("http://x")',
        "https://example.com", None,
    ]  # fmt: skip
    assert [cell.data_type for cell in cells[:6]] == ["s", "s", "n", "n", "b", "s"]
    assert cells[6].hyperlink is None


def test_display_values() -> None:
    table = _table()
    assert display_value(1_234_500, Kind.MONEY, table, "ja") == "￥1,234,500"
    assert display_value(0.9875, Kind.RATIO, table, "en") == "98.8%"
    assert display_value(None, Kind.RATIO, table, "en") == "—"
    with pytest.raises(ValueError, match="2 values for 4 columns"):
        ReportTable("bad", "Bad", table.columns, [[1, 2]])
