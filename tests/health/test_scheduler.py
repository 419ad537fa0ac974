"""The server keeps today's scores fresh by itself."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.health import snapshots
from hatake.health.definition import default_definition
from tests.live import serve


def test_the_server_scores_today_at_start_up(settings: Settings) -> None:
    generated = CliRunner().invoke(
        app, ["demo", "--accounts", "8", "--months", "2", "--seed", "5", "--score-days", "0"]
    )
    assert generated.exit_code == 0, generated.output
    # The scheduler scores the organisation's today (Asia/Tokyo), which is not UTC's from 15:00.
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    with serve(settings, schedule_refresh=True) as url:
        assert httpx.get(f"{url}/login").status_code == 200
        deadline = time.monotonic() + 120  # a wait, not a timing assertion: CI machines are busy
        while True:
            runtime = open_runtime(settings)
            try:
                day, per_grade = snapshots.latest_grade_counts(
                    runtime.analytics(), default_definition().version
                )
            finally:
                runtime.close()
            if day == today or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert day == today
    assert sum(per_grade.values()) > 0
