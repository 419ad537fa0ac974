"""The server keeps today's scores fresh by itself."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.team import service as team_service
from tests.live import serve


def test_the_server_scores_today_at_start_up(settings: Settings) -> None:
    generated = CliRunner().invoke(
        app, ["demo", "--accounts", "8", "--months", "2", "--seed", "5", "--score-days", "0"]
    )
    assert generated.exit_code == 0, generated.output
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            _token, reader = team_service.create_token(session, name="r", scopes=["read"])
    finally:
        runtime.close()
    # The scheduler scores the organisation's today (Asia/Tokyo), which is not UTC's from 15:00.
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date().isoformat()
    with serve(settings, schedule_refresh=True) as url:
        # Read through the server: a second connection to its analytics store would race it.
        deadline = time.monotonic() + 120  # a wait, not a timing assertion: CI machines are busy
        while True:
            answer = httpx.get(
                f"{url}/api/v1/health/scores",
                params={"date": today},
                headers={"Authorization": f"Bearer {reader}"},
            )
            items = answer.json().get("items", []) if answer.status_code == 200 else []
            if items or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert items
    assert {item["as_of"] for item in items} == {today}
    assert all(item["grade"] for item in items)
