"""The retention report over real HTTP on both backends (API, page, exports) and from the CLI,
on the hand-worked example of tests/revenue/test_mrr.py: in May 2026 an upgrade, a downgrade,
a churn, a reactivation and a new account; an annual contract renewed dearer in June; a USD
contract; and two subscriptions no figure may count."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.cli import app
from hatake.core.settings import Settings
from hatake.lifecycle.models import LifecyclePeriod
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_subscription, create_user
from tests.live import LiveServer, sign_in
from tests.revenue.test_mrr import TERMS

QUARTER = {"grain": "quarter", "from": "FY2026-Q1", "to": "FY2026-Q1"}


@pytest.fixture
def example(session: Session, settings: Settings) -> dict[str, int]:
    """The accounts of TERMS (A-1 to A-7), A-1 and A-2 owned by one CSM and A-1 high touch,
    plus an EUR subscription (no rate) and one overlapping A-3's."""
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[revenue.rates]\nUSD = 150.0\n")
    owner = create_user(session, name="山田 太郎", role="manager")
    accounts = {
        number: create_account(
            session, external_id=f"A-{number}", owner_id=owner.id if number <= 2 else None
        )
        for number in range(1, 8)
    }
    for term in TERMS:
        create_subscription(
            session, accounts[term.account_id], external_id=term.external_id, plan=term.plan,
            mrr_minor=term.mrr_minor, currency=term.currency, start_date=term.start_date,
            end_date=term.end_date, status=term.status,
            billing_period="annual" if term.external_id.startswith("E") else "monthly",
        )  # fmt: skip
    create_subscription(session, accounts[3], external_id="X-EUR", currency="EUR",
                        mrr_minor=9_900, start_date=date(2026, 2, 1))  # fmt: skip
    create_subscription(session, accounts[3], external_id="X-OVER", mrr_minor=1_000,
                        start_date=date(2026, 3, 1))  # fmt: skip
    session.add(LifecyclePeriod(account_id=accounts[1].id, dimension="tier", value="high_touch",
                                entered_on=date(2025, 1, 1)))  # fmt: skip
    # A segment C left on 1 June and G joined on 1 June.
    segment = Segment(name="重点顧客", definition={"all": []})
    session.add(segment)
    session.flush()
    session.add_all([
        SegmentMembership(segment_id=segment.id, account_id=accounts[3].id,
                          entered_on=date(2025, 1, 1), left_on=date(2026, 6, 1)),
        SegmentMembership(segment_id=segment.id, account_id=accounts[7].id,
                          entered_on=date(2026, 6, 1)),
    ])  # fmt: skip
    session.commit()
    return {"owner": owner.id, **{f"A-{n}": account.id for n, account in accounts.items()}}


@pytest.fixture
def api(live_server: LiveServer, session: Session) -> Iterator[httpx.Client]:
    _row, plain = team_service.create_token(session, name="test", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}", "accept-language": "en"}
    with httpx.Client(base_url=f"{live_server.url}/api/v1", headers=headers) as client:
        yield client


def test_mrr_by_month(example: dict[str, int], api: httpx.Client) -> None:
    body = api.get("/reports/mrr", params={"from": "2026-01", "to": "2026-06"}).json()
    assert body["currency"] == "JPY"
    assert [m["mrr"] for m in body["months"]] == [
        120_000, 200_000, 195_000, 195_000, 220_000, 222_000
    ]  # fmt: skip
    may = body["months"][4]["movements"]
    assert may == {"new": 60_000, "expansion": 30_000, "reactivation": 25_000,
                   "contraction": 50_000, "churn": 40_000, "net": 25_000}  # fmt: skip
    # December 2025 had only E's annual 10,000: January's new accounts are A, C and D.
    assert body["months"][0]["movements"]["new"] == 110_000
    excluded = {row["subscription"]: row for row in body["excluded"]}
    assert excluded["X-EUR"]["field"] == "currency"
    assert excluded["X-EUR"]["reason"] == (
        "No exchange rate for EUR: add it under [revenue.rates] in config.toml."
    )
    assert excluded["X-OVER"]["field"] == "start_date"
    assert "Overlaps C1 of the same plan (standard)" in excluded["X-OVER"]["reason"]


def test_retention_for_a_fiscal_quarter(example: dict[str, int], api: httpx.Client) -> None:
    body = api.get("/reports/retention", params=QUARTER).json()
    assert body["fiscal_year_start_month"] == 4
    [quarter] = body["periods"]
    assert quarter["period"] == "FY2026-Q1"
    assert (quarter["first_month"], quarter["closing_month"]) == ("2026-04", "2026-06")
    assert quarter["opening_mrr"] == 195_000
    assert quarter["closing_mrr"] == 222_000
    assert quarter["retained_mrr"] == 105_000
    assert quarter["expanded_mrr"] == 32_000
    kpis = quarter["kpis"]
    assert kpis["grr"] == pytest.approx(105 / 195)
    assert kpis["nrr"] == pytest.approx(137 / 195)
    assert kpis["logo_churn_rate"] == pytest.approx(1 / 5)
    assert kpis["revenue_churn_rate"] == pytest.approx(40 / 195)
    assert kpis["quick_ratio"] == pytest.approx(117 / 90)


def test_breakdowns_split_the_base(example: dict[str, int], api: httpx.Client) -> None:
    def groups(by: str) -> dict[str, dict]:
        body = api.get("/reports/retention", params={**QUARTER, "by": by}).json()
        return {group["key"]: group["periods"][0] for group in body["groups"]}

    # Plan at the opening (end of March), or at the closing for D and G who arrived later.
    plans = groups("plan")
    assert set(plans) == {"pro", "standard"}
    assert (plans["pro"]["opening_mrr"], plans["pro"]["closing_mrr"]) == (80_000, 30_000)
    assert plans["pro"]["kpis"]["grr"] == pytest.approx(30 / 80)
    assert (plans["standard"]["opening_mrr"], plans["standard"]["closing_mrr"]) == (
        115_000, 192_000
    )  # fmt: skip
    assert plans["standard"]["kpis"]["nrr"] == pytest.approx(107 / 115)
    owners = groups("owner")
    assert set(owners) == {str(example["owner"]), ""}
    assert owners[str(example["owner"])]["closing_mrr"] == 80_000 + 30_000
    tiers = groups("tier")
    assert tiers["high_touch"]["opening_mrr"] == 50_000
    assert tiers[""]["opening_mrr"] == 145_000
    # Membership at the opening for customers then (C: in, churned), at the closing for G.
    [segment] = groups("segment").values()
    assert (segment["opening_mrr"], segment["closing_mrr"]) == (40_000, 60_000)
    assert segment["kpis"]["logo_churn_rate"] == 1.0
    assert segment["movements"]["new"] == 60_000


def test_bad_parameters_name_the_field(example: dict[str, int], api: httpx.Client) -> None:
    for params, field in (({"grain": "week"}, "grain"), ({"by": "region"}, "by"),
                          ({"from": "2026-13"}, "from"), ({"from": "2026-06", "to": "2026-01"},
                                                          "from")):  # fmt: skip
        response = api.get("/reports/retention", params=params)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field


def test_page_and_exports(
    example: dict[str, int], live_server: LiveServer, session: Session
) -> None:
    user = create_user(session, email="viewer@example.com", role="viewer")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "ja"}) as client:
        sign_in(client, user.email, PASSWORD)
        page = client.get("/reports/retention", params={**QUARTER, "by": "plan"})
        assert page.status_code == 200
        assert "2026年度 第1四半期" in page.text
        assert "53.8%" in page.text  # GRR 105,000 / 195,000
        assert "70.3%" in page.text  # NRR 137,000 / 195,000
        assert "X-EUR" in page.text
        csv = client.get("/reports/retention", params={**QUARTER, "format": "csv", "table": "kpis"})
        assert csv.content.startswith("\ufeff".encode())
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("期間,GRR,NRR")
        assert lines[1].startswith("2026年度 第1四半期,0.538")
        book = client.get("/reports/retention", params={**QUARTER, "by": "plan", "format": "xlsx"})
        sheets = load_workbook(io.BytesIO(book.content)).sheetnames
        assert sheets == ["MRRと増減", "継続率KPI", "プラン別", "除外した契約"]
        index = client.get("/reports")
        for href in ("/reports/retention", "/reports/cohorts", "/reports/forecast",
                     "/reports/support"):  # fmt: skip
            assert f'href="{href}"' in index.text


def test_cli_exports_the_kpis(example: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "kpis.csv"
    result = CliRunner().invoke(
        app, ["report", "retention", "--grain", "quarter", "--from", "FY2026-Q1", "--to",
              "FY2026-Q1", "--by", "plan", "--export", str(target)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1].startswith("2026年度 第1四半期,0.538")
    refused = CliRunner().invoke(app, ["report", "retention", "--by", "region"])
    assert refused.exit_code == 1
    assert "region" in refused.output
