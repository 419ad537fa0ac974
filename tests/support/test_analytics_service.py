"""The support report from the state store on hand-built tickets (Tokyo day boundaries, a
segment, both backends), its bad input, the API and page over HTTP, exports and the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.errors import InvalidField
from hatake.core.i18n import gettext_for
from hatake.core.settings import Settings
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.support import analytics_service as service
from hatake.support.models import Ticket
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_user
from tests.live import serve, sign_in

TODAY = date(2026, 11, 23)
HOUR = timedelta(hours=1)


def _ticket(session: Session, account_id: int, number: int, **values: Any) -> None:
    session.add(Ticket(external_id=f"K-{number}", account_id=account_id, **values))


def _build(session: Session) -> dict[str, int]:
    """Five tickets; the day boundaries are Tokyo's (UTC+9)."""
    team_service.ensure_org(session)
    inside, outside = create_account(session, name="A 社"), create_account(session, name="B 社")
    # Stored first, opened third: the figures may not depend on the order rows are read in.
    t3 = datetime(2026, 10, 10, tzinfo=UTC)
    _ticket(session, outside.id, 3, opened_at=t3, first_response_at=t3 + 4 * HOUR,
            status="pending", priority="normal", issue_type="functional")  # fmt: skip
    # 2026-09-30 23:59:59 JST: September. Resolved 10 h later, on 1 October.
    t1 = datetime(2026, 9, 30, 14, 59, 59, tzinfo=UTC)
    _ticket(session, inside.id, 1, opened_at=t1, first_response_at=t1 + 2 * HOUR,
            resolved_at=t1 + 10 * HOUR, status="closed", priority="high",
            issue_type="operational", category="請求", csat=5)  # fmt: skip
    # 2026-10-01 00:00 JST: October.
    t2 = datetime(2026, 9, 30, 15, tzinfo=UTC)
    _ticket(session, inside.id, 2, opened_at=t2, first_response_at=t2 + HOUR,
            resolved_at=t2 + 30 * HOUR, status="resolved", priority="urgent",
            issue_type="functional", category="不具合", csat=2)  # fmt: skip
    # Marked resolved without a resolution time: it stays in the backlog.
    _ticket(session, outside.id, 4, opened_at=datetime(2026, 10, 20, tzinfo=UTC),
            status="resolved", priority="low", issue_type="functional",
            category="不具合")  # fmt: skip
    t5 = datetime(2026, 11, 2, tzinfo=UTC)
    _ticket(session, inside.id, 5, opened_at=t5, first_response_at=t5 + 3 * HOUR,
            resolved_at=t5 + 5 * HOUR, status="resolved", priority="normal",
            issue_type="functional", category="操作方法", csat=4)  # fmt: skip
    segment = Segment(name="A だけ", definition={"all": []})
    session.add(segment)
    session.flush()
    session.add(SegmentMembership(segment_id=segment.id, account_id=inside.id, entered_on=TODAY))
    session.flush()
    return {"inside": inside.id, "outside": outside.id, "segment": segment.id}


def _report(session: Session, **asked: str | None) -> service.SupportReport:
    values = {"grain": None, "first": "2026-09", "last": "2026-11", "segment": None, **asked}
    return service.build_report(session, service.parse_query(session, today=TODAY, **values))


def test_months_by_hand(session: Session) -> None:
    _build(session)
    report = _report(session)
    assert [period.key for period in report.periods] == ["2026-09", "2026-10", "2026-11"]
    september, october, november = report.overall
    assert (september.opened, october.opened, november.opened) == (1, 3, 1)
    # September: T1, answered in 2 h, resolved in 10 h but only on 1 October.
    assert (september.first_response.median, september.resolution.median) == (2.0, 10.0)
    assert (september.resolution_rate, september.resolved, september.backlog_end) == (0.0, 0, 1)
    # October: T2 (1 h), T3 (4 h), T4 unanswered: median 2.5; p90 h = 0.9 -> 1 + 0.9 * 3.
    assert october.unanswered == 1
    assert october.first_response.median == 2.5
    assert october.first_response.p90 == pytest.approx(3.7)
    assert (october.resolution.count, october.resolution.median, october.unresolved) == (1, 30, 2)
    assert october.resolution_rate == pytest.approx(1 / 3)
    assert (october.resolved, october.backlog_start, october.backlog_end) == (2, 1, 2)
    assert (october.csat_responses, october.csat_average, october.csat_satisfied) == (1, 2.0, 0.0)
    assert (november.opened, november.resolved, november.backlog_end) == (1, 1, 2)
    # The whole range: FRT 1, 2, 3, 4 h -> median 2.5, p90 h = 2.7 -> 3.7; TTR 5, 10, 30 h ->
    # median 10, p90 h = 1.8 -> 10 + 0.8 * 20 = 26; resolved before 1 December: T1, T2, T5.
    total = report.total
    assert (total.first_response.median, total.first_response.p90) == (2.5, pytest.approx(3.7))
    assert (total.resolution.median, total.resolution.p90) == (10.0, pytest.approx(26.0))
    assert total.resolution_rate == pytest.approx(3 / 5)
    assert total.csat_average == pytest.approx(11 / 3)
    assert total.csat_satisfied == pytest.approx(2 / 3)
    assert report.done_without_time == 1


def test_breakdowns_and_segment(session: Session) -> None:
    ids = _build(session)
    report = _report(session)
    types = {group.key: group for group in report.by_issue_type}
    assert list(types) == ["functional", "operational"]
    assert [f.opened for f in types["functional"].periods] == [0, 3, 1]
    assert [f.opened for f in types["operational"].periods] == [1, 0, 0]
    assert [group.key for group in report.by_priority] == ["urgent", "high", "normal", "low"]
    categories = {group.key: group.total.opened for group in report.by_category}
    # Most tickets first (ties by name), no category last.
    assert list(categories) == ["不具合", "操作方法", "請求", None]
    assert categories == {"不具合": 2, "請求": 1, "操作方法": 1, None: 1}
    only_a = _report(session, segment=str(ids["segment"]))
    assert only_a.segment is not None
    assert [f.opened for f in only_a.overall] == [1, 1, 1]
    assert (only_a.total.backlog_end, only_a.done_without_time) == (0, 0)


def test_fiscal_quarters_and_years(session: Session) -> None:
    _build(session)
    quarters = _report(session, grain="quarter", first="FY2026-Q2", last="FY2026-Q3")
    assert [p.key for p in quarters.periods] == ["FY2026-Q2", "FY2026-Q3"]
    assert [f.opened for f in quarters.overall] == [1, 4]  # July-September, October-December
    years = _report(session, grain="fiscal_year", first="FY2026", last="FY2026")
    assert [p.label("ja") for p in years.periods] == ["2026年度"]
    assert years.overall[0].opened == 5
    # Left out: the last periods up to today (twelve months, eight quarters, three years).
    default = _report(session, first=None, last=None)
    assert (default.periods[0].key, default.periods[-1].key) == ("2025-12", "2026-11")


@pytest.mark.parametrize(
    ("asked", "field", "english", "japanese"),
    [
        ({"grain": "week"}, "grain", "week is not a grain", "week という集計単位はありません"),
        ({"first": "2026-13"}, "from", "2026-13 is not a period", "2026-13 は期間として読めません"),
        ({"last": "FY2026-Q5"}, "to", "FY2026-Q5 is not a period", "FY2026-Q5 は期間"),
        (
            {"segment": "999"},
            "segment",
            "no segment with id 999",
            "ID 999 のセグメントはありません",
        ),
        ({"segment": "vip"}, "segment", "no segment with id vip", "ID vip のセグメント"),
        ({"first": "2026-12"}, "from", "starts after the end of to", "の終わりより後です"),
        ({"first": "2010-01", "grain": "month"}, "from", "at most 120", "120 期間まで"),
    ],
)
def test_bad_input_names_the_field(
    session: Session, asked: dict[str, str], field: str, english: str, japanese: str
) -> None:
    _build(session)
    with pytest.raises(InvalidField) as caught:
        _report(session, **asked)
    assert caught.value.params["field"] == field
    assert english in caught.value.render(gettext_for("en"))
    assert japanese in caught.value.render(gettext_for("ja"))


def test_tables_hold_the_figures(session: Session) -> None:
    _build(session)
    tables = service.report_tables(_report(session), gettext_for("ja"), "ja")
    assert [t.key for t in tables] == [
        "summary", "functional", "operational", "priority", "category",
    ]  # fmt: skip
    summary = tables[0]
    assert [row[0] for row in summary.rows] == [
        "2026年9月",
        "2026年10月",
        "2026年11月",
        "表示期間全体",
    ]
    assert summary.columns[1].label == "起票件数"
    assert summary.rows[1][1] == 3
    category = tables[-1]
    assert [row[0] for row in category.rows][-2:] == ["（カテゴリなし）", "全チケット"]


def test_account_card(session: Session) -> None:
    ids = _build(session)
    card = service.account_support(session, account_id=ids["inside"], today=TODAY)
    assert card.since == date(2025, 11, 24)
    assert (card.opened, card.first_response_median, card.open_now) == (3, 2.0, 0)
    assert (card.csat_responses, card.csat_average) == (3, pytest.approx(11 / 3))
    other = service.account_support(session, account_id=ids["outside"], today=TODAY)
    assert (other.opened, other.first_response_median, other.open_now) == (2, 4.0, 2)
    assert other.csat_average is None


def test_api_page_and_exports_over_http(session: Session, settings: Settings) -> None:
    ids = _build(session)
    create_user(session, email="csm@example.com")
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}"}
    asked = {"from": "2026-09", "to": "2026-11"}
    with serve(settings) as url:
        with httpx.Client(base_url=f"{url}/api/v1", headers=headers) as api:
            body = api.get("/reports/support", params=asked).json()
            assert [p["period"] for p in body["periods"]] == ["2026-09", "2026-10", "2026-11"]
            october = body["periods"][1]["figures"]
            assert october["first_response_hours"] == {"count": 2, "median": 2.5, "p90": 3.7}
            assert (october["backlog_start"], october["backlog_end"]) == (1, 2)
            assert body["total"]["csat"]["responses"] == 3
            assert [g["key"] for g in body["by_issue_type"]] == ["functional", "operational"]
            assert body["done_without_time"] == 1
            segment = api.get("/reports/support", params={**asked, "segment": ids["segment"]})
            assert segment.json()["segment"]["name"] == "A だけ"
            bad = api.get("/reports/support", params={"segment": "999"})
            assert bad.status_code == 422
            assert bad.json()["errors"][0]["field"] == "segment"
            japanese = api.get(
                "/reports/support", params={"grain": "week"}, headers={"accept-language": "ja"}
            )
            assert "という集計単位はありません" in japanese.json()["detail"]
            assert api.get("/reports/support", headers={"authorization": ""}).status_code == 401
        with httpx.Client(base_url=url) as web:
            sign_in(web, "csm@example.com", PASSWORD)
            page = web.get("/reports/support", params=asked)
            assert page.status_code == 200
            assert "サポート分析" in page.text
            assert "テクニカルサポート（機能面の問い合わせ）期間別" in page.text
            csv = web.get("/reports/support", params={**asked, "format": "csv", "table": "summary"})
            lines = csv.content.decode("utf-8-sig").splitlines()
            assert lines[0].startswith("期間,起票件数,")
            assert lines[2].startswith("2026年10月,3,2.5,")
            workbook = web.get("/reports/support", params={**asked, "format": "xlsx"})
            book = load_workbook(BytesIO(workbook.content))
            assert len(book.sheetnames) == 5
            card = web.get(f"/accounts/{ids['outside']}/support/card")
            assert 'id="support-card-open">2<' in card.text
            assert web.get("/accounts/99999/support/card").status_code == 404
            assert web.get("/reports/support", params={"grain": "week"}).status_code == 422


def test_cli(session: Session, settings: Settings, tmp_path: Any) -> None:
    _build(session)
    session.commit()
    runner = CliRunner()
    shown = runner.invoke(app, ["report", "support", "--from", "2026-09", "--to", "2026-11"])
    assert shown.exit_code == 0, shown.output
    assert "テクニカルサポート" in shown.output
    workbook = tmp_path / "support.xlsx"
    written = runner.invoke(
        app,
        ["report", "support", "--from", "2026-09", "--to", "2026-11", "--export", str(workbook)],
    )
    assert written.exit_code == 0, written.output
    assert len(load_workbook(workbook).sheetnames) == 5
    csv = tmp_path / "category.csv"
    result = runner.invoke(
        app, ["report", "support", "--from", "2026-09", "--export", str(csv), "--table", "category"]
    )
    assert result.exit_code == 0, result.output
    assert csv.read_text(encoding="utf-8-sig").splitlines()[1].startswith("不具合,2,")
    refused = runner.invoke(app, ["report", "support", "--grain", "week"])
    assert refused.exit_code == 1
    assert "week" in refused.output
    wrong_table = runner.invoke(
        app, ["report", "support", "--export", str(tmp_path / "x.csv"), "--table", "nope"]
    )
    assert wrong_table.exit_code == 2
    assert not (tmp_path / "x.csv").exists()
    assert runner.invoke(app, ["report", "support", "--export", "x.pdf"]).exit_code == 2
