"""Touchpoints from calendar and CRM exports, the one future-date rule of the import, the touch
form and the REST API, and automated sends counted for coverage where configured (both
backends through the session fixture)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.core.settings import Settings
from hatake.coverage import coverage_service as service
from hatake.coverage.cadence import (
    CadenceConfig,
    CoverageConfigError,
    parse_cadence_config,
    too_far_ahead,
)
from hatake.coverage.coverage import Share
from hatake.coverage.models import Touchpoint
from hatake.imports.report import ImportFailed
from hatake.imports.service import run_import
from hatake.lifecycle.models import LifecyclePeriod
from hatake.team import service as team_service
from tests.helpers import create_account, create_subscription, create_touchpoint, create_user
from tests.live import serve

DOC = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"
TOKYO = ZoneInfo("Asia/Tokyo")


def doc_example(name: str) -> str:
    """The CSV block under ``<!-- example: NAME -->`` in docs/import-formats.md."""
    text = DOC.read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {name} -->\n```csv\n(.*?)```", text, re.S)
    assert match, f"no example {name} in the docs"
    return match.group(1)


def _touches(session: Session) -> dict[str, Touchpoint]:
    session.expire_all()
    return {row.external_id: row for row in session.scalars(select(Touchpoint))}


def _import(session: Session, settings: Settings, path: Path) -> None:
    try:
        run_import(session, entity="touchpoints", path=path, settings=settings)
    except BaseException:
        session.rollback()
        raise
    session.commit()


def test_the_documented_calendar_and_crm_exports_import(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    account = create_account(session, external_id="A-001")
    csm = create_user(session, email="csm@example.com")
    session.commit()
    for name in ("calendar", "crm"):
        path = tmp_path / f"{name}.csv"
        path.write_text(doc_example(name), encoding="utf-8")
        _import(session, settings, path)
    rows = _touches(session)
    meeting, visit = rows["evt-20261116-01"], rows["evt-20261117-02"]
    call, newsletter = rows["crm-0001"], rows["crm-0002"]
    # 10:00 JST is 01:00 UTC; "Zoom" is a web meeting, "In person" a visit.
    assert (meeting.account_id, meeting.user_id, meeting.channel, meeting.occurred_at) == (
        account.id,
        csm.id,
        "web_meeting",
        datetime(2026, 11, 16, 1, 0, tzinfo=UTC),
    )
    assert (meeting.summary, meeting.next_step_on, meeting.is_automated) == (
        "活用状況の定例レビュー",
        date(2026, 11, 30),
        False,
    )
    assert (visit.channel, visit.next_step_on) == ("visit", None)
    assert (call.channel, call.next_step_on, call.is_automated) == (
        "phone",
        date(2026, 12, 1),
        False,
    )
    assert (newsletter.channel, newsletter.user_id, newsletter.is_automated) == (
        "email",
        None,
        True,
    )
    assert newsletter.occurred_at == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)
    # A weekly export imported again changes nothing.
    report = run_import(session, entity="touchpoints", path=tmp_path / "crm.csv", settings=settings)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)


def _row(moment: datetime) -> str:
    return (
        "external_id,account_external_id,channel,occurred_at\n"
        f"T-1,A-001,phone,2026-11-01 10:00\nT-2,A-001,phone,{moment:%Y-%m-%d %H:%M}\n"
    )


def test_a_touch_dated_beyond_the_tolerance_is_refused_and_nothing_is_written(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    create_account(session, external_id="A-001")
    session.commit()
    path = tmp_path / "touches.csv"
    path.write_text(_row(datetime.now(TOKYO) + timedelta(hours=2)), encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        _import(session, settings, path)
    [issue] = failed.value.issues
    assert (issue.row, issue.column) == (3, "occurred_at")
    assert issue.reason("en") == "In the future: at most 60 minutes ahead of now are accepted."
    assert issue.reason("ja") == "未来の日時です。現在から60分先までしか受け付けません。"
    assert _touches(session) == {}
    # A wider tolerance in config.toml lets the same file in.
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[coverage]\nfuture_tolerance_minutes = 180\n")
    _import(session, Settings(), path)
    assert set(_touches(session)) == {"T-1", "T-2"}


def test_the_rule_itself_at_its_boundary() -> None:
    now = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    assert not too_far_ahead(now + timedelta(minutes=10), now=now, tolerance_minutes=10)
    assert too_far_ahead(now + timedelta(minutes=10, seconds=1), now=now, tolerance_minutes=10)
    assert too_far_ahead(now + timedelta(seconds=1), now=now, tolerance_minutes=0)


def test_automated_tiers_in_config() -> None:
    assert parse_cadence_config({}).automated_touches_count_for == frozenset()
    parsed = parse_cadence_config({"automated_touches_count_for": ["tech_touch"]})
    assert parsed.automated_touches_count_for == frozenset({"tech_touch"})
    for bad, words in (("tech_touch", "list of tiers"), (["mass_touch"], "mass_touch")):
        with pytest.raises(CoverageConfigError) as error:
            parse_cadence_config({"automated_touches_count_for": bad})
        assert words in error.value.render(lambda text: text)
        assert "automated_touches_count_for" in error.value.render(lambda text: text)


def test_api_refuses_future_dates_and_sets_the_new_fields(
    session: Session, settings: Settings
) -> None:
    create_account(session, external_id="A-001")
    _token_row, plain = team_service.create_token(session, name="t", scopes=["read", "write"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}"}
    ahead = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    touch = {
        "external_id": "API-1", "account_external_id": "A-001", "channel": "email",
        "occurred_at": "2026-11-20T10:00:00+09:00", "is_automated": True,
        "next_step_on": "2026-12-01",
    }  # fmt: skip
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1", headers=headers) as api:
        refused = api.post("/touchpoints", json={**touch, "occurred_at": ahead})
        assert refused.status_code == 422
        [error] = refused.json()["errors"]
        assert (error["field"], error["value"]) == ("occurred_at", ahead)
        assert "in the future (at most 60 minutes" in error["message"]
        assert api.get("/touchpoints").json()["items"] == []
        created = api.post("/touchpoints", json=touch)
        assert created.status_code == 201, created.text
        assert (created.json()["is_automated"], created.json()["next_step_on"]) == (
            True,
            "2026-12-01",
        )
        assert api.patch("/touchpoints/API-1", json={"occurred_at": ahead}).status_code == 422
        emptied = api.patch("/touchpoints/API-1", json={"is_automated": None})
        assert emptied.status_code == 422
        changed = api.patch("/touchpoints/API-1", json={"is_automated": False})
        assert changed.json()["is_automated"] is False
    session.expire_all()
    stored = session.scalar(select(Touchpoint).where(Touchpoint.external_id == "API-1"))
    assert stored is not None
    assert stored.occurred_at == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert session.scalar(select(func.count()).select_from(Touchpoint)) == 1


DAY = date(2026, 11, 23)


def _tiered(session: Session, tier: str, sent: datetime, **touch: object) -> int:
    account = create_account(session)
    create_subscription(session, account, start_date=date(2025, 1, 1))
    session.add(
        LifecyclePeriod(
            account_id=account.id, dimension="tier", value=tier, entered_on=date(2025, 1, 1)
        )
    )
    create_touchpoint(session, account, occurred_at=sent, is_automated=True, **touch)
    return account.id


def test_automated_sends_count_only_in_configured_tiers_at_the_cadence_boundary(
    session: Session,
) -> None:
    # 2026-11-09 00:30 JST (15:30 UTC the day before) is 14 days before DAY: in; 2026-11-08
    # 23:30 JST is 15 days: out. A meaningless automated send counts all the same.
    at_14 = datetime(2026, 11, 8, 15, 30, tzinfo=UTC)
    at_15 = datetime(2026, 11, 8, 14, 30, tzinfo=UTC)
    inside = _tiered(session, "tech_touch", at_14, is_meaningful=False)
    outside = _tiered(session, "tech_touch", at_15)
    # A high-touch account's automated send never counts: its tier is not configured.
    high = _tiered(session, "high_touch", datetime(2026, 11, 22, 1, tzinfo=UTC))
    cadences = {"high_touch": 14, "low_touch": 45, "tech_touch": 14}
    counted = CadenceConfig(
        cadences=cadences, automated_touches_count_for=frozenset({"tech_touch"})
    )
    report = service.build_report(session, day=DAY, cadences=counted)
    assert report.overall == Share(1, 3)
    assert report.by_tier == {"tech_touch": Share(1, 2), "high_touch": Share(0, 1)}
    missing = {line.account_id: line for line in report.uncovered}
    assert set(missing) == {outside, high}
    assert (missing[outside].days_since, missing[outside].days_overdue) == (15, 1)
    assert missing[high].last_touch is None  # its automated send is not a touch
    status = service.account_status(session, account_id=inside, day=DAY, cadences=counted)
    assert (status.covered, status.days_since) == (True, 14)
    assert not service.account_status(session, account_id=high, day=DAY, cadences=counted).covered

    # Without the setting an automated send is no touch, whatever its tier.
    never = CadenceConfig(cadences=cadences)
    assert service.build_report(session, day=DAY, cadences=never).overall == Share(0, 3)
    assert (
        service.account_status(session, account_id=inside, day=DAY, cadences=never).last_touch
        is None
    )
    # A send older than the report's window still gives "days since" (here 100 days).
    old = _tiered(session, "tech_touch", datetime(2026, 8, 15, 1, tzinfo=UTC))
    lines = {
        line.account_id: line
        for line in service.build_report(session, day=DAY, cadences=counted).uncovered
    }
    assert lines[old].days_since == 100


def test_people_and_sends_read_in_one_pass_are_told_apart(session: Session) -> None:
    # Each account: a meaningful touch by a person 20 days before DAY, an automated send 5
    # days before and a person's touch that is not meaningful the day before.
    def touched(tier: str) -> int:
        account_id = _tiered(session, tier, datetime(2026, 11, 18, 1, tzinfo=UTC))
        account = session.get(Account, account_id)
        assert account is not None
        create_touchpoint(session, account, occurred_at=datetime(2026, 11, 3, 1, tzinfo=UTC))
        create_touchpoint(
            session, account, occurred_at=datetime(2026, 11, 22, 1, tzinfo=UTC), is_meaningful=False
        )
        return account_id

    tech, high = touched("tech_touch"), touched("high_touch")
    cadences = {"high_touch": 14, "low_touch": 45, "tech_touch": 14}
    counted = CadenceConfig(
        cadences=cadences, automated_touches_count_for=frozenset({"tech_touch"})
    )
    report = service.build_report(session, day=DAY, cadences=counted)
    assert report.by_tier == {"tech_touch": Share(1, 1), "high_touch": Share(0, 1)}
    [line] = report.uncovered
    assert (line.account_id, line.days_since, line.days_overdue) == (high, 20, 6)
    never = service.build_report(session, day=DAY, cadences=CadenceConfig(cadences=cadences))
    assert {line.account_id: line.days_since for line in never.uncovered} == {tech: 20, high: 20}
