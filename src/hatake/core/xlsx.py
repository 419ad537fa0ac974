"""Workbooks as hatake writes them (XlsxWriter): in memory, values only, and text that is never
turned into a formula or a link, whoever typed it. Every Excel export goes through here; reading
an uploaded workbook is openpyxl's job (imports)."""

from __future__ import annotations

import numbers
from datetime import date, datetime
from io import BytesIO
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = ["Format", "Workbook", "Worksheet", "new_workbook", "workbook_bytes", "write_value"]

HEADER_FILL = "#DEDBD2"
DATE_FORMAT = "yyyy-mm-dd"
# Day 0 of Excel's 1900 date system as day numbers count from 1900-03-01 on. Excel keeps a
# 1900-02-29 that never was, so its earlier day numbers are one off, and it has none at all
# before 1900: such dates (a CRM's 1900-01-01 placeholder) are written as ISO text instead.
EXCEL_DAY_ZERO = date(1899, 12, 30)
FIRST_EXACT_DAY = date(1900, 3, 1)


def new_workbook(buffer: BytesIO) -> Workbook:
    return xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )


def workbook_bytes(book: Workbook, buffer: BytesIO) -> bytes:
    book.close()
    return buffer.getvalue()


def write_value(
    sheet: Worksheet, row: int, column: int, value: Any, cell_format: Format | None = None
) -> None:
    """A number, date or text cell by the value's type; nothing for None (the cell stays
    empty). A date becomes its day number directly: XlsxWriter's own conversion took 80 µs a
    date, most of the time of a workbook with thousands of dated rows."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, numbers.Real):  # NumPy's numbers too
        sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, datetime):
        if value.date() < FIRST_EXACT_DAY:
            sheet.write_string(row, column, value.isoformat())
        else:
            sheet.write_datetime(row, column, value, cell_format)
    elif isinstance(value, date):
        if value < FIRST_EXACT_DAY:
            sheet.write_string(row, column, value.isoformat())
        else:
            sheet.write_number(row, column, (value - EXCEL_DAY_ZERO).days, cell_format)
    else:
        sheet.write_string(row, column, str(value), cell_format)
