"""`hatake demo` end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
import typer
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from hatake.accounts.models import Account, Contact, Subscription
from hatake.core.db import make_engine, make_session_factory
from hatake.core.i18n import gettext_for
from hatake.core.settings import Settings
from hatake.coverage.models import Touchpoint
from hatake.demo import writer
from hatake.demo.cli import ConflictingDemoFlags, DemoDataExists, demo
from hatake.demo.names import DEMO_EMAIL, DEMO_PASSWORD
from hatake.support.models import Ticket
from hatake.team import service as team_service
from hatake.voc.models import SurveyResponse

# Three months that include the December NPS wave.
SMALL = [
    "--accounts",
    "12",
    "--months",
    "3",
    "--today",
    "2027-01-20",
    "--seed",
    "9",
    "--score-days",
    "0",
]
TABLES = (Account, Contact, Subscription, Touchpoint, Ticket, SurveyResponse)


@pytest.fixture
def invoke(settings: Settings):
    app = typer.Typer()
    app.command()(demo)
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return run


def _flat(text: str) -> str:
    """Rich wraps long lines; compare messages without whitespace."""
    return "".join(text.split())


def _state(settings: Settings) -> dict[str, Any]:
    engine = make_engine(settings.state_url)
    try:
        with make_session_factory(engine)() as session:
            counts = {
                model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in TABLES
            }
            rows = session.execute(
                select(
                    Subscription.external_id,
                    Subscription.plan,
                    Subscription.seats,
                    Subscription.mrr_minor,
                    Subscription.start_date,
                    Subscription.end_date,
                    Subscription.status,
                ).order_by(Subscription.external_id)
            ).all()
            counts["subscription_digest"] = hashlib.sha256(repr(rows).encode()).hexdigest()
            return counts
    finally:
        engine.dispose()


def _analytics(settings: Settings) -> dict[str, Any]:
    with duckdb.connect(str(settings.analytics_file), read_only=True) as con:
        events, digest = con.execute(
            "SELECT count(*), sum(hash(message_id, user_id, event, timestamp)) FROM usage_events"
        ).fetchone()
        truth = con.execute("SELECT count(*) FROM demo_truth_accounts").fetchone()[0]
        months = con.execute("SELECT count(*) FROM demo_truth_monthly").fetchone()[0]
    return {"events": events, "events_digest": digest, "truth": truth, "truth_months": months}


def test_demo_fills_both_stores_and_signs_in(
    invoke: Callable[..., Result], settings: Settings
) -> None:
    result = invoke(*SMALL)
    assert result.exit_code == 0, result.output
    assert DEMO_EMAIL in result.output

    state = _state(settings)
    assert state["accounts"] == 12
    assert all(state[model.__tablename__] > 0 for model in TABLES)
    analytics = _analytics(settings)
    assert analytics["events"] > 0
    assert analytics["truth"] == 12
    assert analytics["truth_months"] > 12
    assert settings.file_config.custom_fields[0].key == "region"

    engine = make_engine(settings.state_url)
    try:
        with make_session_factory(engine)() as session:
            user = team_service.authenticate(session, email=DEMO_EMAIL, password=DEMO_PASSWORD)
            assert user.role == "admin"
            owners = session.scalars(select(Account.owner_id).distinct()).all()
            assert all(owner is not None for owner in owners)
            # Ids were given explicitly; the next account must still get a fresh one.
            extra = Account(external_id="EXTRA-1", name="追加", status="active", custom={})
            session.add(extra)
            session.flush()
            assert extra.id == 13
            session.rollback()
    finally:
        engine.dispose()


def test_demo_refuses_to_touch_existing_accounts_then_resets_to_the_same_data(
    invoke: Callable[..., Result],
    settings: Settings,
) -> None:
    assert invoke(*SMALL).exit_code == 0
    before = (_state(settings), _analytics(settings))

    refused = invoke(*SMALL)
    assert refused.exit_code == 1
    expected = gettext_for("ja")(DemoDataExists.message_key)
    assert _flat(expected) in _flat(refused.output)

    kept = invoke(*SMALL, "--keep-existing")
    assert kept.exit_code == 0
    assert (_state(settings), _analytics(settings)) == before

    both = invoke(*SMALL, "--reset", "--keep-existing")
    assert both.exit_code == 1
    assert _flat(gettext_for("ja")(ConflictingDemoFlags.message_key)) in _flat(both.output)

    assert invoke(*SMALL, "--reset").exit_code == 0
    assert (_state(settings), _analytics(settings)) == before

    other = invoke(*SMALL, "--reset", "--seed", "10", "--locale", "en")
    assert other.exit_code == 0
    assert _analytics(settings)["events_digest"] != before[1]["events_digest"]


def _fail_after_state(original: Callable[..., None]) -> Callable[..., None]:
    def write_then_fail(*args: Any) -> None:
        original(*args)
        raise RuntimeError("disk full")

    return write_then_fail


def _stage_a_broken_file(original: Callable[..., None]) -> Callable[..., None]:
    def stage_then_break(staging: Path, index: int, chunk: Any) -> None:
        original(staging, index, chunk)
        (staging / "usage_events" / f"{index:05d}.parquet").write_bytes(b"not parquet")

    return stage_then_break


@pytest.mark.parametrize(
    ("step", "break_it", "error"),
    [
        ("write_state", _fail_after_state, RuntimeError),
        ("stage_analytics", _stage_a_broken_file, duckdb.Error),
    ],
)
def test_a_failed_reset_leaves_both_stores_as_they_were(
    invoke: Callable[..., Result],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
    break_it: Callable[[Callable[..., None]], Callable[..., None]],
    error: type[Exception],
) -> None:
    assert invoke(*SMALL).exit_code == 0
    before = (_state(settings), _analytics(settings))
    monkeypatch.setattr(writer, step, break_it(getattr(writer, step)))
    failed = invoke(*SMALL, "--reset", "--seed", "10")
    assert isinstance(failed.exception, error)
    assert (_state(settings), _analytics(settings)) == before
