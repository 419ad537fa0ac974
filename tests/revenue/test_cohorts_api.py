"""The cohort, survival and renewal-forecast reports over real HTTP on both backends, and from
the CLI, on small examples worked by hand.

Cohorts (as of 2026-06-30: the window is January to June 2026), monthly terms in yen:

    A  2026-01-01 ->            standard 10,000
    B  2026-01-01 -> 2026-03-15 pro      20,000   (paid at the ends of January and February)
    C  2026-01-10 -> 2026-04-01 standard 30,000, then 45,000 from 2026-04-01
    D  2026-02-01 -> 2026-05-20 pro      10,000   (paid February to April)
    E  2026-02-01 ->            standard 60,000
    F  2025-06-01 ->            standard  5,000   (started before the window: in no cohort)

Renewals (as of 2026-06-30), annual terms; grades are stored 90 days before each end date:

    G  2025-01-01 -> 2026-01-01 12,000, renewed 2026-01-01 -> 2027-01-01 15,000  healthy
    H  2025-03-01 -> 2026-03-01  8,000, not renewed                             at risk
    J  2025-02-01 -> 2026-02-01 10,000, renewed 2026-02-20 -> 2027-02-20 10,000  healthy
    K  2025-08-01 -> 2026-08-01 20,000 (upcoming; no history of its grade)       neutral
    L  monthly, open-ended (never a renewal); M monthly, ended 2026-04-01 (not a past renewal)
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook
from scipy.special import betaln
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hatake.accounts.models import Account
from hatake.cli import app
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.health import snapshots
from hatake.health.versions import active_version
from hatake.lifecycle.segment_models import Segment, SegmentMembership
from hatake.revenue import forecast_views
from hatake.team import service as team_service
from tests.helpers import PASSWORD, create_account, create_subscription, create_user
from tests.live import LiveServer, sign_in

AS_OF = date(2026, 6, 30)
Z95 = 1.959963984540054


def _write_config(settings: Settings, text: str) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text(text)


def _account(session: Session, name: str) -> Account:
    return create_account(session, external_id=name, name=f"株式会社{name}")


@pytest.fixture
def cohorts_example(session: Session, settings: Settings) -> None:
    _write_config(settings, "[clv]\ngross_margin = 0.5\nannual_discount_rate = 0.12\n")
    terms = {
        "A": [("standard", 10_000, date(2026, 1, 1), None)],
        "B": [("pro", 20_000, date(2026, 1, 1), date(2026, 3, 15))],
        "C": [("standard", 30_000, date(2026, 1, 10), date(2026, 4, 1)),
              ("standard", 45_000, date(2026, 4, 1), None)],
        "D": [("pro", 10_000, date(2026, 2, 1), date(2026, 5, 20))],
        "E": [("standard", 60_000, date(2026, 2, 1), None)],
        "F": [("standard", 5_000, date(2025, 6, 1), None)],
    }  # fmt: skip
    for name, rows in terms.items():
        account = _account(session, name)
        for plan, mrr, start, end in rows:
            status = "active" if end is None else "ended"
            create_subscription(session, account, plan=plan, mrr_minor=mrr, start_date=start,
                                end_date=end, status=status)  # fmt: skip
    session.commit()


def _annual(session: Session, account: Account, mrr: int, start: date, end: date) -> None:
    status = "ended" if end <= AS_OF else "active"
    create_subscription(session, account, mrr_minor=mrr, start_date=start, end_date=end,
                        billing_period="annual", status=status)  # fmt: skip


@pytest.fixture
def forecast_example(session: Session, settings: Settings) -> None:
    accounts = {name: _account(session, name) for name in "GHJKLM"}
    _annual(session, accounts["G"], 12_000, date(2025, 1, 1), date(2026, 1, 1))
    _annual(session, accounts["G"], 15_000, date(2026, 1, 1), date(2027, 1, 1))
    _annual(session, accounts["H"], 8_000, date(2025, 3, 1), date(2026, 3, 1))
    _annual(session, accounts["J"], 10_000, date(2025, 2, 1), date(2026, 2, 1))
    _annual(session, accounts["J"], 10_000, date(2026, 2, 20), date(2027, 2, 20))
    _annual(session, accounts["K"], 20_000, date(2025, 8, 1), date(2026, 8, 1))
    create_subscription(session, accounts["L"], mrr_minor=7_000, start_date=date(2025, 1, 1))
    create_subscription(session, accounts["M"], mrr_minor=7_000, start_date=date(2025, 1, 1),
                        end_date=date(2026, 4, 1), status="ended")  # fmt: skip
    session.commit()
    lead = timedelta(days=90)
    grades = [
        ("G", date(2026, 1, 1) - lead, "healthy"),
        ("H", date(2026, 3, 1) - lead, "at_risk"),
        ("J", date(2026, 2, 1) - lead, "healthy"),
        ("G", AS_OF, "healthy"),
        ("J", AS_OF, "at_risk"),
        ("K", AS_OF, "neutral"),
    ]
    version = active_version(session)
    runtime = open_runtime(settings)
    try:
        analytics = runtime.analytics()
        snapshots.ensure_tables(analytics)
        for account, day, grade in grades:
            analytics.con.execute(
                f"INSERT INTO {snapshots.SCORES_TABLE} (account_id, as_of, definition_version, "
                "profile, score, grade) VALUES (?, ?, ?, 'default', 50, ?)",
                [account, day, version, grade],
            )
    finally:
        runtime.close()


@pytest.fixture
def api(live_server: LiveServer, session: Session) -> Iterator[httpx.Client]:
    _row, plain = team_service.create_token(session, name="test", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}", "accept-language": "en"}
    with httpx.Client(base_url=f"{live_server.url}/api/v1", headers=headers) as client:
        yield client


def test_cohort_tables(cohorts_example: None, api: httpx.Client) -> None:
    body = api.get("/reports/cohorts", params={"as_of": AS_OF.isoformat(), "months": 6}).json()
    assert (body["first_month"], body["last_month"]) == ("2026-01-01", "2026-06-01")
    january, february = body["cohorts"]
    assert (january["cohort"], january["accounts"], january["starting_mrr"]) == (
        "2026-01", 3, 60_000
    )  # fmt: skip
    # B gone from March; C's 30,000 became 45,000 in April.
    assert january["logos"] == [3, 3, 2, 2, 2, 2]
    assert january["revenue"] == [60_000, 60_000, 40_000, 55_000, 55_000, 55_000]
    assert january["logo_retention"] == pytest.approx([1, 1, 2 / 3, 2 / 3, 2 / 3, 2 / 3])
    assert january["revenue_retention"] == pytest.approx([1, 1, 40 / 60, 55 / 60, 55 / 60, 55 / 60])
    assert (february["cohort"], february["accounts"]) == ("2026-02", 2)
    assert february["logos"] == [2, 2, 2, 1, 1]  # D gone in May
    assert february["revenue_retention"] == pytest.approx([1, 1, 1, 6 / 7, 6 / 7])

    quarters = api.get(
        "/reports/cohorts", params={"as_of": AS_OF.isoformat(), "months": 6, "grain": "quarter"}
    ).json()
    # January to March is the fiscal year's fourth quarter (April start); April to June has
    # no new account.
    [quarter] = quarters["cohorts"]
    assert (quarter["cohort"], quarter["accounts"], quarter["starting_mrr"]) == (
        "FY2025-Q4", 5, 130_000
    )  # fmt: skip


def test_survival_and_projection(cohorts_example: None, api: httpx.Client) -> None:
    params = {"as_of": AS_OF.isoformat(), "months": 6, "by": "plan"}
    body = api.get("/reports/survival", params=params).json()
    assert (body["gross_margin"], body["annual_discount_rate"]) == (0.5, 0.12)
    curves = {curve["group"]: curve for curve in body["curves"]}
    # Months since start: A 5 and C 5 still paying, B churned at 2, D at 3, E 4 still paying.
    everyone = curves["all"]
    assert (everyone["customers"], everyone["churned"]) == (5, 2)
    assert everyone["months"] == [0, 2, 3]
    assert everyone["at_risk"] == [5, 5, 4]
    assert everyone["survival"] == pytest.approx([1, 4 / 5, 3 / 5])
    assert everyone["median_months"] is None
    # Exponential Greenwood at month 2: Var(log S) = 1 / (5 x 4), on the log(-log S) scale.
    log_s = math.log(4 / 5)
    spread = Z95 * math.sqrt(1 / 20) / abs(log_s)
    assert everyone["lower"][1] == pytest.approx(math.exp(-math.exp(math.log(-log_s) + spread)))
    assert everyone["upper"][1] == pytest.approx(math.exp(-math.exp(math.log(-log_s) - spread)))
    assert curves["pro"]["survival"] == pytest.approx([1, 1 / 2, 0])  # B and D
    assert curves["pro"]["median_months"] == 2
    assert curves["standard"]["survival"] == [1.0]  # A, C and E all still paying
    assert curves["standard"]["median_months"] is None

    projection = body["projection"]
    assert projection["customers"] == 5
    assert projection["observed"] == pytest.approx([1, 1, 0.8, 0.6, 0.6, 0.6])
    assert projection["payment_per_period"] == pytest.approx((10 + 20 + 30 + 10 + 60) * 1000 / 5)
    alpha, beta = projection["alpha"], projection["beta"]

    def survival(t: int, a: float = alpha, b: float = beta) -> float:
        return math.exp(betaln(a, b + t) - betaln(a, b))

    def log_likelihood(a: float, b: float) -> float:
        """Churns in periods 2 (B) and 3 (D); censored after 4 (E) and 5 (A, C)."""
        churn = [math.log(survival(t - 1, a, b) - survival(t, a, b)) for t in (2, 3)]
        return sum(churn) + math.log(survival(4, a, b)) + 2 * math.log(survival(5, a, b))

    assert projection["log_likelihood"] == pytest.approx(log_likelihood(alpha, beta))
    for da, db in ((1.05, 1), (0.95, 1), (1, 1.05), (1, 0.95)):
        assert log_likelihood(alpha * da, beta * db) <= projection["log_likelihood"] + 1e-9
    assert projection["projected"][:6] == pytest.approx([survival(t) for t in range(6)])
    assert len(projection["projected"]) == 6 + 24
    # CLV = margin x payment x sum_t S(t) / (1 + d)^t, d the monthly rate of 12% a year.
    monthly = 1.12 ** (1 / 12) - 1
    lifetime = sum(survival(t) / (1 + monthly) ** t for t in range(3000))
    assert projection["discounted_lifetime"] == pytest.approx(lifetime, rel=1e-6)
    assert projection["clv"] == pytest.approx(0.5 * 26_000 * lifetime, rel=1e-6)
    # No standard customer has left: nothing to fit.
    by_plan = {line["group"]: line for line in body["projections"]}
    assert by_plan["standard"]["alpha"] is None
    assert by_plan["standard"]["error"] == "no customer has left yet, so churn cannot be estimated"

    tiers = api.get("/reports/survival", params={**params, "by": "tier"}).json()
    # No tier was recorded: each takes the tier of its last paid MRR under the default
    # thresholds (low touch from 600,000 a year): E (60,000 a month) low, the others tech.
    assert {c["group"]: c["customers"] for c in tiers["curves"]} == {
        "all": 5, "low_touch": 1, "tech_touch": 4
    }  # fmt: skip
    tech = next(c for c in tiers["curves"] if c["group"] == "tech_touch")
    assert tech["survival"] == pytest.approx([1, 3 / 4, 1 / 2])
    assert tech["median_months"] == 3


def _wilson_lower(successes: int, trials: int) -> float:
    p = successes / trials
    centre = p + Z95**2 / (2 * trials)
    spread = Z95 * math.sqrt(p * (1 - p) / trials + Z95**2 / (4 * trials**2))
    return (centre - spread) / (1 + Z95**2 / trials)


def test_renewal_forecast(forecast_example: None, api: httpx.Client) -> None:
    body = api.get("/reports/forecast", params={"as_of": AS_OF.isoformat()}).json()
    rates = {rate["grade"]: rate for rate in body["grades"]}
    assert (rates["healthy"]["renewals"], rates["healthy"]["renewed"]) == (2, 2)  # G, J
    assert (rates["at_risk"]["renewals"], rates["at_risk"]["renewed"]) == (1, 0)  # H
    assert rates["healthy"]["lower_bound"] == pytest.approx(_wilson_lower(2, 2))
    assert rates["neutral"]["pooled"] is True  # no history: all three renewals, 2 renewed
    assert rates["neutral"]["rate_used"] == pytest.approx(2 / 3)
    assert rates["neutral"]["lower_bound"] == pytest.approx(_wilson_lower(2, 3))
    # K 240,000 in August (neutral), G 180,000 in January (healthy), J 120,000 in February
    # (at risk on the as-of day).
    assert [r["account_external_id"] for r in body["renewals"]] == ["K", "G", "J"]
    assert [r["arr"] for r in body["renewals"]] == [240_000, 180_000, 120_000]
    total = body["total"]
    assert (total["renewals"], total["best"]) == (3, 540_000)
    assert total["expected"] == 180_000 + 160_000  # 180,000 x 1 + 120,000 x 0 + 240,000 x 2/3
    worst = 180_000 * _wilson_lower(2, 2) + 240_000 * _wilson_lower(2, 3)
    assert total["worst"] == math.floor(worst + 0.5)
    months = {m["month"]: m for m in body["months"]}
    assert len(months) == 12
    assert months["2026-08-01"]["expected"] == 160_000
    assert months["2027-01-01"]["best"] == 180_000
    assert months["2027-02-01"]["expected"] == 0
    assert months["2026-06-01"]["renewals"] == 0


@pytest.fixture
def renewal_segment(forecast_example: None, session: Session) -> int:
    """K and J are in the segment now; G left it."""
    accounts = {a.external_id: a.id for a in session.query(Account)}
    segment = Segment(name="更新要確認", definition={"all": []})
    session.add(segment)
    session.flush()
    for name, left_on in (("K", None), ("J", None), ("G", date(2026, 6, 1))):
        session.add(
            SegmentMembership(
                segment_id=segment.id, account_id=accounts[name], entered_on=date(2026, 5, 1),
                left_on=left_on,
            )
        )  # fmt: skip
    session.commit()
    return segment.id


def test_renewal_forecast_of_a_segment(
    renewal_segment: int, api: httpx.Client, live_server: LiveServer, session: Session
) -> None:
    params = {"as_of": AS_OF.isoformat(), "segment": str(renewal_segment)}
    body = api.get("/reports/forecast", params=params).json()
    assert body["segment"] == {"id": renewal_segment, "name": "更新要確認"}
    assert [r["account_external_id"] for r in body["renewals"]] == ["K", "J"]
    # The rates still come from every past renewal (G, H and J), not the segment's own.
    rates = {rate["grade"]: rate for rate in body["grades"]}
    assert (rates["healthy"]["renewals"], rates["healthy"]["renewed"]) == (2, 2)
    assert rates["neutral"]["rate_used"] == pytest.approx(2 / 3)
    # K 240,000 (neutral, 2/3) and J 120,000 (at risk, 0/1).
    assert (body["total"]["renewals"], body["total"]["best"]) == (2, 360_000)
    assert body["total"]["expected"] == 160_000
    assert (
        api.get("/reports/forecast", params={"as_of": AS_OF.isoformat()}).json()["segment"] is None
    )

    user = create_user(session, email="segment-viewer@example.com", role="viewer")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "ja"}) as client:
        sign_in(client, user.email, PASSWORD)
        page = client.get("/reports/forecast", params=params)
        assert page.status_code == 200
        assert "現在「更新要確認」に含まれる顧客の更新だけを表示しています。" in page.text
        assert f'<option value="{renewal_segment}" selected>更新要確認</option>' in page.text
        assert "株式会社G" not in page.text
        csv = client.get(
            "/reports/forecast", params={**params, "format": "csv", "table": "renewals"}
        )
        assert len(csv.content.decode("utf-8-sig").splitlines()) == 1 + 2
        workbook = client.get("/reports/forecast", params={**params, "format": "xlsx"})
        assert f"segment-{renewal_segment}" in workbook.headers["content-disposition"]
        first = load_workbook(io.BytesIO(workbook.content)).worksheets[0]
        assert first["A1"].value == "更新予測 2026-06-30 · セグメント: 更新要確認"

    shown = CliRunner().invoke(
        app, ["report", "forecast", "--as-of", AS_OF.isoformat(), "--segment", str(renewal_segment)]
    )
    assert shown.exit_code == 0, shown.output
    assert "￥360,000" in shown.output
    assert "現在「更新要確認」に含まれる顧客の更新だけを表示しています。" in shown.output
    refused = CliRunner().invoke(app, ["report", "forecast", "--segment", "999"])
    assert refused.exit_code == 1
    assert "segment: " in refused.output


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/reports/forecast", {"segment": "999"}, "segment"),
        ("/reports/forecast", {"segment": "²"}, "segment"),
        ("/reports/forecast", {"segment": "99999999999999999999"}, "segment"),
        ("/reports/cohorts", {"grain": "week"}, "grain"),
        ("/reports/cohorts", {"months": 1}, "months"),
        ("/reports/survival", {"by": "region"}, "by"),
        ("/reports/survival", {"period_months": 2}, "period_months"),
        ("/reports/survival", {"periods": 0}, "periods"),
        ("/reports/survival", {"cohort": "2026-13"}, "cohort"),
        ("/reports/forecast", {"horizon": 37}, "horizon"),
        ("/reports/forecast", {"lookback": 0}, "lookback"),
        ("/reports/forecast", {"lead_days": -1}, "lead_days"),
    ],
)
def test_bad_parameters_name_the_field(
    cohorts_example: None, api: httpx.Client, path: str, params: dict, field: str
) -> None:
    response = api.get(path, params=params)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert str(params[field]) in error["message"]


def test_bad_parameters_in_japanese(cohorts_example: None, api: httpx.Client) -> None:
    response = api.get(
        "/reports/forecast", params={"horizon": 37}, headers={"accept-language": "ja"}
    )
    assert (
        response.json()["detail"] == "horizon: 37 は範囲外です。1 から 36 までの値にしてください。"
    )
    response = api.get(
        "/reports/cohorts", params={"grain": "week"}, headers={"accept-language": "ja"}
    )
    assert response.json()["detail"].startswith("grain: week は使えません。")


BAD_CLV = [
    (
        "gross_margin = 1.5",
        "config.toml clv.gross_margin: must be above 0 and at most 1, not 1.5",
        "config.toml の clv.gross_margin: 0 より大きく 1 以下にしてください（1.5 は範囲外です）",
    ),
    (
        'annual_discount_rate = "ten"',
        "config.toml clv.annual_discount_rate: must be a number such as 0.1, not ten",
        "config.toml の clv.annual_discount_rate: 0.1 のような数値にしてください"
        "（ten は使えません）",
    ),
    (
        "margin = 0.8",
        "config.toml clv.margin: is not a lifetime-value setting; use annual_discount_rate, "
        "gross_margin",
        "config.toml の clv.margin: LTV の設定項目ではありません。"
        "使える項目: annual_discount_rate, gross_margin",
    ),
]


@pytest.mark.parametrize(("config", "english", "japanese"), BAD_CLV)
def test_bad_clv_config_names_the_field(
    cohorts_example: None, settings: Settings, api: httpx.Client, config: str, english: str,
    japanese: str,
) -> None:  # fmt: skip
    _write_config(settings, f"[clv]\n{config}\n")
    response = api.get("/reports/survival")
    assert response.status_code == 400
    assert response.json()["title"] == "config.toml [clv] is not valid."
    assert response.json()["detail"] == english
    response = api.get("/reports/survival", headers={"accept-language": "ja"})
    assert response.json()["detail"] == japanese
    assert api.get("/reports/forecast").status_code == 200  # the forecast does not use it


def test_cli(cohorts_example: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    summary = tmp_path / "summary.csv"
    result = runner.invoke(
        app, ["report", "cohorts", "--as-of", AS_OF.isoformat(), "--months", "6", "--by", "plan",
              "--export", str(summary), "--table", "survival_summary"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = summary.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "プラン,顧客数,解約数,生存期間の中央値（月）,12 か月時点の生存率"
    assert lines[1:] == ["全顧客,5,2,,", "pro,2,2,2,", "standard,3,0,,"]

    shown = runner.invoke(app, ["report", "cohorts", "--as-of", AS_OF.isoformat(), "--months", "6"])
    assert shown.exit_code == 0, shown.output
    assert "開始コホート別の顧客継続率" in shown.output
    assert "66.7%" in shown.output

    book = tmp_path / "forecast.xlsx"
    result = runner.invoke(
        app, ["report", "forecast", "--as-of", AS_OF.isoformat(), "--export", str(book)]
    )
    assert result.exit_code == 0, result.output
    assert len(load_workbook(io.BytesIO(book.read_bytes())).sheetnames) == 4

    refused = runner.invoke(app, ["report", "forecast", "--horizon", "0"])
    assert refused.exit_code == 1
    assert "horizon: 0 は範囲外です" in refused.output
    monkeypatch.setenv("HATAKE_DEFAULT_LOCALE", "en")
    refused = runner.invoke(app, ["report", "cohorts", "--period-months", "2"])
    assert refused.exit_code == 1
    assert "period_months: 2 is not 1, 3 or 12." in refused.output
    refused = runner.invoke(app, ["report", "cohorts", "--export", str(tmp_path / "x.pdf")])
    assert refused.exit_code == 2
    assert "--export" in refused.output
    refused = runner.invoke(
        app, ["report", "forecast", "--export", str(tmp_path / "x.csv"), "--table", "nope"]
    )
    assert refused.exit_code == 2
    assert "--table: nope is not a table; the tables are: by_month, grade_rates" in refused.output
    assert not (tmp_path / "x.csv").exists()


def test_help_does_not_import_the_models() -> None:
    """SciPy's optimiser and lifelines load only when a cohort report runs."""
    import subprocess
    import sys

    script = (
        "import sys\nimport hatake.cli\n"
        "assert 'lifelines' not in sys.modules\n"
        "assert 'hatake.revenue.sbg' not in sys.modules\n"
        "assert 'hatake.revenue.cohort_service' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


def test_a_grade_the_definition_does_not_list_keeps_its_own_row(
    forecast_example: None, settings: Settings, session: Session, api: httpx.Client
) -> None:
    """A stored grade key the active definition no longer has (K's today) is a row of its
    own, with the pooled rate, rather than a failed report."""
    runtime = open_runtime(settings)
    try:
        runtime.analytics().con.execute(
            f"UPDATE {snapshots.SCORES_TABLE} SET grade = 'legacy' WHERE account_id = 'K'"
        )
    finally:
        runtime.close()
    body = api.get("/reports/forecast", params={"as_of": AS_OF.isoformat()}).json()
    rates = {rate["grade"]: rate for rate in body["grades"]}
    assert rates["legacy"]["pooled"] is True
    assert rates["legacy"]["rate_used"] == pytest.approx(2 / 3)
    assert body["total"]["expected"] == 180_000 + 160_000
    assert [s["expected"] for s in body["by_grade"]["legacy"] if s["renewals"]] == [160_000]


def test_forecast_page_lists_the_soonest_renewals(
    forecast_example: None, live_server: LiveServer, session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(forecast_views, "PAGE_RENEWALS", 2)
    user = create_user(session, email="viewer@example.com", role="viewer")
    session.commit()
    with httpx.Client(base_url=live_server.url, headers={"accept-language": "ja"}) as client:
        sign_in(client, user.email, PASSWORD)
        page = client.get("/reports/forecast", params={"as_of": AS_OF.isoformat()})
        assert page.status_code == 200
        assert "3 件のうち、終了日の近い 2 件を表示しています。" in page.text
        assert "株式会社K" in page.text
        assert "株式会社G" in page.text
        assert "株式会社J" not in page.text
        assert "￥540,000" in page.text  # the totals still count all three
        csv = client.get(
            "/reports/forecast",
            params={"as_of": AS_OF.isoformat(), "format": "csv", "table": "renewals"},
        )
        assert len(csv.content.decode("utf-8-sig").splitlines()) == 1 + 3
