"""`hatake backtest --compare` and `hatake fit` on a small demo book."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.db import transaction
from hatake.core.runtime import Runtime, open_runtime
from hatake.core.settings import Settings
from hatake.health import evaluation, versions
from hatake.health.definition import default_definition, load_definition
from tests.health.evaluation_demo import BACKTEST_AS_OF, FIT_ARGS, FITTED_VERSION, generate

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("fit") / "home"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HATAKE_HOME", str(home))
        patch.setenv("HATAKE_DEFAULT_LOCALE", "en")
        patch.delenv("HATAKE_DATABASE_URL", raising=False)
        generate(150, save_fit=False)
        yield home


@pytest.fixture
def home(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HATAKE_HOME", str(demo_home))
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "en")
    monkeypatch.delenv("HATAKE_DATABASE_URL", raising=False)
    return demo_home


def _runtime() -> Runtime:
    return open_runtime(Settings())


def test_fit_shows_both_weights_and_both_backtests_and_saves_nothing(home: Path) -> None:
    result = runner.invoke(app, ["fit", *FIT_ARGS])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Weights: hand-set and fitted" in output
    assert "Backtest on the test period" in output
    assert "ROC AUC" in output
    assert "Not saved" in output
    runtime = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            assert [info.origin for info in versions.list_versions(session)] == ["builtin"]
    finally:
        runtime.close()


def test_the_split_leaves_no_training_label_in_the_test_period(home: Path) -> None:
    runtime = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            outcome = evaluation.run_fit(
                session,
                runtime.analytics(),
                definition=default_definition(),
                dates=evaluation.as_of_dates(date(2025, 9, 1), date(2026, 8, 20), 30),
                horizon_days=90,
                settings=runtime.settings,
                today=date(2026, 11, 23),
            )
    finally:
        runtime.close()
    split = outcome.split
    assert split.train
    assert split.test
    assert all(day + timedelta(days=90) <= split.test[0] for day in split.train)
    assert max(split.train) < min(split.test)
    # The test backtests pool exactly the test dates.
    assert {item.as_of for item in outcome.test_base.false_negatives} <= set(split.test)
    assert outcome.test_base.n == outcome.test_fitted.n
    assert outcome.fitted.version == f"{default_definition().version}-fit-20261123"
    assert load_definition(outcome.document, "fitted") == outcome.fitted


def test_fit_save_stores_an_inactive_version_and_activate_only_when_asked(home: Path) -> None:
    saved = runner.invoke(app, ["fit", *FIT_ARGS, "--version", FITTED_VERSION, "--save"])
    assert saved.exit_code == 0, saved.output
    assert f"Saved version {FITTED_VERSION} (not active)" in " ".join(saved.output.split())
    runtime = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            infos = {info.version: info for info in versions.list_versions(session)}
            assert infos[FITTED_VERSION].origin == "fitted"
            assert not infos[FITTED_VERSION].is_active
            assert versions.active_definition(session) == default_definition()
    finally:
        runtime.close()
    again = runner.invoke(app, ["fit", *FIT_ARGS, "--version", FITTED_VERSION, "--save"])
    assert again.exit_code == 1
    refused = runner.invoke(app, ["fit", *FIT_ARGS, "--activate"])
    assert refused.exit_code == 1
    assert "--activate needs --save" in refused.output

    compared = runner.invoke(
        app,
        ["backtest", "--as-of", BACKTEST_AS_OF, "--compare", FITTED_VERSION],
    )
    assert compared.exit_code == 0, compared.output
    output = " ".join(compared.output.split())
    assert f"B {FITTED_VERSION}" in output
    assert f"A {default_definition().version}" in output
    assert "Difference (B − A)" in output

    activated = runner.invoke(
        app, ["fit", *FIT_ARGS, "--version", "demo-fit-2", "--save", "--activate"]
    )
    assert activated.exit_code == 0, activated.output
    runtime = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            assert versions.active_definition(session).version == "demo-fit-2"
    finally:
        runtime.close()


def test_backtest_pools_several_as_of_dates(home: Path) -> None:
    pooled = runner.invoke(
        app, ["backtest", "--from", "2026-03-01", "--every", "30", "--as-of", BACKTEST_AS_OF]
    )
    assert pooled.exit_code == 0, pooled.output
    assert "2026-03-01 … 2026-05-30 (4)" in " ".join(pooled.output.split())
    refused = runner.invoke(app, ["backtest", "--every", "30"])
    assert refused.exit_code == 1
