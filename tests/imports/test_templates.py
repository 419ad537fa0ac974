"""Template files for the upload page: right headers, and they import as they are."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from hatake.core.settings import CustomFieldDef
from hatake.imports.report import UnknownEntity
from hatake.imports.specs import ENTITIES
from hatake.imports.templates import template_csv, template_xlsx
from hatake.team.models import User
from tests.imports.conftest import Importer


def test_csv_template_has_a_bom_and_headers_in_the_language() -> None:
    ja = template_csv("subscriptions", "ja")
    assert ja.startswith(b"\xef\xbb\xbf")
    assert ja.decode("utf-8-sig").splitlines() == [
        "外部ID,顧客外部ID,プラン,月額(MRR),通貨,席数,開始日,終了日,ステータス,請求周期",
        "S-001,A-001,スタンダード,50000,JPY,20,2026-04-01,2027-03-31,有効,年次",
    ]
    en = template_csv("subscriptions", "en").decode("utf-8-sig").splitlines()
    assert en[0] == (
        "external_id,account_external_id,plan,mrr,currency,seats,start_date,"
        "end_date,status,billing_period"
    )
    assert en[1].endswith(",active,annual")


def test_templates_include_custom_fields() -> None:
    region = CustomFieldDef(
        key="region", type="category", label_ja="地域", label_en="Region", choices=["関東", "関西"]
    )
    header, example = template_csv("accounts", "ja", [region]).decode("utf-8-sig").splitlines()
    assert header.endswith(",地域")
    assert example.endswith(",関東")


def test_xlsx_template_has_real_date_cells() -> None:
    sheet = load_workbook(io.BytesIO(template_xlsx("tickets", "ja"))).worksheets[0]
    assert [cell.value for cell in sheet[1]][:5] == [
        "外部ID",
        "顧客外部ID",
        "コンタクト外部ID",
        "件名",
        "起票日時",
    ]
    assert sheet["E2"].value == datetime(2026, 4, 12, 9, 30)
    assert sheet["E2"].is_date


def test_unknown_entity() -> None:
    with pytest.raises(UnknownEntity):
        template_csv("deals", "ja")


@pytest.mark.parametrize(("locale", "kind"), [("ja", "csv"), ("en", "xlsx")])
def test_templates_import_in_entity_order(
    session: Session, import_file: Importer, csm: User, tmp_path: Path, locale: str, kind: str
) -> None:
    make = template_csv if kind == "csv" else template_xlsx
    for entity in ENTITIES:
        path = tmp_path / f"{entity}.{kind}"
        path.write_bytes(make(entity, locale))
        report = import_file(entity, path)
        assert (report.rows, report.created) == (1, 1), entity
