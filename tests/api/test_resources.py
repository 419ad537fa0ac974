"""The REST resources over real HTTP on both backends: CRUD by external id, references that
must exist, filters, sorting with cursors, problem documents and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Subscription
from hatake.coverage.models import Task
from hatake.team import service as team_service
from hatake.team.models import User
from tests.helpers import (
    create_account,
    create_contact,
    create_subscription,
    create_touchpoint,
    create_user,
)
from tests.live import LiveServer


def _token(session: Session, *scopes: str, user: User | None = None) -> dict[str, str]:
    _row, plain = team_service.create_token(session, name="test", scopes=list(scopes), user=user)
    session.commit()
    return {"authorization": f"Bearer {plain}", "accept-language": "en"}


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{live_server.url}/api/v1") as client:
        yield client


# path, a complete payload (besides external_id and account), a change, the changed field
RESOURCES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("/subscriptions", {"plan": "standard", "mrr_minor": 50000, "start_date": "2025-04-01"},
     {"seats": 12}),
    ("/touchpoints", {"channel": "visit", "occurred_at": "2026-11-20T10:00:00+09:00",
                      "contact_external_id": "USR-1", "user_email": "csm@example.com"},
     {"is_meaningful": False}),
    ("/tickets", {"opened_at": "2026-11-18T09:30:00+09:00", "subject": "CSV", "csat": 4,
                  "contact_external_id": "USR-1"},
     {"status": "resolved"}),
    ("/survey-responses", {"responded_on": "2026-10-01", "nps": 9,
                           "contact_external_id": "USR-1"},
     {"comment": "とても便利"}),
    ("/tasks", {"title": "更新前レビュー", "due_on": "2026-12-01",
                "assignee_email": "csm@example.com"},
     {"priority": "urgent"}),
]  # fmt: skip


@pytest.mark.parametrize(("path", "payload", "change"), RESOURCES, ids=lambda v: str(v)[:20])
def test_crud_round_trip(
    api: httpx.Client,
    session: Session,
    path: str,
    payload: dict[str, Any],
    change: dict[str, Any],
) -> None:
    create_user(session, email="csm@example.com")
    account = create_account(session, external_id="ACC-1")
    create_contact(session, account, external_id="USR-1")
    headers = _token(session, "read", "write")
    body = {"external_id": "X-1", "account_external_id": "ACC-1", **payload}
    created = api.post(path, headers=headers, json=body)
    assert created.status_code == 201, created.text
    assert created.json()["account_external_id"] == "ACC-1"
    for field, value in payload.items():
        if field.endswith("_at"):
            continue  # returned in UTC
        assert created.json()[field] == value
    assert created.headers["ratelimit-limit"] == "600"
    assert api.post(path, headers=headers, json=body).status_code == 409
    assert api.get(f"{path}/X-1", headers=headers).json()["external_id"] == "X-1"
    patched = api.patch(f"{path}/X-1", headers=headers, json=change)
    assert patched.status_code == 200, patched.text
    assert all(patched.json()[field] == value for field, value in change.items())
    assert patched.json()["account_external_id"] == "ACC-1"
    listed = api.get(path, headers=headers, params={"account": "ACC-1"}).json()
    assert [item["external_id"] for item in listed["items"]] == ["X-1"]
    assert api.get(path, headers=headers, params={"account": "ACC-2"}).json()["items"] == []
    assert api.delete(f"{path}/X-1", headers=headers).status_code == 204
    missing = api.get(f"{path}/X-1", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("path", "payload", "_change"), RESOURCES, ids=lambda v: str(v)[:20])
def test_an_unknown_account_is_a_422_naming_it(
    api: httpx.Client,
    session: Session,
    path: str,
    payload: dict[str, Any],
    _change: dict[str, Any],
) -> None:
    create_user(session, email="csm@example.com")
    headers = _token(session, "write")
    body = {"external_id": "X-1", "account_external_id": "ACC-404", **payload}
    response = api.post(path, headers=headers, json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "No account with external id ACC-404."
    assert response.json()["errors"][0] == {
        "field": "account_external_id",
        "value": "ACC-404",
        "message": "No account with external id ACC-404.",
        "type": "invalid_value",
    }


def test_a_contact_of_another_account_is_refused_and_nothing_is_written(
    api: httpx.Client, session: Session
) -> None:
    create_account(session, external_id="ACC-1")
    other = create_account(session, external_id="ACC-2")
    create_contact(session, other, external_id="USR-2")
    headers = _token(session, "write")
    response = api.post(
        "/tickets",
        headers={**headers, "accept-language": "ja"},
        json={
            "external_id": "TK-1",
            "account_external_id": "ACC-1",
            "opened_at": "2026-11-18T09:30:00+09:00",
            "contact_external_id": "USR-2",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contact_external_id"
    assert response.json()["detail"] == "この顧客に外部ID USR-2 の連絡先はありません。"


def test_validation_names_field_value_and_reason(api: httpx.Client, session: Session) -> None:
    create_account(session, external_id="ACC-1")
    headers = _token(session, "write")
    response = api.post(
        "/survey-responses",
        headers=headers,
        json={"external_id": "N-1", "account_external_id": "ACC-1", "responded_on": "2026-10-01",
              "nps": 11},
    )  # fmt: skip
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"], error["value"]) == ("nps", 11)
    assert "less than or equal to 10" in error["message"]
    ordered = api.post(
        "/subscriptions",
        headers=headers,
        json={"external_id": "S-1", "account_external_id": "ACC-1", "plan": "p", "mrr_minor": 1,
              "start_date": "2025-04-01", "end_date": "2025-03-01"},
    )  # fmt: skip
    assert ordered.status_code == 422
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Subscription)) == 0


def test_patch_refuses_to_empty_a_required_field_and_unknown_fields(
    api: httpx.Client, session: Session
) -> None:
    create_subscription(session, create_account(session), external_id="SUB-1")
    headers = _token(session, "read", "write")
    emptied = api.patch("/subscriptions/SUB-1", headers=headers, json={"plan": None})
    assert emptied.status_code == 422
    assert emptied.json()["detail"] == "plan cannot be empty."
    unknown = api.patch("/subscriptions/SUB-1", headers=headers, json={"colour": "red"})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "colour"
    late = api.patch("/subscriptions/SUB-1", headers=headers, json={"end_date": "2020-01-01"})
    assert late.status_code == 422
    assert late.json()["errors"][0]["field"] == "end_date"


def test_a_task_records_who_made_it_and_when_it_was_done(
    api: httpx.Client, session: Session
) -> None:
    manager = create_user(session, email="manager@example.com")
    create_account(session, external_id="ACC-1")
    headers = _token(session, "read", "write", user=manager)
    created = api.post(
        "/tasks",
        headers=headers,
        json={"external_id": "T-1", "account_external_id": "ACC-1", "title": "電話"},
    ).json()
    assert created["created_by_email"] == "manager@example.com"
    assert created["completed_at"] is None
    done = api.patch("/tasks/T-1", headers=headers, json={"status": "done"}).json()
    assert done["completed_at"] is not None
    again = api.patch("/tasks/T-1", headers=headers, json={"status": "done", "title": "x"})
    assert again.json()["completed_at"] == done["completed_at"]
    reopened = api.patch("/tasks/T-1", headers=headers, json={"status": "open"}).json()
    assert reopened["completed_at"] is None
    session.expire_all()
    assert session.scalar(select(Task.status)) == "open"


def test_filters_sorting_and_cursors(api: httpx.Client, session: Session) -> None:
    from datetime import UTC, datetime

    account = create_account(session, external_id="ACC-1")
    other = create_account(session, external_id="ACC-2")
    for day in (5, 1, 3, 3, 9):
        create_touchpoint(
            session, account, occurred_at=datetime(2026, 11, day, tzinfo=UTC), channel="phone"
        )
    create_touchpoint(session, account, occurred_at=datetime(2026, 11, 4, tzinfo=UTC),
                      channel="email")  # fmt: skip
    create_touchpoint(session, other, occurred_at=datetime(2026, 11, 2, tzinfo=UTC))
    headers = _token(session, "read")
    params = {"account": "ACC-1", "channel": "phone", "sort": "-occurred_at", "limit": 2}
    seen: list[str] = []
    cursor = None
    while True:
        page = api.get(
            "/touchpoints",
            headers=headers,
            params={**params, "cursor": cursor} if cursor else params,
        ).json()
        seen += [item["occurred_at"][:10] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["2026-11-09", "2026-11-05", "2026-11-03", "2026-11-03", "2026-11-01"]
    window = api.get(
        "/touchpoints",
        headers=headers,
        params={"occurred_from": "2026-11-03T00:00:00Z", "occurred_to": "2026-11-05T00:00:00Z"},
    ).json()
    assert len(window["items"]) == 3
    first = api.get("/touchpoints", headers=headers, params={**params}).json()
    other_sort = api.get(
        "/touchpoints",
        headers=headers,
        params={"sort": "occurred_at", "cursor": first["next_cursor"]},
    )
    assert other_sort.status_code == 422
    assert other_sort.json()["errors"][0]["field"] == "cursor"
    tampered = api.get("/touchpoints", headers=headers, params={"cursor": "bm9wZQ"})
    assert tampered.status_code == 422
    bad_sort = api.get("/touchpoints", headers=headers, params={"sort": "summary"})
    assert bad_sort.status_code == 422
    assert bad_sort.json()["errors"][0] == {
        "field": "sort",
        "value": "summary",
        "message": "Cannot sort by summary; use one of id, occurred_at, updated_at, with - in "
        "front for descending.",
        "type": "invalid_value",
    }
    assert api.get("/touchpoints", headers=headers, params={"limit": 501}).status_code == 422


def test_account_filters(api: httpx.Client, session: Session) -> None:
    owner = create_user(session, email="csm@example.com")
    kept = create_account(session, external_id="ACC-1", owner_id=owner.id)
    create_subscription(session, kept, plan="enterprise")
    create_account(session, external_id="ACC-2", owner_id=owner.id, status="churned")
    create_account(session, external_id="ACC-3")
    headers = _token(session, "read")

    def ids(**params: str) -> list[str]:
        page = api.get("/accounts", headers=headers, params=params).json()
        return [item["external_id"] for item in page["items"]]

    assert ids(owner="csm@example.com") == ["ACC-1", "ACC-2"]
    assert ids(owner="csm@example.com", status="active") == ["ACC-1"]
    assert ids(plan="enterprise") == ["ACC-1"]
    assert ids(sort="-external_id") == ["ACC-3", "ACC-2", "ACC-1"]
    assert ids(updated_since="2999-01-01T00:00:00Z") == []


def test_every_api_operation_documents_problems_and_examples(live_server: LiveServer) -> None:
    spec = httpx.get(f"{live_server.url}/openapi.json").json()
    paths = {path: ops for path, ops in spec["paths"].items() if path.startswith("/api/v1")}
    for path in (
        "/api/v1/tasks",
        "/api/v1/tickets/{external_id}",
        "/api/v1/health/scores",
        "/api/v1/survey-responses",
        "/api/v1/touchpoints",
        "/api/v1/subscriptions",
    ):
        assert path in paths  # fmt: skip
    tags = {tag["name"] for tag in spec["tags"] if tag.get("description")}
    assert {"accounts", "contacts", "subscriptions", "touchpoints", "tickets",
            "survey responses", "tasks", "health"} <= tags  # fmt: skip
    schemas = spec["components"]["schemas"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), where
            assert operation["tags"], where
            for code in ("401", "403", "422"):
                content = operation["responses"][code]["content"]
                assert "application/problem+json" in content, (where, code)
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            # The health routes' own schemas belong to the health capability.
            if body and "health" not in operation["tags"]:
                name = body["schema"]["$ref"].rsplit("/", 1)[-1]
                _assert_examples(schemas, name, where)
    for name in (
        "SubscriptionRead",
        "TouchpointRead",
        "TicketRead",
        "SurveyResponseRead",
        "TaskRead",
        "StoredScore",
        "TaskUpdate",
        "Page_TaskRead_",
        "Problem",
    ):
        _assert_examples(schemas, name, name)  # fmt: skip


def _assert_examples(schemas: dict[str, Any], name: str, where: str) -> None:
    schema = schemas[name]
    if "examples" in schema:
        return
    for field, prop in schema["properties"].items():
        assert "examples" in prop or "$ref" in prop or "items" in prop, (where, field)


def test_resource_specific_filters(api: httpx.Client, session: Session) -> None:
    from datetime import date

    from tests.helpers import create_survey_response, create_ticket

    csm = create_user(session, email="csm@example.com")
    account = create_account(session, external_id="ACC-1")
    contact = create_contact(session, account)
    create_subscription(session, account, external_id="S-1", plan="basic", status="ended",
                        end_date=date(2025, 12, 31))  # fmt: skip
    create_subscription(session, account, external_id="S-2", plan="enterprise")
    create_ticket(session, account, external_id="TK-1", priority="urgent")
    create_ticket(session, account, external_id="TK-2", status="closed", issue_type="operational")
    create_survey_response(session, contact, external_id="N-1", responded_on=date(2026, 9, 30))
    create_survey_response(session, contact, external_id="N-2", responded_on=date(2026, 10, 31))
    session.add_all([
        Task(external_id="T-1", account_id=account.id, title="a", assignee_id=csm.id,
             due_on=date(2026, 12, 1)),
        Task(external_id="T-2", account_id=account.id, title="b", due_on=date(2026, 11, 1),
             status="done"),
    ])  # fmt: skip
    headers = _token(session, "read")

    def ids(path: str, **params: str) -> list[str]:
        page = api.get(path, headers=headers, params=params)
        assert page.status_code == 200, page.text
        return [item["external_id"] for item in page.json()["items"]]

    assert ids("/subscriptions", status="active") == ["S-2"]
    assert ids("/subscriptions", plan="basic") == ["S-1"]
    assert ids("/tickets", priority="urgent") == ["TK-1"]
    assert ids("/tickets", status="closed", issue_type="operational") == ["TK-2"]
    assert ids("/survey-responses", responded_from="2026-10-01") == ["N-2"]
    assert ids("/survey-responses", responded_to="2026-10-31", sort="-responded_on") == [
        "N-2", "N-1"
    ]  # fmt: skip
    assert ids("/tasks", assignee="csm@example.com") == ["T-1"]
    assert ids("/tasks", status="open") == ["T-1"]
    assert ids("/tasks", due_before="2026-12-01") == ["T-2"]
    assert ids("/contacts", account="ACC-1") == [contact.external_id]
    invalid = api.get("/tickets", headers=headers, params={"priority": "someday"})
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["value"] == "someday"
