"""Report tables and their exports: every table a report page shows is a ``ReportTable``,
rendered by ``reports/_table.html`` and exported as CSV or Excel from the same object, so a
download always holds exactly the figures on the screen.

Values stay typed (int, float, Decimal, date, str, None) until the edge: the page formats them,
the CSV writes them plainly and the workbook stores numbers as numbers with a display format."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from io import BytesIO, StringIO
from typing import Any

from babel.numbers import get_currency_precision

from hatake.core.formatting import format_money
from hatake.core.xlsx import HEADER_FILL, Format, new_workbook, workbook_bytes, write_value

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
    """One sheet per table; values only (no formulas), numbers as numbers."""
    buffer = BytesIO()
    book = new_workbook(buffer)
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": HEADER_FILL})
    formats: dict[str, Format] = {}
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(sheet_title(table.title, taken))
        row_index = 0
        for line in (heading, table.title, table.note):
            if line:
                write_value(sheet, row_index, 0, _safe_text(line), bold if row_index == 0 else None)
                row_index += 1
        header_row = row_index + 1 if row_index else 0
        for index, column in enumerate(table.columns):
            sheet.write_string(header_row, index, column.label, header)
        cell_formats: list[Format | None] = []
        for column in table.columns:
            number_format = _number_format(column.kind, table)
            if number_format and number_format not in formats:
                formats[number_format] = book.add_format({"num_format": number_format})
            cell_formats.append(formats.get(number_format) if number_format else None)
        for offset, row in enumerate(table.rows, start=1):
            for index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
                stored = plain_value(value, column.kind, table.currency)
                if isinstance(stored, Decimal):
                    stored = float(stored) if stored % 1 else int(stored)
                write_value(sheet, header_row + offset, index, _safe_text(stored),
                            cell_formats[index])  # fmt: skip
        for index, column in enumerate(table.columns):
            width = max(
                [len(str(column.label))]
                + [len(str(row[index])) for row in table.rows[:200] if row[index] is not None]
            )
            sheet.set_column(index, index, min(max(10, width * 1.3), 60))
        sheet.freeze_panes(header_row + 1, 0)
    return workbook_bytes(book, buffer)


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
