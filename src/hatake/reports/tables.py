"""Report tables and their exports: every table a report page shows is a ``ReportTable``,
rendered by ``reports/_table.html`` and exported as CSV or Excel from the same object, so a
download always holds exactly the figures on the screen.

Values stay typed (int, float, Decimal, date, str, None) until the edge: the page formats them,
the CSV writes them plainly and the workbook stores numbers as numbers with a display format."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from io import BytesIO, StringIO
from typing import Any

import xlsxwriter
from babel.numbers import get_currency_precision
from xlsxwriter.worksheet import Worksheet

from hatake.core.formatting import format_money

HEADER_FILL = "#DEDBD2"
EXCEL_DAY_ZERO = date(1899, 12, 30)
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names
FORBIDDEN_IN_SHEET_TITLES = str.maketrans(dict.fromkeys("[]:*?/\\", " "))
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Kind(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    MONEY = "money"  # minor units of ReportTable.currency
    RATIO = "ratio"  # 0.95 shown as 95.0%
    NUMBER = "number"  # a float shown with ReportTable.decimals digits
    DAYS = "days"  # a duration in days, one decimal
    DATE = "date"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT


@dataclass
class ReportTable:
    """A titled grid of typed values; ``key`` names the table in URLs (?table=key)."""

    key: str
    title: str
    columns: Sequence[Column]
    rows: list[list[Any]] = field(default_factory=list)
    currency: str = "JPY"
    decimals: int = 2
    note: str | None = None

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"{self.key}: a row has {len(row)} values for {len(self.columns)} columns"
                )


def _major_units(minor: int | float | Decimal, currency: str) -> int | Decimal:
    precision = get_currency_precision(currency)
    if precision == 0 and isinstance(minor, int):
        return minor  # yen: the minor unit is the major one
    return Decimal(str(minor)).scaleb(-precision)


def plain_value(value: Any, kind: Kind, currency: str) -> Any:
    """A value as an export holds it: money in major units, ratios as fractions."""
    if value is None:
        return None
    if kind is Kind.MONEY:
        return _major_units(value, currency)
    return value


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv(table: ReportTable) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to open Japanese text correctly."""
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                "" if value is None else _safe_text(plain_value(value, column.kind, table.currency))
                for value, column in zip(row, table.columns, strict=True)
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _number_format(kind: Kind, table: ReportTable) -> str | None:
    if kind is Kind.MONEY:
        precision = get_currency_precision(table.currency)
        return "#,##0" + ("." + "0" * precision if precision else "")
    if kind is Kind.RATIO:
        return "0.0%"
    if kind is Kind.NUMBER:
        return "#,##0." + "0" * table.decimals if table.decimals else "#,##0"
    if kind is Kind.DAYS:
        return "#,##0.0"
    if kind is Kind.INTEGER:
        return "#,##0"
    if kind is Kind.DATE:
        return "yyyy-mm-dd"
    return None


def sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(FORBIDDEN_IN_SHEET_TITLES).strip()[:SHEET_TITLE_LIMIT] or "Sheet"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate = base[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(candidate.lower())
    return candidate


def to_xlsx(tables: Sequence[ReportTable], *, heading: str | None = None) -> bytes:
    """One sheet per table; values only (no formulas), numbers as numbers. Written with
    XlsxWriter, which streams cells into the file: a forecast's 3,000 renewals took openpyxl,
    building a cell object each, three times as long."""
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": HEADER_FILL})
    formats: dict[str, Any] = {}
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(sheet_title(table.title, taken))
        row_index = 0
        for line in (heading, table.title, table.note):
            if line:
                sheet.write_string(row_index, 0, _safe_text(line), bold if row_index == 0 else None)
                row_index += 1
        header_row = row_index + 1 if row_index else 0
        for index, column in enumerate(table.columns):
            sheet.write_string(header_row, index, column.label, header)
        cell_formats = []
        for column in table.columns:
            number_format = _number_format(column.kind, table)
            if number_format and number_format not in formats:
                formats[number_format] = book.add_format({"num_format": number_format})
            cell_formats.append(formats.get(number_format) if number_format else None)
        for offset, row in enumerate(table.rows, start=1):
            for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                _write_cell(sheet, header_row + offset, index, value, column, table,
                            cell_formats[index])  # fmt: skip
        for index, column in enumerate(table.columns):
            width = max(
                [len(str(column.label))]
                + [len(str(row[index])) for row in table.rows[:200] if row[index] is not None]
            )
            sheet.set_column(index, index, min(max(10, width * 1.3), 60))
        sheet.freeze_panes(header_row + 1, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(
    sheet: Worksheet,
    row: int,
    column_index: int,
    value: Any,
    column: Column,
    table: ReportTable,
    number_format: Any,
) -> None:
    stored = plain_value(value, column.kind, table.currency)
    if stored is None:
        return
    if isinstance(stored, Decimal):
        stored = float(stored) if stored % 1 else int(stored)
    if isinstance(stored, bool):
        sheet.write_boolean(row, column_index, stored)
    elif not isinstance(stored, int | float | date):
        sheet.write_string(row, column_index, _safe_text(str(stored)))
    elif isinstance(stored, datetime):
        sheet.write_datetime(row, column_index, stored, number_format)
    elif isinstance(stored, date):
        # Excel's day number, as write_datetime stores it (right from 1900-03-01 on, past
        # Excel's phantom 1900-02-29); write_datetime took 80 µs a date, most of a workbook.
        serial = (stored - EXCEL_DAY_ZERO).days
        sheet.write_number(row, column_index, serial, number_format)
    else:
        sheet.write_number(row, column_index, stored, number_format)


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


def display_value(value: Any, kind: Kind, table: ReportTable, locale: str) -> str:
    """A value as the page shows it."""
    if value is None:
        return "—"
    if kind is Kind.MONEY:
        return format_money(int(value), table.currency, locale)
    if kind is Kind.RATIO:
        return f"{float(value):.1%}"
    if kind is Kind.NUMBER:
        return f"{float(value):,.{table.decimals}f}"
    if kind is Kind.DAYS:
        return f"{float(value):,.1f}"
    if kind is Kind.INTEGER:
        return f"{int(value):,}"
    if kind is Kind.DATE:
        return value.isoformat()
    return str(value)
