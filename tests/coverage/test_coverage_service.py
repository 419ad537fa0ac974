"""Coverage from the state store on hand-built accounts, the API over HTTP, and logging a touch
(both backends through the session fixture)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer import Typer
from typer.testing import CliRunner

from hatake.core.errors import InvalidInput
from hatake.core.settings import Settings
from hatake.coverage import coverage_service as service
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.coverage import Share
from hatake.coverage.coverage_cli import coverage
from hatake.coverage.models import Touchpoint
from hatake.lifecycle.matrix_config import MatrixConfig
from hatake.team import service as team_service
from tests.helpers import (
    PASSWORD,
    create_account,
    create_contact,
    create_subscription,
    create_touchpoint,
    create_user,
)
from tests.live import csrf_from, serve, sign_in

DAY = date(2026, 11, 23)
CADENCES = CadenceConfig(default_days=14)  # no tiers recorded: every account has 14 days


def _build(session: Session) -> dict[str, int]:
    sato, suzuki = create_user(session, name="佐藤"), create_user(session, name="鈴木")
    start = date(2025, 1, 1)
    # Local days in Asia/Tokyo: 2026-11-09 00:30 JST is 2026-11-08 15:30 UTC -> 14 days: in.
    inside = create_account(session, name="A 14日", owner_id=sato.id)
    create_subscription(session, inside, start_date=start)
    create_touchpoint(session, inside, occurred_at=datetime(2026, 11, 8, 15, 30, tzinfo=UTC))
    # 2026-11-08 23:30 JST is 2026-11-08 14:30 UTC -> 15 days: out.
    outside = create_account(session, name="B 15日", owner_id=sato.id)
    create_subscription(session, outside, start_date=start)
    create_touchpoint(session, outside, occurred_at=datetime(2026, 11, 8, 14, 30, tzinfo=UTC))
    # A recent touch that does not count (not meaningful).
    idle = create_account(session, name="C 未接触", owner_id=suzuki.id)
    create_subscription(session, idle, start_date=start)
    create_touchpoint(
        session, idle, occurred_at=datetime(2026, 11, 20, 1, tzinfo=UTC), is_meaningful=False
    )
    # Churned on 2026-11-10: counted (and covered) up to then, gone from the denominator after.
    churned = create_account(session, name="D 解約", owner_id=suzuki.id, status="churned")
    create_subscription(session, churned, start_date=start, end_date=date(2026, 11, 10))
    create_touchpoint(session, churned, occurred_at=datetime(2026, 11, 1, 1, tzinfo=UTC))
    return {"inside": inside.id, "outside": outside.id, "idle": idle.id, "churned": churned.id}


def _report(session: Session, day: date = DAY) -> service.CoverageReport:
    return service.build_report(session, day=day, cadences=CADENCES)


def test_boundary_churn_and_breakdowns(session: Session) -> None:
    ids = _build(session)
    report = _report(session)
    assert report.overall == Share(1, 3)
    assert report.by_owner == {"佐藤": Share(1, 2), "鈴木": Share(0, 1)}
    assert report.by_tier == {None: Share(1, 3)}
    groups = service.cells_and_stages(session, report, MatrixConfig())
    assert groups.by_stage == {None: Share(1, 3)}  # no stages recorded
    assert sum(value.total for value in groups.by_cell.values()) == 3
    [(first, _first_share), *_, (last, last_share)] = report.trend
    assert (first, last) == (date(2026, 9, 7), DAY)
    assert last_share == report.overall  # the trend's last point is the day itself
    # 2026-11-09: all four under contract; covered: A (0 days), B (1 day), churned (8 days).
    assert dict(report.trend)[date(2026, 11, 9)] == Share(3, 4)
    # 2026-11-16: churned is gone; A (7 days) and B (8 days) covered.
    assert dict(report.trend)[date(2026, 11, 16)] == Share(2, 3)
    missing = {line.account_id: line for line in report.uncovered}
    assert set(missing) == {ids["outside"], ids["idle"]}
    assert (missing[ids["outside"]].days_since, missing[ids["outside"]].days_overdue) == (15, 1)
    assert missing[ids["idle"]].last_touch is None
    assert report.uncovered[0].account_id == ids["idle"]  # never touched leads


def test_logging_a_touch_covers_and_bad_input_writes_nothing(session: Session) -> None:
    ids = _build(session)
    other = create_account(session)
    stranger = create_contact(session, other)
    mine = create_contact(session, session.get(type(other), ids["outside"]))
    now = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    base = {
        "account_id": ids["outside"], "user_id": None, "channel": "phone", "contact_id": "",
        "summary": "", "meaningful": "yes", "occurred_at": "", "next_step_on": "", "now": now,
        "cadences": CADENCES,
    }  # fmt: skip
    count = session.scalar(select(func.count()).select_from(Touchpoint))
    for bad, words in (
        ({"channel": "fax"}, "fax"),
        ({"contact_id": str(stranger.id)}, "does not belong"),
        ({"occurred_at": "2026-11-23T14:00"}, "future"),  # 14:00 JST is 2 h ahead of now
        ({"next_step_on": "soon"}, "soon"),
    ):
        with pytest.raises(InvalidInput) as error:
            service.log_touch(session, **{**base, **bad})
        assert words in error.value.render(lambda text: text)
    assert session.scalar(select(func.count()).select_from(Touchpoint)) == count
    touch = service.log_touch(
        session,
        **{
            **base,
            "contact_id": str(mine.id),
            "next_step_on": "2026-12-01",
            "occurred_at": "2026-11-23T12:30",
        },
    )
    assert touch.occurred_at == datetime(2026, 11, 23, 3, 30, tzinfo=UTC)  # within 60 minutes
    assert touch.next_step_on == date(2026, 12, 1)
    status = service.account_status(session, account_id=ids["outside"], day=DAY, cadences=CADENCES)
    assert status.covered
    assert status.days_since == 0
    assert _report(session).overall == Share(2, 3)


def test_api_over_http(session: Session, settings: Settings) -> None:
    _build(session)
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}"}
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1") as api:
        body = api.get("/coverage", params={"as_of": DAY.isoformat()}, headers=headers).json()
        # No tier recorded -> the default 30 days: A (14) and B (15) covered, C never touched.
        assert (body["covered"], body["accounts"], body["target"]) == (2, 3, 1.0)
        assert [line["name"] for line in body["uncovered"]] == ["C 未接触"]
        assert body["cadence_days"] == {"high_touch": 14, "low_touch": 45, "tech_touch": 90}
        assert api.get("/coverage").status_code == 401


def test_cli_and_a_rejected_config(session: Session, settings: Settings) -> None:
    _build(session)
    session.commit()
    app = Typer()
    app.command("coverage")(coverage)
    app.command("other")(lambda: None)
    result = CliRunner().invoke(app, ["coverage", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "66.7%" in result.output  # default 30 days: A and B covered, C not
    assert "C 未接触" in result.output
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[coverage.cadence_days]\nhigh_touch = 0\n")
    result = CliRunner().invoke(app, ["coverage"])
    assert result.exit_code == 1
    assert "coverage.cadence_days.high_touch" in result.output
    assert "--as-of" in CliRunner().invoke(app, ["coverage", "--as-of", "soon"]).output


def test_touch_form_over_http(session: Session, settings: Settings) -> None:
    ids = _build(session)
    create_user(session, email="csm@example.com")
    create_user(session, email="viewer@example.com", role="viewer")
    session.commit()
    path = f"/accounts/{ids['idle']}/touches"
    form = {"channel": "chat", "summary": "質問への回答", "meaningful": "yes"}
    htmx = {"hx-request": "true", "accept-language": "en"}
    with serve(settings) as url:
        with httpx.Client(base_url=url) as viewer:
            sign_in(viewer, "viewer@example.com", PASSWORD)
            card = viewer.get(f"{path}/form", headers=htmx)
            assert "Not covered" in card.text
            assert "<form" not in card.text  # a viewer sees the status, not the form
            token = csrf_from(viewer.get("/coverage").text)
            refused = viewer.post(path, data={**form, "csrf_token": token}, headers=htmx)
            assert refused.status_code == 403
        with httpx.Client(base_url=url) as csm:
            sign_in(csm, "csm@example.com", PASSWORD)
            card = csm.get(f"{path}/form", headers=htmx)
            assert csm.post(path, data=form, headers=htmx).status_code == 403  # no CSRF token
            token = csrf_from(card.text)
            bad = csm.post(path, data={**form, "channel": "fax", "csrf_token": token}, headers=htmx)
            assert "fax is not a known channel" in bad.text
            done = csm.post(path, data={**form, "csrf_token": token}, headers=htmx)
            assert done.status_code == 200
            assert "Touch logged" in done.text
            assert 'hx-swap-oob="afterbegin:#touchpoints-body"' in done.text
            assert "質問への回答" in done.text
    session.expire_all()
    touches = session.scalars(select(Touchpoint).where(Touchpoint.account_id == ids["idle"])).all()
    assert sorted(touch.channel for touch in touches) == ["chat", "phone"]
