"""`hatake definition …` on both state backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core import cli_support
from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.health import versions
from hatake.health.definition import default_definition
from tests.health.definition_data import BROKEN, CHAMPION_ONLY, UNKNOWN_METRIC, seed_portfolio

runner = CliRunner()


@pytest.fixture
def english(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "en")
    # Rich wraps table cells to the terminal; a wide console keeps each row on one line.
    monkeypatch.setattr(cli_support.console, "width", 200)
    monkeypatch.setattr(cli_support.error_console, "width", 200)
    return settings


def _file(tmp_path: Path, text: str, name: str = "definition.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_list_show_save_activate(english: Settings, tmp_path: Path, session: Session) -> None:
    builtin = default_definition().version
    listed = runner.invoke(app, ["definition", "list"])
    assert listed.exit_code == 0, listed.output
    assert builtin in listed.output
    assert "Built-in" in listed.output
    shown = runner.invoke(app, ["definition", "show", builtin])
    assert shown.output.startswith("# hatake's default health score")
    saved = runner.invoke(
        app, ["definition", "save", _file(tmp_path, CHAMPION_ONLY), "--note", "試し"]
    )
    assert saved.exit_code == 0, saved.output
    assert "Saved version test-champion.1." in saved.output
    assert versions.active_definition(session).version == builtin
    again = runner.invoke(app, ["definition", "save", _file(tmp_path, CHAMPION_ONLY)])
    assert again.exit_code == 1
    assert "Version test-champion.1 already exists" in again.output
    activated = runner.invoke(app, ["definition", "activate", "test-champion.1"])
    assert activated.exit_code == 0, activated.output
    assert "Version test-champion.1 is now active" in activated.output
    session.expire_all()
    assert versions.active_definition(session).version == "test-champion.1"
    listed = runner.invoke(app, ["definition", "list"]).output
    line = next(row for row in listed.splitlines() if "test-champion.1" in row)
    assert "*" in line
    assert "試し" in line
    assert runner.invoke(app, ["definition", "show", "test-champion.1"]).output == CHAMPION_ONLY
    missing = runner.invoke(app, ["definition", "activate", "nope"])
    assert missing.exit_code == 1
    assert "Score definition version nope does not exist." in missing.output


def test_validate_names_every_problem(english: Settings, tmp_path: Path) -> None:
    good = runner.invoke(app, ["definition", "validate", _file(tmp_path, CHAMPION_ONLY)])
    assert good.exit_code == 0, good.output
    assert "Valid: version test-champion.1, 3 grades, 1 profile(s)." in good.output
    bad = runner.invoke(app, ["definition", "validate", _file(tmp_path, BROKEN, "bad.yaml")])
    assert bad.exit_code == 1
    assert "The score definition bad.yaml is invalid (2 problems)." in bad.output
    assert "grades[0].colour" in bad.output
    assert "must be greater than 0" in bad.output
    unknown = runner.invoke(app, ["definition", "save", _file(tmp_path, UNKNOWN_METRIC)])
    assert unknown.exit_code == 1
    assert "unknown metric happiness" in unknown.output
    absent = runner.invoke(app, ["definition", "validate", str(tmp_path / "absent.yaml")])
    assert absent.exit_code == 1
    assert "File not found" in absent.output


def test_validate_speaks_japanese_by_default(settings: Settings, tmp_path: Path) -> None:
    bad = runner.invoke(app, ["definition", "validate", _file(tmp_path, BROKEN, "bad.yaml")])
    assert bad.exit_code == 1
    assert "0 より大きい値にしてください" in bad.output


def test_preview(english: Settings, tmp_path: Path, session: Session, runtime: Runtime) -> None:
    seed_portfolio(session, runtime)
    runtime.close()
    result = runner.invoke(app, ["definition", "preview", _file(tmp_path, CHAMPION_ONLY)])
    assert result.exit_code == 0, result.output
    assert f"Preview on 2026-11-01: version {default_definition().version} → test-champion.1" in (
        result.output
    )
    assert "5 accounts, 3 would change grade, mean score change +20.0" in result.output
    rows = [line.split("│") for line in result.output.splitlines() if line.startswith("│")]
    cells = {row[1].strip(): [cell.strip() for cell in row[2:-1]] for row in rows}
    assert cells["healthy"] == ["1", "0", "0", "1"]
    assert cells["neutral"] == ["1", "0", "0", "0"]
    assert cells["at_risk"] == ["0", "0", "1", "0"]
    assert cells["-"] == ["1", "0", "0", "0"]
    assert "P-B 株式会社プレビューB" in result.output
    earlier = runner.invoke(
        app,
        ["definition", "preview", _file(tmp_path, CHAMPION_ONLY), "--as-of", "2026-10-01"],
    )
    assert earlier.exit_code == 1
    assert "No stored scores of the active version" in earlier.output
