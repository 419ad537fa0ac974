"""The default definition, backtested on the default demo book, foretells 90-day churn."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from statistics import mean

import pytest
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.health.definition import default_definition
from hatake.health.evaluation import backtest_day

AS_OF_DATES = [date(2026, 2, 1), date(2026, 4, 1), date(2026, 6, 1), date(2026, 8, 1)]


def test_default_definition_reaches_auc_070_on_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HATAKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("HATAKE_DATABASE_URL", raising=False)
    generated = CliRunner().invoke(
        app, ["demo", "--seed", "42", "--today", "2026-11-23", "--score-days", "0"]
    )
    assert generated.exit_code == 0, generated.output
    runtime = open_runtime(Settings())
    try:
        aucs = []
        for as_of in AS_OF_DATES:
            with transaction(runtime.sessions) as session:
                report = backtest_day(
                    session,
                    runtime.analytics(),
                    as_of=as_of,
                    horizon_days=90,
                    definition=default_definition(),
                    settings=runtime.settings,
                )
            assert report.churned > 0
            assert report.roc_auc is not None
            aucs.append(report.roc_auc)
    finally:
        runtime.close()
    assert mean(aucs) >= 0.70, aucs
