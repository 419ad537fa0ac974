"""`hatake stages` and `hatake tiers` on hand-built accounts."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from tests.helpers import create_account, create_subscription
from tests.lifecycle.lifecycle_data import write_config

runner = CliRunner()


def test_refresh_flow_and_tiers(settings: Settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "en")
    settings = write_config(settings)
    runtime = open_runtime(settings)
    with transaction(runtime.sessions) as session:
        account = create_account(session, name="Hatake Ltd")
        create_subscription(
            session, account, start_date=date(2026, 1, 1), end_date=date(2026, 6, 1),
            mrr_minor=300_000,
        )  # fmt: skip
    runtime.close()
    refreshed = runner.invoke(
        app, ["stages", "--refresh", "--from", "2026-01-01", "--to", "2026-06-02"]
    )
    assert refreshed.exit_code == 0, refreshed.output
    assert "Stages recorded for 153 days up to 2026-06-02" in refreshed.output
    assert "Churned" in refreshed.output
    flow = runner.invoke(app, ["stages", "--flow", "--from", "2026-01-01", "--to", "2026-06-02"])
    assert flow.exit_code == 0, flow.output
    for move in ("Onboarding", "Renewal", "Churned"):
        assert move in flow.output
    tiers = runner.invoke(app, ["tiers", "--as-of", "2026-03-01"])
    assert tiers.exit_code == 0, tiers.output
    assert "High touch" in tiers.output  # ARR 3,600,000 JPY
    backwards = runner.invoke(
        app, ["stages", "--flow", "--from", "2026-06-01", "--to", "2026-01-01"]
    )
    assert backwards.exit_code == 1
    assert "before it starts" in backwards.output


def test_invalid_config_is_reported_and_the_previous_one_used(
    settings: Settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "ja")
    write_config(
        settings,
        '[lifecycle]\nstages = [{ key = "onboarding", label_ja = "導入", label_en = "Onb", '
        'rule = "onboarding", days = 30, milestones = ["first_import"] }, '
        '{ key = "adoption", label_ja = "活用", label_en = "Adoption", rule = "default" }]\n',
    )
    result = runner.invoke(app, ["stages"])
    assert result.exit_code == 0, result.output
    assert "lifecycle.stages[0].milestones" in result.output
    assert "first_import" in result.output
    assert "以前の設定のまま" in result.output
