"""What `make demo` does, small: generate demo data, serve it, sign in with the demo login."""

from __future__ import annotations

import re

import httpx
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.settings import Settings
from tests.live import LiveServer, sign_in


def test_the_demo_login_opens_a_populated_product(
    settings: Settings, live_server: LiveServer
) -> None:
    result = CliRunner().invoke(
        app, ["demo", "--accounts", "15", "--months", "3", "--seed", "7", "--score-days", "7"]
    )
    assert result.exit_code == 0, result.output
    assert "demo@hatake.example" in result.output
    refreshed = CliRunner().invoke(app, ["refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "en"}) as client:
        assert sign_in(client, "demo@hatake.example", "hatake-demo").status_code == 303
        accounts = client.get("/accounts")
        assert "15 accounts" in accounts.text
        active = client.get("/accounts", params={"status": "active"})
        first = re.search(r'href="/accounts/(\d+)"', active.text)
        assert first is not None
        page = client.get(f"/accounts/{first.group(1)}")
        assert page.status_code == 200
        assert "Recent usage (90 days)" in page.text
        assert "Health score" in page.text
        assert "Usage rate" in page.text, "the score explains itself factor by factor"
        external_id = re.search(r"ACC-\d+", page.text)
        assert external_id is not None
    token = CliRunner().invoke(app, ["token", "create", "--scope", "read"]).output.strip()
    health = httpx.get(
        f"{live_server.url}/api/v1/accounts/{external_id.group(0)}/health",
        headers={"authorization": f"Bearer {token}"},
    )
    assert health.status_code == 200, health.text
    body = health.json()
    assert body["grade"] in {"healthy", "neutral", "at_risk"}
    assert abs(sum(f["contribution"] for f in body["factors"]) - body["score"]) < 0.051
    assert set(body["trend"]) == {"7d", "30d", "90d"}
