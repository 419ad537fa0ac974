"""The `hatake` command line: users, tokens, init, and clear errors with exit code 1."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.settings import Settings
from hatake.team.models import ApiToken, User

runner = CliRunner()


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "en")


def test_init_creates_both_stores(settings: Settings) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert settings.analytics_file.exists()


def test_user_create_and_duplicate(settings: Settings, session: Session, english: None) -> None:
    args = [
        "user",
        "create",
        "sato@example.com",
        "佐藤 花子",
        "--role",
        "manager",
        "--password",
        "s3cret-pass",
    ]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert "A user with the email sato@example.com already exists." in again.output
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_unknown_role_is_refused_in_japanese(settings: Settings, session: Session) -> None:
    result = runner.invoke(
        app, ["user", "create", "x@example.com", "X", "--role", "owner", "--password", "p"]
    )
    assert result.exit_code == 1
    assert "不明なロールです: owner" in result.output
    assert "Traceback" not in result.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_token_lifecycle(settings: Settings, session: Session, english: None) -> None:
    created = runner.invoke(app, ["token", "create", "--scope", "read", "--name", "crm"])
    assert created.exit_code == 0, created.output
    plain = created.output.strip()
    assert plain.startswith("hk_")
    listed = runner.invoke(app, ["token", "list"])
    assert "crm" in listed.output
    assert plain[:10] in listed.output
    assert plain not in listed.output
    assert runner.invoke(app, ["token", "revoke", "1"]).exit_code == 0
    assert "revoked" in runner.invoke(app, ["token", "list"]).output
    missing = runner.invoke(app, ["token", "revoke", "99"])
    assert missing.exit_code == 1
    assert "No API token with id 99." in missing.output


def test_bad_scope_writes_nothing(settings: Settings, session: Session, english: None) -> None:
    result = runner.invoke(app, ["token", "create", "--scope", "admin"])
    assert result.exit_code == 1
    assert "Unknown scope admin; use one of read, write, ingest." in result.output
    assert session.scalar(select(func.count()).select_from(ApiToken)) == 0
