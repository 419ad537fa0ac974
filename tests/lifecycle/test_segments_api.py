"""Segments over the REST API and the CLI, on both backends, against real HTTP."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.team import service as team_service
from tests.helpers import create_account, create_subscription
from tests.live import LiveServer


def _seed(session: Session) -> tuple[str, str]:
    today = date.today()
    for number, seats in enumerate([5, 12, 40], start=1):
        account = create_account(session, external_id=f"SEG-{number}")
        create_subscription(session, account, seats=seats, start_date=today - timedelta(days=100))
    _token, reader = team_service.create_token(session, name="r", scopes=["read"])
    _token, writer = team_service.create_token(session, name="w", scopes=["read", "write"])
    session.commit()
    return reader, writer


def test_create_read_replace_and_delete_a_segment(
    session: Session, live_server: LiveServer
) -> None:
    reader, writer = _seed(session)
    read = {"Authorization": f"Bearer {reader}"}
    write = {"Authorization": f"Bearer {writer}"}
    url = f"{live_server.url}/api/v1/segments"
    body = {
        "name": "大口",
        "definition": {"conditions": [{"field": "seats", "op": ">=", "value": 10}]},
    }
    assert httpx.post(url, json=body, headers=read).status_code == 403
    created = httpx.post(url, json=body, headers=write)
    assert created.status_code == 201, created.text
    segment = created.json()
    assert segment["members"] == 2
    assert segment["refreshed_on"] is not None
    members = httpx.get(f"{url}/{segment['id']}/members", headers=read).json()
    assert [m["external_id"] for m in members] == ["SEG-2", "SEG-3"]

    narrower = {**body, "definition": {"conditions": [{"field": "seats", "op": ">", "value": 20}]}}
    replaced = httpx.put(f"{url}/{segment['id']}", json=narrower, headers=write).json()
    assert replaced["members"] == 1
    history = httpx.get(f"{url}/{segment['id']}/history", headers=read).json()
    assert [c["members"] for c in history["counts"]] == [1]
    assert sorted((c["change"], c["account_external_id"]) for c in history["changes"]) == [
        ("entered", "SEG-2"),
        ("entered", "SEG-3"),
        ("left", "SEG-2"),
    ]

    bad = {**body, "name": "bad", "definition": {"conditions": [{"field": "seats", "op": "~"}]}}
    refused = httpx.post(url, json=bad, headers={**write, "Accept-Language": "en"})
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "Condition 1 (seats): the operator ~ does not apply" in refused.json()["detail"]
    assert [s["name"] for s in httpx.get(url, headers=read).json()] == ["大口"]

    assert httpx.delete(f"{url}/{segment['id']}", headers=write).status_code == 204
    assert httpx.get(f"{url}/{segment['id']}", headers=read).status_code == 404


def test_the_cli_lists_and_shows_segments(session: Session, live_server: LiveServer) -> None:
    _reader, writer = _seed(session)
    body = {
        "name": "小口",
        "definition": {"conditions": [{"field": "seats", "op": "<", "value": 10}]},
    }
    httpx.post(
        f"{live_server.url}/api/v1/segments",
        json=body,
        headers={"Authorization": f"Bearer {writer}"},
    ).raise_for_status()
    runner = CliRunner()
    listed = runner.invoke(app, ["segments"])
    assert listed.exit_code == 0, listed.output
    assert "小口" in listed.output
    shown = runner.invoke(app, ["segments", "--show", "1"])
    assert "SEG-1" in shown.output
    assert "SEG-2" not in shown.output


def test_accounts_are_listed_by_segment(session: Session, live_server: LiveServer) -> None:
    reader, writer = _seed(session)
    body = {
        "name": "中以上",
        "definition": {"conditions": [{"field": "seats", "op": ">=", "value": 12}]},
    }
    segment = httpx.post(
        f"{live_server.url}/api/v1/segments",
        json=body,
        headers={"Authorization": f"Bearer {writer}"},
    ).json()
    listed = httpx.get(
        f"{live_server.url}/api/v1/accounts",
        params={"segment": segment["id"]},
        headers={"Authorization": f"Bearer {reader}"},
    ).json()
    assert [item["external_id"] for item in listed["items"]] == ["SEG-2", "SEG-3"]
