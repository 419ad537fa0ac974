"""The weekly review on hand-built data (both backends): week 2026-W47 (16–22 November)
against 2026-W46 (9–15 November), every figure computed by hand; the Excel export read back;
the page (and its print stylesheet), the API and the CLI."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer import Typer
from typer.testing import CliRunner

from hatake.accounts.models import Account
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.core.runtime import Runtime, open_runtime
from hatake.core.settings import Settings
from hatake.coverage import review_service
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.models import Task
from hatake.coverage.review import Compared, IsoWeek
from hatake.coverage.review_cli import review as review_command
from hatake.coverage.review_export import review_workbook
from hatake.health import snapshots
from hatake.health.versions import default_definition
from hatake.team import service as team_service
from tests.helpers import (
    PASSWORD,
    create_account,
    create_subscription,
    create_touchpoint,
    create_user,
)
from tests.live import serve, sign_in

WEEK = IsoWeek(2026, 47)
TODAY = date(2026, 11, 23)
CADENCES = CadenceConfig(default_days=14)  # no tiers recorded: every account has 14 days
START = date(2025, 1, 1)
CREATED = datetime(2026, 11, 1, tzinfo=UTC)
TASK_NUMBERS = itertools.count(1)


def jst(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 moment in Tokyo, as UTC."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ZoneInfo("Asia/Tokyo")).astimezone(UTC)


@dataclass(frozen=True)
class Book:
    sato: int
    suzuki: int
    accounts: dict[str, int]


def _task(session: Session, account: int, assignee: int | None, **values: object) -> None:
    number = next(TASK_NUMBERS)
    session.add(
        Task(
            external_id=f"TASK-{number}", account_id=account, title="フォロー",
            assignee_id=assignee, created_at=CREATED, **values,
        )
    )  # fmt: skip
    session.flush()


def build(session: Session) -> Book:
    sato, suzuki = create_user(session, name="佐藤"), create_user(session, name="鈴木")
    a = create_account(session, external_id="R-A", name="A 定例", owner_id=sato.id)
    b = create_account(session, external_id="R-B", name="B 放置", owner_id=sato.id)
    c = create_account(session, external_id="R-C", name="C 週中解約", owner_id=suzuki.id)
    d = create_account(session, external_id="R-D", name="D 自動配信のみ", owner_id=suzuki.id)
    e = create_account(session, external_id="R-E", name="E 週中契約")
    for account in (a, b, d):
        create_subscription(session, account, start_date=START)
    # C's contract ends on Thursday 19 November (churned mid-week); E's begins on the 18th.
    create_subscription(session, c, start_date=START, end_date=date(2026, 11, 19))
    create_subscription(session, e, start_date=date(2026, 11, 18))

    touch = create_touchpoint
    touch(session, a, occurred_at=jst(10, 14), channel="web_meeting")  # W46
    touch(session, a, occurred_at=jst(15, 23, 30), channel="phone")  # W46's last half hour
    touch(session, a, occurred_at=jst(17, 10), channel="phone")  # W47
    touch(session, a, occurred_at=jst(18, 10), channel="email", is_meaningful=False)  # W47
    touch(session, b, occurred_at=jst(1, 10), channel="visit")  # before both weeks
    touch(session, b, occurred_at=jst(16, 0, 10), channel="chat", is_meaningful=False)  # W47
    touch(session, c, occurred_at=jst(5, 10), channel="phone")  # before both weeks
    touch(session, c, occurred_at=jst(18, 11), channel="chat")  # W47, before the churn
    touch(session, d, occurred_at=jst(20, 9), channel="email", is_automated=True)  # W47

    _task(session, a.id, sato.id, due_on=date(2026, 11, 18), status="done",
          completed_at=jst(19, 10))  # fmt: skip
    _task(session, a.id, sato.id, due_on=date(2026, 11, 12))  # open: overdue at both ends
    _task(session, b.id, sato.id, status="done", completed_at=jst(16, 0))  # W47's first moment
    _task(session, c.id, suzuki.id, due_on=date(2026, 11, 14), status="done",
          completed_at=jst(17, 11))  # fmt: skip
    _task(session, d.id, suzuki.id, due_on=date(2026, 11, 25))  # not due yet
    _task(session, d.id, None, status="done", completed_at=jst(10, 12))  # W46, nobody's
    return Book(sato.id, suzuki.id, {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id})


GRADES = {  # account: grades on 8, 15 and 22 November
    "R-A": ("healthy", "healthy", "neutral"),  # worse in W47
    "R-B": ("neutral", "at_risk", "at_risk"),  # worse in W46
    "R-C": ("healthy", "neutral", "at_risk"),  # worse in both; churned during W47
    "R-D": (None, "neutral", "healthy"),  # better
}
SCORES = {"healthy": 80.0, "neutral": 55.0, "at_risk": 20.0}


def store_grades(runtime: Runtime) -> None:
    con = runtime.analytics()
    snapshots.ensure_tables(con)
    version = default_definition().version
    for account, grades in GRADES.items():
        for day, grade in zip((8, 15, 22), grades, strict=True):
            if grade is not None:
                con.con.execute(
                    f"INSERT INTO {snapshots.SCORES_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                    [account, date(2026, 11, day), version, "default", SCORES[grade], grade],
                )


@pytest.fixture
def scored(settings: Settings) -> Iterator[Runtime]:
    runtime = open_runtime(settings)
    store_grades(runtime)
    yield runtime
    runtime.close()


def _review(session: Session, runtime: Runtime, today: date = TODAY) -> review_service.WeeklyReview:
    definition = default_definition()
    weeks = review_service.spans(WEEK, today)
    moves = {
        span: review_service.grade_moves(runtime.analytics(), definition, span) for span in weeks
    }
    return review_service.build_review(
        session, weeks=weeks, moves=moves, cadences=CADENCES, definition=definition
    )


def test_each_figure_against_the_week_before(session: Session, scored: Runtime) -> None:
    book = build(session)
    review = _review(session, scored)
    rows = {row.csm: row for row in review.rows}
    assert list(rows) == ["佐藤", "鈴木", None]
    sato, suzuki, nobody, team = rows["佐藤"], rows["鈴木"], rows[None], review.team

    # Accounts under contract on Sunday 22nd / 15th: C churned on the 19th, E began the 18th.
    assert sato.compared("accounts") == Compared(2, 2)
    assert suzuki.compared("accounts") == Compared(1, 2)
    assert nobody.compared("accounts") == Compared(1, 0)
    assert team.compared("accounts") == Compared(4, 4)
    # Coverage (14 days). 22nd: A (5 days) in; B (21 days), D (never), E (never) out.
    # 15th: A (0 days), B (14 days, the boundary) and C (10 days) in; D out.
    assert sato.compared("coverage") == Compared(0.5, 1.0)
    assert suzuki.compared("coverage") == Compared(0.0, 0.5)
    assert nobody.compared("coverage") == Compared(0.0, None)  # E: no account on the 15th
    assert team.compared("coverage") == Compared(0.25, 0.75)
    assert team.compared("coverage").change == -0.5

    # Touches by the owner of the account: Sunday 23:30 is W46, Monday 00:10 is W47; C's
    # touch before its churn counts; D's automated send is apart.
    assert sato.compared("meaningful_touches") == Compared(1, 2)
    assert sato.compared("other_touches") == Compared(2, 0)
    assert suzuki.compared("meaningful_touches") == Compared(1, 0)
    assert suzuki.compared("automated_touches") == Compared(1, 0)
    assert team.compared("meaningful_touches") == Compared(2, 2)
    assert team.compared("other_touches") == Compared(2, 0)
    assert team.channel("phone", "meaningful") == Compared(1, 1)
    assert team.channel("web_meeting", "meaningful") == Compared(0, 1)
    assert team.channel("chat", "other") == Compared(1, 0)
    assert team.channel("email", "automated") == Compared(1, 0)

    # Tasks: done in the week (Monday 00:00 JST is W47's); overdue at the end of Sunday.
    assert sato.compared("tasks_done") == Compared(2, 0)
    assert sato.compared("tasks_overdue") == Compared(1, 1)
    assert suzuki.compared("tasks_done") == Compared(1, 0)
    assert suzuki.compared("tasks_overdue") == Compared(0, 1)  # done on the 17th, late
    assert nobody.compared("tasks_done") == Compared(0, 1)
    assert team.compared("tasks_done") == Compared(3, 1)
    assert team.compared("tasks_overdue") == Compared(1, 2)

    # Grades 15th -> 22nd: A worse; C worse too but no longer under contract. 8th -> 15th:
    # B and C worse.
    assert [line.account_id for line in sato.this.worsened] == [book.accounts["A"]]
    assert (sato.this.worsened[0].grade_before, sato.this.worsened[0].grade_after) == (
        "healthy",
        "neutral",
    )
    assert sato.compared("worsened") == Compared(1, 1)
    assert suzuki.compared("worsened") == Compared(0, 1)
    assert team.compared("worsened") == Compared(1, 2)
    assert review.graded == (date(2026, 11, 15), date(2026, 11, 22))
    assert (review.this.last_day, review.this.in_progress) == (date(2026, 11, 22), False)


def test_a_week_still_running_is_measured_to_today(session: Session, scored: Runtime) -> None:
    build(session)
    review = _review(session, scored, today=date(2026, 11, 18))
    assert (review.this.last_day, review.this.in_progress) == (date(2026, 11, 18), True)
    # On the 18th C is still under contract (10 days before its end) and covered (0 days).
    assert review.team.compared("accounts") == Compared(5, 4)
    assert review.team.compared("meaningful_touches").value == 2  # A on the 17th, C on the 18th
    assert review.graded is None  # nothing scored between the 15th and the 18th


def test_a_past_week_is_credited_to_the_owner_at_its_end(session: Session, scored: Runtime) -> None:
    """A moved to 鈴木 on Wednesday 18th of W47 and then to nobody on the 25th: W46 and W47
    were 佐藤's and 鈴木's respectively, whatever the account's owner is today."""
    book = build(session)
    session.add_all(
        [
            AccountOwnerChange(
                account_id=book.accounts["A"], from_user_id=book.sato, to_user_id=book.suzuki,
                changed_at=jst(18, 9),
            ),
            AccountOwnerChange(
                account_id=book.accounts["A"], from_user_id=book.suzuki, to_user_id=None,
                changed_at=jst(25, 9),
            ),
        ]
    )  # fmt: skip
    session.get(Account, book.accounts["A"]).owner_id = None
    session.flush()
    rows = {row.csm: row for row in _review(session, scored).rows}
    # W47 ends with A in 鈴木's book (and its touch of the 17th with it); W46 ended in 佐藤's.
    assert rows["佐藤"].compared("accounts") == Compared(1, 2)
    assert rows["鈴木"].compared("accounts") == Compared(2, 2)
    assert rows["佐藤"].compared("meaningful_touches") == Compared(0, 2)
    assert rows["鈴木"].compared("meaningful_touches") == Compared(2, 0)
    assert [line.account_id for line in rows["鈴木"].this.worsened] == [book.accounts["A"]]
    assert rows[None].compared("accounts") == Compared(1, 0)  # E only


def test_the_workbook_reads_back(session: Session, scored: Runtime) -> None:
    build(session)
    review = _review(session, scored)
    for locale, sheets in (
        ("en", ["Weekly review", "Touches by channel", "Grade worsened"]),
        ("ja", ["週次レビュー", "チャネル別の接触", "評価悪化"]),
    ):
        book = load_workbook(BytesIO(review_workbook(review, locale=locale)))
        assert book.sheetnames == sheets
    book = load_workbook(BytesIO(review_workbook(review, locale="en")))
    summary = book["Weekly review"]
    assert summary["A1"].value == "Weekly review 2026-W47 (2026-11-16 – 2026-11-22)"
    header = [cell.value for cell in summary[5]]
    assert header[:7] == [
        "CSM",
        "Accounts owned",
        "Accounts owned (previous week)",
        "Accounts owned (change)",
        "Coverage",
        "Coverage (previous week)",
        "Coverage (change)",
    ]
    lines = {row[0]: row[1:] for row in summary.iter_rows(min_row=6, values_only=True)}
    assert list(lines) == ["佐藤", "鈴木", "(unassigned)", "Team"]
    team = lines["Team"]
    assert team[:6] == (4, 4, 0, 0.25, 0.75, -0.5)
    assert summary.cell(9, 5).number_format == "0.0%"
    # E: 0% now; no account the week before, so no coverage and no change.
    assert lines["(unassigned)"][3:6] == (0, None, None)
    touches = list(book["Touches by channel"].iter_rows(min_row=2, values_only=True))
    assert ("Team", "Email", "Automated", 1, 0, 1) in touches
    assert ("佐藤", "Web meeting", "Meaningful", 0, 1, -1) in touches
    worse = list(book["Grade worsened"].iter_rows(min_row=2, values_only=True))
    assert worse == [("佐藤", "R-A", "A 定例", "Healthy", "Neutral", 80.0, 55.0)]


def test_page_api_and_cli(session: Session, settings: Settings, tmp_path: Path) -> None:
    build(session)
    create_user(session, email="manager@example.com", role="manager")
    _token_row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    runtime = open_runtime(settings)
    store_grades(runtime)
    runtime.close()
    # The server and the command read the cadence from config.toml: 14 days, as above.
    settings.config_file.write_text("[coverage]\ndefault_cadence_days = 14\n")
    with serve(settings) as url:
        with httpx.Client(base_url=url) as browser:
            sign_in(browser, "manager@example.com", PASSWORD)
            page = browser.get("/review", params={"week": "2026-W47"})
            assert page.status_code == 200
            assert 'data-csm="佐藤"' in page.text
            assert "@media print" in page.text
            assert 'href="/review/export.xlsx?week=2026-W47"' in page.text
            bad = browser.get(
                "/review", params={"week": "2026-W99"}, headers={"accept-language": "en"}
            )
            assert bad.status_code == 422
            assert "week: 2026-W99 does not exist; 2026 has weeks 1 to 53." in bad.text
            assert 'name="week"' in bad.text  # the picker stays to choose another week
            export = browser.get("/review/export.xlsx", params={"week": "2026-W47"})
            assert export.headers["content-disposition"].endswith('"review-2026-W47.xlsx"')
            assert load_workbook(BytesIO(export.content)).sheetnames[0] == "週次レビュー"
        headers = {"authorization": f"Bearer {plain}"}
        with httpx.Client(base_url=f"{url}/api/v1", headers=headers) as api:
            body = api.get("/review", params={"week": "2026-W47"}).json()
            assert (body["week"], body["previous_week"], body["in_progress"]) == (
                "2026-W47",
                "2026-W46",
                False,
            )
            assert body["team"]["coverage"] == {"value": 0.25, "previous": 0.75, "change": -0.5}
            assert body["team"]["tasks_overdue"] == {"value": 1, "previous": 2, "change": -1}
            [sato] = [row for row in body["csms"] if row["csm"] == "佐藤"]
            assert sato["worsened_accounts"][0]["external_id"] == "R-A"
            assert {"channel": "chat", "kind": "other", "touches": {
                "value": 1, "previous": 0, "change": 1}} in sato["channels"]  # fmt: skip
            refused = api.get("/review", params={"week": "W47"})
            assert refused.status_code == 422
            assert refused.json()["errors"][0]["field"] == "week"
            assert api.get("/review", headers={"authorization": ""}).status_code == 401

    app = Typer()
    app.command("review")(review_command)
    app.command("other")(lambda: None)
    target = tmp_path / "review.xlsx"
    result = CliRunner().invoke(app, ["review", "--week", "2026-W47", "--export", str(target)])
    assert result.exit_code == 0, result.output
    assert "2026-W47" in result.output
    assert "2026-W46" in result.output
    team_coverage = next(line for line in result.output.splitlines() if "接触率" in line)
    assert [cell.strip() for cell in team_coverage.split("│")[3:6]] == [
        "25.0%",
        "75.0%",
        "−50.0 pt",
    ]
    assert load_workbook(target).sheetnames[0] == "週次レビュー"
    result = CliRunner().invoke(app, ["review", "--week", "2026-13"])
    assert result.exit_code == 1
    assert "2026-13" in result.output
