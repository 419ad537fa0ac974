"""The upload page over real HTTP: every bad row listed, nothing written, templates offered."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from tests.helpers import PASSWORD, create_user
from tests.imports.files import csv_bytes
from tests.live import LiveServer, csrf_from, sign_in

GOOD = [
    ["外部ID", "会社名", "業種", "従業員数", "契約開始日"],
    ["ACC-1", "株式会社はたけ建設", "建設業", "120", "2025/4/1"],
    ["ACC-2", "株式会社みのり不動産", "不動産", "40", "2025-10-01"],
]
BAD = [
    ["外部ID", "会社名", "業種", "従業員数", "契約開始日"],
    ["ACC-1", "株式会社はたけ建設", "建設業", "120", "2025/13/1"],
    ["ACC-1", "株式会社みのり不動産", "不動産", "-4", "2025-10-01"],
]


@contextmanager
def _client(live_server: LiveServer, session: Session, language: str) -> Iterator[httpx.Client]:
    create_user(session, email="csm@example.com")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": language}) as client:
        sign_in(client, "csm@example.com", PASSWORD)
        yield client


def _upload(client: httpx.Client, name: str, data: bytes, dry_run: bool = False) -> httpx.Response:
    token = csrf_from(client.get("/imports").text)
    form = {"entity": "accounts", "csrf_token": token}
    if dry_run:
        form["dry_run"] = "true"
    return client.post("/imports", data=form, files={"file": (name, data, "text/csv")})


def _accounts(session: Session) -> int:
    session.rollback()  # end the test's read snapshot to see what the server committed
    return session.scalar(select(func.count()).select_from(Account)) or 0


def test_a_broken_upload_lists_every_row_and_writes_nothing(
    live_server: LiveServer, session: Session
) -> None:
    with _client(live_server, session, "en") as client:
        response = _upload(client, "顧客.csv", csv_bytes(BAD, "cp932"))
    assert response.status_code == 422
    page = response.text
    assert "顧客.csv" in page
    assert "2025/13/1" in page
    assert "-4" in page
    assert page.count("<tr><td>顧客.csv</td>") >= 3  # bad date, negative count, duplicate id
    assert _accounts(session) == 0


def test_a_good_upload_imports_once(live_server: LiveServer, session: Session) -> None:
    with _client(live_server, session, "ja") as client:
        dry = _upload(client, "accounts.csv", csv_bytes(GOOD), dry_run=True)
        assert dry.status_code == 200
        assert _accounts(session) == 0
        first = _upload(client, "accounts.csv", csv_bytes(GOOD))
        assert first.status_code == 200
        assert _accounts(session) == 2
        second = _upload(client, "accounts.csv", csv_bytes(GOOD))
        assert second.status_code == 200
        assert _accounts(session) == 2
    assert 'role="status"' in second.text


def test_templates_download_in_the_users_language(
    live_server: LiveServer, session: Session
) -> None:
    with _client(live_server, session, "ja") as client:
        csv_template = client.get("/imports/templates/accounts.csv")
        xlsx_template = client.get("/imports/templates/contacts.xlsx")
        missing = client.get("/imports/templates/nothing.csv")
    assert csv_template.content.startswith(b"\xef\xbb\xbf")
    assert "外部ID" in csv_template.content.decode("utf-8-sig").splitlines()[0]
    sheet = load_workbook(io.BytesIO(xlsx_template.content)).active
    assert sheet is not None
    assert "外部ID" in [cell.value for cell in sheet[1]]
    assert missing.status_code == 404
