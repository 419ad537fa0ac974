"""load_mrr reads subscriptions on both backends and converts currencies with config rates."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.revenue.retention_service import parse_query, retention_report
from hatake.revenue.revenue_service import load_mrr
from tests.helpers import create_account, create_subscription


def test_load_mrr_converts_and_reports_what_it_leaves_out(
    session: Session, settings: Settings
) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[revenue.rates]\nUSD = 150.0\n")
    yen = create_account(session, external_id="A-1")
    dollars = create_account(session, external_id="A-2")
    euros = create_account(session, external_id="A-3")
    create_subscription(session, yen, external_id="S-1", mrr_minor=50_000, status="ended",
                        start_date=date(2026, 1, 1), end_date=date(2026, 5, 15))  # fmt: skip
    create_subscription(session, yen, external_id="S-2", plan="pro", mrr_minor=80_000,
                        start_date=date(2026, 5, 15))  # fmt: skip
    create_subscription(session, dollars, external_id="S-3", mrr_minor=10_000, currency="USD",
                        start_date=date(2026, 3, 15), billing_period="annual")  # fmt: skip
    create_subscription(session, euros, external_id="S-4", mrr_minor=9_900, currency="EUR",
                        start_date=date(2026, 3, 1))  # fmt: skip

    table = load_mrr(session, settings, date(2026, 3, 1), date(2026, 6, 30))

    assert table.months == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert table.currency == "JPY"
    assert table.account_ids.tolist() == [yen.id, dollars.id]
    assert table.mrr.tolist() == [[50_000, 50_000, 80_000, 80_000], [15_000] * 4]
    assert table.first_paid == [date(2026, 1, 1), date(2026, 3, 1)]
    assert [(e.external_id, e.field, e.value) for e in table.excluded] == [
        ("S-4", "currency", "EUR")
    ]


def test_a_home_without_subscriptions_reports_zeros(session: Session, settings: Settings) -> None:
    query = parse_query(
        session, grain="quarter", first=None, last=None, by="plan", today=date(2026, 11, 24)
    )
    report = retention_report(session, settings, query)
    assert [row.period.key for row in report.whole][-1] == "FY2026-Q3"
    assert report.whole[-1].partial  # October only
    assert all(row.figures.opening_mrr == 0 and row.figures.grr is None for row in report.whole)
    assert report.groups == []
    assert report.excluded == []
