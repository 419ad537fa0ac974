"""Hand-built accounts, usage events and config.toml for lifecycle tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pyarrow as pa

from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.usage import store

CONFIG = """
[health]
onboarding_milestones = [
  { key = "first_login", label_ja = "初回ログイン", label_en = "First login", event = "login" },
  { key = "two_users", label_ja = "2人が利用", label_en = "Two users", users = 2 },
]
"""


def write_config(settings: Settings, extra: str = "") -> Settings:
    """config.toml with two milestones (plus ``extra``); a fresh Settings reads it."""
    path: Path = settings.config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CONFIG + extra, encoding="utf-8")
    return Settings()


def add_events(runtime: Runtime, rows: list[tuple[str, str, str, date]]) -> None:
    """(account external id, user, event, day) at noon in Tokyo."""
    stamps = [datetime.combine(day, time(3), tzinfo=UTC) for *_rest, day in rows]
    store.append_events(
        runtime.analytics(),
        pa.table(
            {
                "message_id": [f"m{index}-{row[0]}" for index, row in enumerate(rows)],
                "account_id": [row[0] for row in rows],
                "user_id": [row[1] for row in rows],
                "event": [row[2] for row in rows],
                "timestamp": stamps,
                "properties": [None] * len(rows),
                "received_at": [None] * len(rows),
            }
        ),
    )
