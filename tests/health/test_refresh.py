"""`hatake refresh` stores each day's scores with their per-factor explanation, idempotently."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.health import snapshots
from hatake.health.evaluation import churned_between
from tests.helpers import create_account, create_subscription

runner = CliRunner()


@pytest.fixture
def demo_home(settings: Settings) -> Settings:
    result = runner.invoke(
        app,
        [
            "demo",
            "--accounts",
            "12",
            "--months",
            "3",
            "--seed",
            "3",
            "--today",
            "2026-11-01",
            "--score-days",
            "0",
        ],
    )
    assert result.exit_code == 0, result.output
    return settings


def _stored(settings: Settings) -> tuple[int, int, float]:
    """Rows stored, and the largest gap between a score and the sum of its contributions."""
    runtime = open_runtime(settings)
    try:
        scores = snapshots.scores(runtime.analytics()).to_pyarrow().to_pylist()
        factors = snapshots.factor_scores(runtime.analytics()).to_pyarrow().to_pylist()
    finally:
        runtime.close()
    totals: dict[tuple[str, date], float] = defaultdict(float)
    for row in factors:
        totals[row["account_id"], row["as_of"]] += row["contribution"]
    gap = max(abs(row["score"] - totals[row["account_id"], row["as_of"]]) for row in scores)
    return len(scores), len(factors), gap


def test_refresh_a_day_then_again(demo_home: Settings) -> None:
    first = runner.invoke(app, ["refresh", "--as-of", "2026-10-31"])
    assert first.exit_code == 0, first.output
    rows, factor_rows, gap = _stored(demo_home)
    assert rows > 0
    assert factor_rows > rows
    assert gap < 0.051, "the factor contributions add up to the stored (rounded) score"
    again = runner.invoke(app, ["refresh", "--as-of", "2026-10-31"])
    assert again.exit_code == 0
    assert _stored(demo_home)[:2] == (rows, factor_rows)


def test_backfill_scores_every_day(demo_home: Settings) -> None:
    result = runner.invoke(app, ["refresh", "--backfill", "2026-10-29", "2026-10-31"])
    assert result.exit_code == 0, result.output
    runtime = open_runtime(demo_home)
    try:
        days = snapshots.scores(runtime.analytics()).as_of.nunique().to_pyarrow().as_py()
    finally:
        runtime.close()
    assert days == 3


def test_bad_backfill_and_definition_are_refused(demo_home: Settings, tmp_path) -> None:
    backwards = runner.invoke(app, ["refresh", "--backfill", "2026-10-31", "2026-10-01"])
    assert backwards.exit_code == 1
    broken = tmp_path / "score.yaml"
    broken.write_text("version: [\n", encoding="utf-8")
    result = runner.invoke(app, ["refresh", "--definition", str(broken)])
    assert result.exit_code == 1
    assert "score.yaml" in result.output
    assert "Traceback" not in result.output


def test_backtest_reports_on_the_demo_book(demo_home: Settings) -> None:
    result = runner.invoke(
        app,
        ["backtest", "--as-of", "2026-08-01", "--horizon", "90"],
        env={"HATAKE_DEFAULT_LOCALE": "en"},
    )
    assert result.exit_code == 0, result.output
    assert "ROC AUC" in result.output
    assert "Churn rate per grade" in result.output


def test_realised_churn_is_the_last_term_ending_in_the_window(session: Session) -> None:
    kept = create_account(session, external_id="KEPT")
    create_subscription(
        session, kept, start_date=date(2025, 1, 1), end_date=date(2026, 1, 1), status="ended"
    )
    create_subscription(session, kept, start_date=date(2026, 1, 1))
    gone = create_account(session, external_id="GONE", status="churned")
    create_subscription(
        session, gone, start_date=date(2025, 1, 1), end_date=date(2026, 3, 31), status="cancelled"
    )
    early = create_account(session, external_id="EARLY", status="churned")
    create_subscription(
        session, early, start_date=date(2025, 1, 1), end_date=date(2026, 1, 1), status="cancelled"
    )
    window = {"after": date(2026, 1, 1), "until": date(2026, 3, 31)}
    assert churned_between(session, **window) == {"GONE"}
