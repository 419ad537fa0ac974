"""A small demo book for backtest and fit tests: generated through the CLI into the current
HATAKE_HOME (and HATAKE_DATABASE_URL), with a fitted version saved as B."""

from __future__ import annotations

from typer.testing import CliRunner

from hatake.cli import app

TODAY = "2026-11-23"
FIT_ARGS = ["--from", "2025-09-01", "--to", "2026-08-20", "--every", "30", "--horizon", "90"]
FITTED_VERSION = "demo-fit"
BACKTEST_AS_OF = "2026-06-01"


def generate(accounts: int = 150, *, save_fit: bool = True) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["demo", "--accounts", str(accounts), "--seed", "42", "--today", TODAY,
         "--score-days", "0"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if save_fit:
        fitted = runner.invoke(app, ["fit", *FIT_ARGS, "--version", FITTED_VERSION, "--save"])
        assert fitted.exit_code == 0, fitted.output
