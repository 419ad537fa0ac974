"""Shared pieces of the ingestion tests: a source's write key, a read token, waiting for the
drain, and reading what reached the stores."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import duckdb
import httpx
import pytest

from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.team import service as team_service
from hatake.usage import sources


@dataclass(frozen=True)
class Keys:
    write_key: str
    ingest_token: str


@pytest.fixture
def keys(settings: Settings) -> Keys:
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            _source, write_key = sources.create_source(session, name="web-app")
            _token, ingest_token = team_service.create_token(session, name="t", scopes=["ingest"])
    finally:
        runtime.close()
    return Keys(write_key=write_key, ingest_token=ingest_token)


def wait_until_drained(url: str, keys: Keys, timeout: float = 60) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {keys.ingest_token}"}
    while True:
        status = httpx.get(f"{url}/api/v1/usage/ingestion", headers=headers, timeout=10).json()
        if status["pending_batches"] == 0 and status["buffered_through"] > 0:
            return dict(status)
        if time.monotonic() > deadline:
            raise AssertionError(f"the ingest buffer was not drained: {status}")
        time.sleep(0.1)


def stored_events(settings: Settings) -> Counter[str]:
    """How many times each message id is in the analytics store (read once the server stopped)."""
    with duckdb.connect(str(settings.analytics_file), read_only=True) as con:
        ids = con.execute("SELECT message_id FROM usage_events").fetchall()
    return Counter(message_id for (message_id,) in ids)


def event_rows(settings: Settings) -> list[tuple[str, str | None, str | None, str]]:
    with duckdb.connect(str(settings.analytics_file), read_only=True) as con:
        rows = con.execute(
            "SELECT message_id, account_id, user_id, event FROM usage_events ORDER BY message_id"
        ).fetchall()
    return [tuple(row) for row in rows]  # type: ignore[misc]
