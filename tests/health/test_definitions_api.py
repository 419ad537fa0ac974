"""The score-definition API over real HTTP on both state backends."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health.definition import default_definition
from hatake.team import service as team_service
from tests.health.definition_data import (
    BROKEN,
    CHAMPION_ONLY,
    UNKNOWN_METRIC,
    seed_portfolio,
)
from tests.helpers import create_user
from tests.live import LiveServer


def _token(session: Session, *scopes: str, user_name: str | None = None) -> dict[str, str]:
    user = create_user(session, name=user_name) if user_name else None
    _row, plain = team_service.create_token(session, name="test", scopes=list(scopes), user=user)
    session.commit()
    return {"authorization": f"Bearer {plain}", "accept-language": "en"}


@pytest.fixture
def api(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{live_server.url}/api/v1") as client:
        yield client


def test_list_and_read_the_builtin_version(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "read")
    listed = api.get("/health/definitions", headers=headers)
    assert listed.status_code == 200
    builtin = default_definition().version
    assert listed.json() == [
        {
            "version": builtin,
            "name": default_definition().name,
            "origin": "builtin",
            "is_active": True,
            "created_at": None,
            "created_by": None,
            "note": None,
        }
    ]
    one = api.get(f"/health/definitions/{builtin}", headers=headers).json()
    assert one["document"].startswith("# hatake's default health score")
    missing = api.get("/health/definitions/no-such-version", headers=headers)
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_save_activate_and_refuse_a_duplicate(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "read", "write", user_name="佐藤 花子")
    saved = api.post(
        "/health/definitions", headers=headers, json={"document": CHAMPION_ONLY, "note": "試し"}
    )
    assert saved.status_code == 201, saved.text
    assert saved.json() | {"created_at": None} == {
        "version": "test-champion.1",
        "name": "Champion only",
        "origin": "edited",
        "is_active": False,
        "created_at": None,
        "created_by": "佐藤 花子",
        "note": "試し",
    }
    again = api.post(
        "/health/definitions", headers=headers, json={"document": CHAMPION_ONLY, "activate": True}
    )
    assert again.status_code == 409
    assert "test-champion.1 already exists" in again.json()["detail"]
    activated = api.post("/health/definitions/test-champion.1/activate", headers=headers)
    assert activated.status_code == 200
    assert activated.json()["is_active"] is True
    listed = api.get("/health/definitions", headers=headers).json()
    assert [(item["version"], item["is_active"]) for item in listed] == [
        ("test-champion.1", True),
        (default_definition().version, False),
    ]
    assert (
        api.get("/health/definitions/test-champion.1", headers=headers).json()["document"]
        == CHAMPION_ONLY
    )
    back = api.post(f"/health/definitions/{default_definition().version}/activate", headers=headers)
    assert back.json()["is_active"] is True
    assert api.post("/health/definitions/nope/activate", headers=headers).status_code == 404


def test_an_invalid_document_lists_every_issue(api: httpx.Client, session: Session) -> None:
    headers = _token(session, "write")
    response = api.post("/health/definitions", headers=headers, json={"document": BROKEN})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    issues = response.json()["issues"]
    assert issues == [
        {
            "path": "grades[0].colour",
            "message": "grades[0].colour: does not have the expected form",
        },
        {
            "path": "profiles[0].groups[0].factors[0].weight",
            "message": "profiles[0].groups[0].factors[0].weight: must be greater than 0",
        },
    ]
    unknown = api.post("/health/definitions", headers=headers, json={"document": UNKNOWN_METRIC})
    assert unknown.json()["issues"] == [
        {
            "path": "profiles[0].groups[0].factors[0].metric",
            "message": "profiles[0].groups[0].factors[0].metric: unknown metric happiness",
        }
    ]


def test_scopes(api: httpx.Client, session: Session) -> None:
    read_only = _token(session, "read")
    refused = api.post("/health/definitions", headers=read_only, json={"document": CHAMPION_ONLY})
    assert refused.status_code == 403
    assert api.get("/health/definitions", headers={"accept-language": "en"}).status_code == 401


def test_preview(api: httpx.Client, session: Session, runtime: Runtime) -> None:
    seed_portfolio(session, runtime)
    runtime.close()  # the server opens the analytics store itself
    headers = _token(session, "read")
    response = api.post(
        "/health/definitions/preview", headers=headers, json={"document": CHAMPION_ONLY}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] == "2026-11-01"
    assert (body["accounts"], body["changed_grade"], body["mean_score_change"]) == (5, 3, 20.0)
    assert body["matrix"] == [[1, 0, 0, 1], [1, 0, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]]
    assert {"from_grade": "neutral", "to_grade": "healthy", "accounts": 1} in body["transitions"]
    assert len(body["transitions"]) == 5
    first = body["biggest_changes"][0]
    assert first == {
        "account_external_id": "P-B",
        "account_name": "株式会社プレビューB",
        "grade_before": "neutral",
        "grade_after": "healthy",
        "score_before": 50.0,
        "score_after": 100.0,
        "change": 50.0,
    }
    broken = api.post("/health/definitions/preview", headers=headers, json={"document": BROKEN})
    assert broken.status_code == 400
    assert len(broken.json()["issues"]) == 2
    none_then = api.post(
        "/health/definitions/preview",
        headers=headers,
        json={"document": CHAMPION_ONLY, "as_of": "2026-10-01"},
    )
    assert none_then.status_code == 409


def test_openapi_documents_the_routes(api: httpx.Client) -> None:
    schema = httpx.get(str(api.base_url).replace("/api/v1/", "/openapi.json"))
    paths = schema.json()["paths"]
    assert set(paths["/api/v1/health/definitions"]) == {"get", "post"}
    assert "post" in paths["/api/v1/health/definitions/preview"]
    assert "post" in paths["/api/v1/health/definitions/{version}/activate"]
    example = schema.json()["components"]["schemas"]["DefinitionCreate"]["examples"][0]
    assert example["document"].startswith("version:")
