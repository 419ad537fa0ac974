"""Template files for the upload page: the headers of one entity and one example row.

The examples refer to one another (A-001, C-001, csm@example.com), so importing the templates
in ENTITIES order succeeds once that team user exists.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from hatake.core.settings import CustomFieldDef
from hatake.core.xlsx import new_workbook, workbook_bytes, write_value
from hatake.imports.service import check_entity
from hatake.imports.specs import Field, FieldType, spec_for

_XLSX_FORMATS = {
    FieldType.DATE: "yyyy-mm-dd",
    FieldType.DATETIME: "yyyy-mm-dd hh:mm",
    FieldType.MONEY: "#,##0",
    FieldType.INTEGER: "0",
}


def _fields(entity: str, custom_fields: Sequence[CustomFieldDef]) -> tuple[Field, ...]:
    check_entity(entity)
    return spec_for(entity, custom_fields).fields


def header(field: Field, locale: str) -> str:
    return field.label_ja if locale == "ja" else field.key


def example_text(field: Field, locale: str) -> str:
    value = field.example
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("はい" if value else "いいえ") if locale == "ja" else str(value).lower()
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if field.type is FieldType.CHOICE and locale == "ja":
        words = next((c.words for c in field.choices if c.value == value), ())
        return words[0] if words else str(value)
    return str(value)


def template_csv(entity: str, locale: str, custom_fields: Sequence[CustomFieldDef] = ()) -> bytes:
    """UTF-8 with a BOM, so Excel in Japan opens it without garbling the headers."""
    fields = _fields(entity, custom_fields)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([header(f, locale) for f in fields])
    writer.writerow([example_text(f, locale) for f in fields])
    return buffer.getvalue().encode("utf-8-sig")


def template_xlsx(entity: str, locale: str, custom_fields: Sequence[CustomFieldDef] = ()) -> bytes:
    """The same as the CSV, with real date and number cells."""
    fields = _fields(entity, custom_fields)
    buffer = io.BytesIO()
    book = new_workbook(buffer)
    sheet = book.add_worksheet(entity)
    bold = book.add_format({"bold": True})
    for index, f in enumerate(fields):
        write_value(sheet, 0, index, header(f, locale), bold)
        is_typed = isinstance(f.example, int | date) and not isinstance(f.example, bool)
        pattern = _XLSX_FORMATS.get(f.type)
        write_value(
            sheet,
            1,
            index,
            f.example if is_typed else example_text(f, locale) or None,
            book.add_format({"num_format": pattern}) if pattern else None,
        )
        width = max(len(header(f, locale)) * 2, len(example_text(f, locale))) + 2
        sheet.set_column(index, index, min(width, 40))
    sheet.freeze_panes(1, 0)
    return workbook_bytes(book, buffer)
