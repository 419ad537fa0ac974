"""Events sent to the tracking API show in the health scores within one refresh interval,
through the incremental rollups."""

from __future__ import annotations

import time
from datetime import date, timedelta

import httpx
import pytest

from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.team import service as team_service
from tests.helpers import create_account, create_subscription
from tests.live import serve
from tests.usage.conftest import Keys


def factor(health: dict[str, object], metric: str) -> object:
    [found] = [f for f in health["factors"] if f["metric"] == metric]  # type: ignore[attr-defined]
    return found["raw_value"]


def test_new_events_reach_the_scores_within_the_refresh_interval(
    settings: Settings, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HATAKE_REFRESH_INTERVAL_MINUTES", "0.02")
    settings = Settings()
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            account = create_account(session, external_id="acme")
            create_subscription(
                session,
                account,
                seats=10,
                start_date=date.today() - timedelta(days=400),
                end_date=date.today() + timedelta(days=300),
            )
            _token, read = team_service.create_token(session, name="r", scopes=["read"])
    finally:
        runtime.close()
    headers = {"Authorization": f"Bearer {read}"}
    with serve(settings, schedule_refresh=True) as url:
        before = httpx.get(f"{url}/api/v1/accounts/acme/health", headers=headers).json()
        assert factor(before, "days_since_last_activity") is None
        batch = [
            {"type": "track", "userId": f"u-{n}", "event": "Login", "context": {"groupId": "acme"}}
            for n in range(3)
        ]
        sent = httpx.post(f"{url}/v1/batch", json={"batch": batch}, auth=(keys.write_key, ""))
        assert sent.status_code == 200
        deadline = time.monotonic() + 60
        while True:
            health = httpx.get(f"{url}/api/v1/accounts/acme/health", headers=headers).json()
            if factor(health, "days_since_last_activity") == 0:
                break
            assert time.monotonic() < deadline, health
            time.sleep(0.2)
        assert factor(health, "usage_rate") == pytest.approx(0.3)
