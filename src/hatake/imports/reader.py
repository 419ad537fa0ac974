"""Decode an uploaded CSV or XLSX file into a header and numbered rows of raw cells.

Cells stay as the file gives them (text from CSV; text, numbers, booleans and datetimes from
Excel) so the validator can tell an Excel date cell from a typed string.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePath

import openpyxl
import yaml

from hatake.imports import messages
from hatake.imports.report import ImportFailed, ImportIssue

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    file: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]


def read_table(data: bytes, file_name: str) -> Table:
    """Raise ImportFailed with one file-level issue when the file cannot be read at all."""
    extension = PurePath(file_name).suffix.lower()
    if extension == ".csv":
        records = _csv_records(data, file_name)
    elif extension == ".xlsx":
        records = _xlsx_records(data, file_name)
    else:
        raise _file_error(file_name, messages.UNSUPPORTED_EXTENSION, extension=extension or "-")
    return _table(file_name, records)


def _file_error(file_name: str, message_key: str, **params: object) -> ImportFailed:
    return ImportFailed(file_name, [ImportIssue(file_name, None, None, None, message_key, params)])


def decode_csv(data: bytes, file_name: str) -> str:
    """UTF-8 (BOM or not) first, strictly, then CP932, the Shift_JIS that Excel writes in Japan.

    UTF-8 is tried first because valid UTF-8 Japanese text is almost never valid CP932 and
    vice versa, so the order cannot mislabel one as the other."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(file_name, messages.UTF16)
    # Neither UTF-8 nor CP932 text contains NUL bytes; UTF-16 without a BOM and binary files do.
    if b"\x00" in data:
        raise _file_error(file_name, messages.UNKNOWN_ENCODING)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(file_name, messages.UNKNOWN_ENCODING)


def _csv_records(data: bytes, file_name: str) -> list[tuple[Cell, ...]]:
    text = decode_csv(data, file_name)
    try:
        return [tuple(record) for record in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise _file_error(file_name, messages.BAD_CSV, detail=str(error)) from None


def _xlsx_records(data: bytes, file_name: str) -> list[tuple[Cell, ...]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # openpyxl raises many different exception types on damaged or foreign files; all of them
    # mean the same thing to the person uploading.
    except Exception:
        raise _file_error(file_name, messages.BAD_XLSX) from None
    try:
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; without this, read-only mode trusts it.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        return [tuple(values) for values in sheet.iter_rows(values_only=True)]
    except Exception:
        raise _file_error(file_name, messages.BAD_XLSX) from None
    finally:
        workbook.close()


def _table(file_name: str, records: list[tuple[Cell, ...]]) -> Table:
    if not records or all(is_blank(cell) for cell in records[0]):
        raise _file_error(file_name, messages.NO_HEADER)
    width = max(len(record) for record in records)
    headers = tuple(_header(cell) for cell in records[0]) + ("",) * (width - len(records[0]))
    rows = tuple(
        Row(number, tuple(record) + (None,) * (width - len(record)))
        for number, record in enumerate(records[1:], start=2)
        if not all(is_blank(cell) for cell in record)
    )
    return Table(file_name, headers, rows)


def _header(cell: Cell) -> str:
    return "" if cell is None else display(cell).strip()


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def display(cell: Cell) -> str:
    """A cell as the person sees it, for issues and headers."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ") if cell.time() != datetime.min.time() else str(cell.date())
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def load_mapping(path: Path) -> dict[str, str]:
    """A mapping file: a YAML or JSON object of source column name -> field key. Whether the
    keys are fields of the entity is checked with the file's columns, not here."""
    if not path.is_file():
        raise _file_error(path.name, messages.FILE_NOT_FOUND, file=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as error:
        detail = error.strerror if isinstance(error, OSError) else None
        raise _file_error(
            path.name,
            messages.MAPPING_UNREADABLE,
            file=path.name,
            detail=detail or " ".join(str(error).split()),
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in data.items()
    ):
        raise _file_error(path.name, messages.MAPPING_SHAPE, file=path.name)
    return data
