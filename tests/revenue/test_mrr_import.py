"""A subscriptions import refuses what the revenue reports could not count: a currency without
an exchange rate and a term overlapping another of the same plan (in the file or stored), with
the file, row, column, value and reason in English and Japanese, and writes nothing. Negative
amounts and end dates before the start are refused by the row rules (tests/imports)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Subscription
from hatake.core.settings import Settings
from hatake.imports.report import ImportFailed
from hatake.imports.service import run_import
from tests.helpers import create_account, create_subscription
from tests.imports.files import issues, write_csv

HEADER = ["外部ID", "顧客外部ID", "プラン", "月額(MRR)", "通貨", "開始日", "終了日", "ステータス"]


@pytest.fixture
def accounts(session: Session, settings: Settings) -> dict[str, Any]:
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text("[revenue.rates]\nUSD = 150.0\n")
    found = {key: create_account(session, external_id=key) for key in ("A-1", "A-2")}
    session.commit()
    return found


def _run(session: Session, settings: Settings, path: Path) -> None:
    try:
        run_import(session, entity="subscriptions", path=path, settings=settings)
    except BaseException:
        session.rollback()
        raise
    session.commit()


def _refused(session: Session, settings: Settings, path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as raised:
        _run(session, settings, path)
    return raised.value


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Subscription)) or 0


def test_no_rate_and_overlaps_in_the_file(
    session: Session, settings: Settings, accounts: dict[str, Any], tmp_path: Path
) -> None:
    rows = [
        HEADER,
        ["S-1", "A-1", "standard", "50000", "", "2026-04-01", "2027-03-31", "active"],
        ["S-2", "A-1", "standard", "60000", "JPY", "2026-10-01", "", "active"],
        # A renewal: it follows S-1, the term kept (S-2 is refused, as the reports leave it out)
        ["S-3", "A-1", "standard", "55000", "", "2027-04-01", "", "active"],
        ["S-4", "A-2", "standard", "$120.00", "usd", "2026-04-01", "", "active"],
        ["S-5", "A-2", "addon", "€99.00", "EUR", "2026-04-01", "", "active"],
    ]
    failure = _refused(session, settings, write_csv(tmp_path / "subs.csv", rows))
    assert issues(failure) == [
        ("subs.csv", 3, "開始日", "2026-10-01",
         "Overlaps S-1 of the same plan (standard), which runs from 2026-04-01 to 2027-03-31.",
         "同じプラン（standard）の契約 S-1（2026-04-01〜2027-03-31）と期間が重なっています。"),
        ("subs.csv", 6, "通貨", "EUR",
         "No exchange rate for EUR: add it under [revenue.rates] in config.toml.",
         "EUR の為替レートがありません。config.toml の [revenue.rates] に追加してください。"),
    ]  # fmt: skip
    assert _count(session) == 0


def test_overlap_with_a_stored_term_either_way(
    session: Session, settings: Settings, accounts: dict[str, Any], tmp_path: Path
) -> None:
    create_subscription(session, accounts["A-2"], external_id="OLD-1", plan="pro",
                        start_date=date(2026, 1, 1))  # fmt: skip
    create_subscription(session, accounts["A-1"], external_id="OLD-2", plan="lite",
                        start_date=date(2026, 6, 1))  # fmt: skip
    session.commit()
    rows = [
        HEADER,
        ["S-10", "A-2", "pro", "80000", "", "2026-06-01", "", "active"],
        ["S-11", "A-1", "lite", "9000", "", "2026-01-01", "2026-12-31", "active"],
    ]
    failure = _refused(session, settings, write_csv(tmp_path / "subs.csv", rows))
    assert [(i.row, i.column, i.value, i.reason("en")) for i in failure.issues] == [
        (2, "開始日", "2026-06-01",
         "Overlaps OLD-1 of the same plan (pro), which runs from 2026-01-01 to —."),
        (3, "開始日", "2026-01-01",
         "Overlaps OLD-2 of the same plan (lite), which runs from 2026-06-01 to —."),
    ]  # fmt: skip
    assert _count(session) == 2


def test_updating_a_stored_term_is_not_an_overlap_with_itself(
    session: Session, settings: Settings, accounts: dict[str, Any], tmp_path: Path
) -> None:
    rows = [HEADER, ["S-1", "A-1", "standard", "50000", "", "2026-04-01", "", "active"]]
    _run(session, settings, write_csv(tmp_path / "subs.csv", rows))
    rows[1][6] = "2027-03-31"  # the end date is set later
    rows.append(["S-2", "A-1", "standard", "60000", "", "2027-04-01", "", "active"])
    _run(session, settings, write_csv(tmp_path / "subs2.csv", rows))
    assert _count(session) == 2
