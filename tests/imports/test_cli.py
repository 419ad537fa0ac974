"""`hatake import` through the real command line, on both backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.accounts.models import Account
from hatake.cli import app
from hatake.core import cli_support
from hatake.core.settings import Settings
from hatake.team.models import User
from tests.imports.files import write_csv
from tests.imports.test_service import GOOD


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # Wide consoles, so Rich does not wrap the lines asserted below. Set on the consoles, not
    # through COLUMNS, which Rich reads once when a console is made (at import time).
    for shared in (cli_support.console, cli_support.error_console):
        monkeypatch.setattr(shared, "_width", 400)
    return CliRunner()


def accounts_in(session: Session) -> int:
    session.rollback()  # see what the command committed
    return session.scalar(select(func.count()).select_from(Account)) or 0


def test_success_prints_the_counts(
    runner: CliRunner, session: Session, csm: User, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "accounts.csv", GOOD["accounts"])
    result = runner.invoke(app, ["import", "accounts", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "accounts.csv: 2 rows; 2 created, 0 updated, 0 unchanged." in result.stdout
    assert accounts_in(session) == 2

    again = runner.invoke(app, ["import", "accounts", str(path)])
    assert again.exit_code == 0, again.output
    assert "accounts.csv: 2行。新規0件、更新0件、変更なし2件。" in again.stdout


def test_dry_run_writes_nothing(
    runner: CliRunner, session: Session, csm: User, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "accounts.csv", GOOD["accounts"])
    result = runner.invoke(app, ["import", "accounts", str(path), "--dry-run", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "Dry run, nothing written. accounts.csv: 2 rows; 2 would be created, 0 updated, "
        "0 unchanged."
    )
    assert accounts_in(session) == 0


def test_issues_are_listed_and_nothing_is_written(
    runner: CliRunner, session: Session, csm: User, tmp_path: Path
) -> None:
    rows = [list(row) for row in GOOD["accounts"]]
    rows[1][3] = "many"
    rows[2][6] = "2026/02/30"
    path = write_csv(tmp_path / "accounts.csv", rows)

    result = runner.invoke(app, ["import", "accounts", str(path), "--lang", "en"])
    assert result.exit_code == 1
    lines = [" ".join(line.split()) for line in result.stderr.splitlines()]
    assert "│ accounts.csv │ 2 │ 従業員数 │ many │ Not a whole number. │" in lines
    assert (
        "│ accounts.csv │ 3 │ 契約開始日 │ 2026/02/30 │ Not a date; write it like 2026-04-01 "
        "or 2026/4/1. │"
    ) in lines
    assert "Problems found in accounts.csv: 2. Nothing was imported." in lines
    assert "Traceback" not in result.output

    japanese = runner.invoke(app, ["import", "accounts", str(path), "--lang", "ja"])
    assert japanese.exit_code == 1
    assert "整数ではありません。" in japanese.stderr
    assert "accounts.csvに2件の問題が見つかりました。何も取り込んでいません。" in japanese.stderr
    assert accounts_in(session) == 0


def test_mapping_file(runner: CliRunner, session: Session, csm: User, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "crm.csv", [["Account ID", "Company"], ["A-1", "Kabu KK"]])
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Account ID": "external_id", "Company": "name"}))
    result = runner.invoke(app, ["import", "accounts", str(path), "--mapping", str(mapping)])
    assert result.exit_code == 0, result.output
    assert accounts_in(session) == 1

    mapping.write_text(json.dumps({"Account ID": "external_id", "Company": "company_name"}))
    result = runner.invoke(
        app, ["import", "accounts", str(path), "--mapping", str(mapping), "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "The mapping sends this column to company_name, which is not a field of accounts" in (
        " ".join(result.stderr.split())
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["import", "deals", "{tmp}/a.csv"],
            "Unknown import type deals; use one of: accounts, "
            "contacts, subscriptions, touchpoints, tickets, survey_responses.",
        ),
        (["import", "accounts", "{tmp}/missing.csv"], "The file {tmp}/missing.csv does not exist."),
        (
            ["import", "accounts", "{tmp}/a.csv", "--mapping", "{tmp}/nope.yaml"],
            "The file {tmp}/nope.yaml does not exist.",
        ),
        (
            ["import", "accounts", "{tmp}/a.txt"],
            "Files of type .txt cannot be imported; use .csv or .xlsx.",
        ),
        (
            ["import", "accounts", "{tmp}/a.csv", "--mapping", "{tmp}/bad.yaml"],
            "The mapping file bad.yaml must map source column names to field keys.",
        ),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(
    runner: CliRunner, tmp_path: Path, arguments: list[str], message: str
) -> None:
    (tmp_path / "a.csv").write_text("external_id,name\nA-1,Kabu\n")
    (tmp_path / "a.txt").write_text("external_id,name\n")
    (tmp_path / "bad.yaml").write_text("- a\n- b\n")
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in arguments] + ["--lang", "en"])
    assert result.exit_code == 1
    assert message.format(tmp=tmp_path) in " ".join(result.stderr.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)
