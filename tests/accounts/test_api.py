"""The REST API skeleton over real HTTP: bearer tokens, CRUD, problem+json errors."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.team import service as team_service
from tests.helpers import create_account, create_contact, create_user
from tests.live import LiveServer


def _token(session: Session, *scopes: str) -> dict[str, str]:
    _token_row, plain = team_service.create_token(session, name="test", scopes=list(scopes))
    session.commit()
    return {"authorization": f"Bearer {plain}"}


@pytest.fixture
def api(live_server: LiveServer) -> httpx.Client:
    with httpx.Client(base_url=f"{live_server.url}/api/v1") as client:
        yield client


def test_missing_token_is_a_problem_document(api: httpx.Client) -> None:
    response = api.get("/accounts", headers={"accept-language": "en"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 401
    assert body["detail"] == "Send an API token as 'Authorization: Bearer <token>'."
    assert body["instance"] == "/api/v1/accounts"


def test_account_crud_round_trip(api: httpx.Client, session: Session) -> None:
    create_user(session, email="csm@example.com")
    headers = _token(session, "read", "write")
    created = api.post(
        "/accounts",
        headers=headers,
        json={
            "external_id": "ACC-1",
            "name": "株式会社はたけ建設",
            "industry": "建設業",
            "employee_count": 120,
            "owner_email": "csm@example.com",
            "start_date": "2025-04-01",
            "custom": {"region": "関東"},
        },
    )
    assert created.status_code == 201, created.text
    assert created.json()["owner_email"] == "csm@example.com"
    assert api.get("/accounts/ACC-1", headers=headers).json()["name"] == "株式会社はたけ建設"
    patched = api.patch("/accounts/ACC-1", headers=headers, json={"status": "churned"})
    assert patched.json()["status"] == "churned"
    assert patched.json()["industry"] == "建設業"
    assert api.delete("/accounts/ACC-1", headers=headers).status_code == 204
    missing = api.get("/accounts/ACC-1", headers={**headers, "accept-language": "ja"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "外部ID ACC-1 の顧客はありません。"


def test_read_scope_cannot_write(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "read")
    response = api.post(
        "/accounts",
        headers={**headers, "accept-language": "en"},
        json={"external_id": "ACC-1", "name": "x"},
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This token lacks the write scope."
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_duplicate_external_id_conflicts(api: httpx.Client, session: Session) -> None:
    create_account(session, external_id="ACC-1")
    headers = _token(session, "read", "write")
    response = api.post("/accounts", headers=headers, json={"external_id": "ACC-1", "name": "x"})
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"


def test_invalid_payload_names_the_field(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "write")
    response = api.post(
        "/accounts",
        headers=headers,
        json={"external_id": "ACC-1", "name": "x", "employee_count": -3},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "employee_count"
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_unknown_owner_writes_nothing(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "write")
    response = api.post(
        "/accounts",
        headers={**headers, "accept-language": "en"},
        json={"external_id": "ACC-1", "name": "x", "owner_email": "no@x.jp"},
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "No team user has the email no@x.jp."
    assert response.json()["errors"][0]["field"] == "owner_email"
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_revoked_token_is_refused(api: httpx.Client, session: Session) -> None:
    token, plain = team_service.create_token(session, name="t", scopes=["read"])
    team_service.revoke_token(session, token_id=token.id)
    session.commit()
    response = api.get("/accounts", headers={"authorization": f"Bearer {plain}"})
    assert response.status_code == 401


def test_contacts_paginate_with_a_cursor(api: httpx.Client, session: Session) -> None:
    account = create_account(session, external_id="ACC-1")
    for _ in range(5):
        create_contact(session, account)
    headers = _token(session, "read", "write")
    first = api.get("/contacts", headers=headers, params={"limit": 3, "account": "ACC-1"}).json()
    assert len(first["items"]) == 3
    second = api.get(
        "/contacts", headers=headers, params={"limit": 3, "cursor": first["next_cursor"]}
    ).json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert {item["account_external_id"] for item in first["items"]} == {"ACC-1"}
    moved = api.post(
        "/contacts",
        headers=headers,
        json={"external_id": "USR-X", "account_external_id": "ACC-404", "name": "x"},
    )
    assert moved.status_code == 422
    assert moved.json()["errors"][0]["value"] == "ACC-404"


def test_openapi_lists_the_api(api: httpx.Client, live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    assert "/api/v1/accounts" in spec["paths"]
    assert "/api/v1/contacts/{external_id}" in spec["paths"]
    assert "/login" not in spec["paths"]


def test_a_created_account_is_committed_before_the_response(
    api: httpx.Client, session: Session
) -> None:
    headers = _token(session, "read", "write")
    for number in range(5):
        response = api.post(
            "/accounts", headers=headers, json={"external_id": f"ACC-{number}", "name": "x"}
        )
        assert response.status_code == 201
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Account)) == number + 1
