"""Reading CSV (UTF-8, BOM, Shift_JIS) and XLSX files into numbered rows."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from hatake.imports import messages
from hatake.imports.reader import Row, load_mapping, read_table
from hatake.imports.report import ImportFailed
from tests.imports.files import csv_bytes, issues, write_xlsx

ROWS = [["外部ID", "会社名"], ["A-001", "株式会社カブ"], ["A-002", "高橋工業"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932", "shift_jis"])
def test_csv_encodings(encoding: str) -> None:
    table = read_table(csv_bytes(ROWS, encoding), "accounts.csv")
    assert table.headers == ("外部ID", "会社名")
    assert table.rows == (Row(2, ("A-001", "株式会社カブ")), Row(3, ("A-002", "高橋工業")))


def test_cp932_characters_outside_shift_jis() -> None:
    """Excel in Japan writes CP932, which has characters plain Shift_JIS lacks."""
    table = read_table(csv_bytes([["name"], ["髙橋①"]], "cp932"), "a.csv")
    assert table.rows == (Row(2, ("髙橋①",)),)


def test_bom_is_not_part_of_the_first_header() -> None:
    table = read_table(csv_bytes([["external_id", "name"], ["A", "B"]], "utf-8-sig"), "a.csv")
    assert table.headers[0] == "external_id"


def test_row_numbers_are_the_spreadsheet_rows_and_blank_rows_are_skipped() -> None:
    data = csv_bytes([["external_id", "name"], ["A", "x"], ["", ""], ["B", "line\nbreak"], ["C"]])
    table = read_table(data, "a.csv")
    assert [row.number for row in table.rows] == [2, 4, 5]
    assert table.rows[2].cells == ("C", None)


@pytest.mark.parametrize(
    ("data", "message_key"),
    [
        ("外部ID,会社名\r\n".encode("utf-16"), messages.UTF16),
        ("外部ID,会社名\r\n".encode("utf-16-le"), messages.UNKNOWN_ENCODING),
        (b"external_id,name\r\nA,\x82\xff\xfe\r\n", messages.UNKNOWN_ENCODING),
        (b"", messages.NO_HEADER),
        (b",,\r\n", messages.NO_HEADER),
    ],
)
def test_unreadable_csv(data: bytes, message_key: str) -> None:
    with pytest.raises(ImportFailed) as excinfo:
        read_table(data, "accounts.csv")
    [issue] = excinfo.value.issues
    assert (issue.file, issue.row, issue.column, issue.message_key) == (
        "accounts.csv",
        None,
        None,
        message_key,
    )


def test_utf16_error_names_the_accepted_encodings() -> None:
    with pytest.raises(ImportFailed) as excinfo:
        read_table("a,b".encode("utf-16"), "accounts.csv")
    assert issues(excinfo.value) == [
        (
            "accounts.csv",
            None,
            None,
            None,
            "The file is encoded in UTF-16; save it as CSV in UTF-8 (with or without BOM) or "
            "Shift_JIS (CP932).",
            "ファイルがUTF-16で保存されています。CSVをUTF-8(BOMあり・なしどちらも可)または"
            "Shift_JIS(CP932)で保存し直してください。",
        )
    ]


def test_unsupported_extension() -> None:
    with pytest.raises(ImportFailed) as excinfo:
        read_table(b"x", "accounts.xls")
    assert issues(excinfo.value) == [
        (
            "accounts.xls",
            None,
            None,
            None,
            "Files of type .xls cannot be imported; use .csv or .xlsx.",
            ".xls形式のファイルは取り込めません。.csvか.xlsxを使ってください。",
        )
    ]


def test_xlsx_keeps_cell_types_and_row_numbers(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "t.xlsx",
        [
            ["external_id", "occurred_at", "count"],
            ["T-1", datetime(2026, 4, 10, 14, 0), 3],
            [],
            [1001, datetime(2026, 4, 1), 2.5],
        ],
    )
    table = read_table(path.read_bytes(), "t.xlsx")
    assert table.headers == ("external_id", "occurred_at", "count")
    assert table.rows == (
        Row(2, ("T-1", datetime(2026, 4, 10, 14, 0), 3)),
        Row(4, (1001, datetime(2026, 4, 1), 2.5)),
    )


def test_broken_xlsx() -> None:
    with pytest.raises(ImportFailed) as excinfo:
        read_table(b"PK\x03\x04 not really a zip", "accounts.xlsx")
    assert [i.message_key for i in excinfo.value.issues] == [messages.BAD_XLSX]


def test_mapping_files(tmp_path: Path) -> None:
    yaml_path = tmp_path / "m.yaml"
    yaml_path.write_text("顧客コード: external_id\nCompany: name\n", encoding="utf-8")
    json_path = tmp_path / "m.json"
    json_path.write_text(json.dumps({"Company": "name"}), encoding="utf-8")
    assert load_mapping(yaml_path) == {"顧客コード": "external_id", "Company": "name"}
    assert load_mapping(json_path) == {"Company": "name"}


@pytest.mark.parametrize(
    ("text", "message_key"),
    [
        ("[a, b]", messages.MAPPING_SHAPE),
        ("a: [1]", messages.MAPPING_SHAPE),
        ("a: b: c", messages.MAPPING_UNREADABLE),
    ],
)
def test_bad_mapping_files(tmp_path: Path, text: str, message_key: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed) as excinfo:
        load_mapping(path)
    assert [(i.file, i.message_key) for i in excinfo.value.issues] == [("m.yaml", message_key)]


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as excinfo:
        load_mapping(tmp_path / "nope.yaml")
    assert [i.message_key for i in excinfo.value.issues] == [messages.FILE_NOT_FOUND]
