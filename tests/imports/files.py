"""Builders for import files: written by the tests, so no binary fixture is committed."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from hatake.imports.report import ImportFailed

Issue = tuple[str, int | None, str | None, str | None, str, str]


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def write_csv(path: Path, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
    path.write_bytes(csv_bytes(rows, encoding))
    return path


def write_xlsx(
    path: Path, rows: Sequence[Sequence[Any]], number_formats: dict[str, str] | None = None
) -> Path:
    """Cells keep their Python types: a date becomes a real Excel date cell."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for coordinate, number_format in (number_formats or {}).items():
        sheet[coordinate].number_format = number_format
    workbook.save(path)
    return path


def issues(failure: ImportFailed) -> list[Issue]:
    """Each issue as (file, row, column, value, reason in en, reason in ja)."""
    return [
        (i.file, i.row, i.column, i.value, i.reason("en"), i.reason("ja")) for i in failure.issues
    ]
