"""The accounts list query: search, filters, sorting and paging, on both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.accounts.repository import AccountFilter, portfolio_counts, search_accounts
from tests.helpers import create_account, create_contact, create_subscription, create_user


def _book(session: Session) -> dict[str, int]:
    sato = create_user(session, name="佐藤")
    tanaka = create_user(session, name="田中")
    alpha = create_account(
        session,
        name="アルファ建設",
        external_id="A-1",
        owner_id=sato.id,
        industry="建設業",
        employee_count=10,
    )
    beta = create_account(
        session,
        name="ベータ不動産",
        external_id="B-1",
        owner_id=tanaka.id,
        industry="不動産",
        employee_count=300,
    )
    gamma = create_account(
        session,
        name="ガンマ工業",
        external_id="C-1",
        owner_id=sato.id,
        status="churned",
        employee_count=None,
        industry="製造業",
    )
    create_subscription(session, alpha, plan="standard", mrr_minor=30000)
    create_subscription(session, beta, plan="pro", mrr_minor=120000)
    create_subscription(
        session,
        beta,
        plan="standard",
        mrr_minor=10000,
        status="ended",
        start_date=date(2024, 1, 1),
        end_date=date(2025, 3, 31),
    )
    create_subscription(session, gamma, plan="standard", mrr_minor=20000, status="cancelled")
    for _ in range(3):
        create_contact(session, alpha)
    create_contact(session, alpha, deactivated_on=date(2026, 1, 1))
    return {"sato": sato.id, "tanaka": tanaka.id}


def _names(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [row.account.name for row in rows]


def test_search_matches_name_external_id_and_industry(session: Session) -> None:
    _book(session)
    assert _names(search_accounts(session, filters=AccountFilter(search="建設"))[0]) == [
        "アルファ建設"
    ]
    assert _names(search_accounts(session, filters=AccountFilter(search="b-1"))[0]) == [
        "ベータ不動産"
    ]
    assert _names(search_accounts(session, filters=AccountFilter(search="不動産"))[0]) == [
        "ベータ不動産"
    ]


def test_filters_combine(session: Session) -> None:
    users = _book(session)
    rows, total = search_accounts(session, filters=AccountFilter(owner_id=users["sato"]))
    assert total == 2
    rows, total = search_accounts(
        session, filters=AccountFilter(owner_id=users["sato"], status="active")
    )
    assert (_names(rows), total) == (["アルファ建設"], 1)
    rows, total = search_accounts(session, filters=AccountFilter(plan="pro"))
    assert (_names(rows), total) == (["ベータ不動産"], 1)


def test_rows_carry_current_plan_mrr_and_active_ids(session: Session) -> None:
    _book(session)
    rows, _total = search_accounts(session, filters=AccountFilter(), sort="mrr", descending=True)
    assert [(r.account.external_id, r.plan, r.mrr_minor, r.active_users) for r in rows] == [
        ("B-1", "pro", 120000, 0),
        ("A-1", "standard", 30000, 3),
        ("C-1", None, None, 0),
    ]


def test_sorting_and_paging(session: Session) -> None:
    _book(session)
    rows, total = search_accounts(
        session, filters=AccountFilter(), sort="employee_count", descending=True, limit=2
    )
    assert (_names(rows), total) == (["ベータ不動産", "アルファ建設"], 3)
    rows, _ = search_accounts(
        session,
        filters=AccountFilter(),
        sort="employee_count",
        descending=True,
        offset=2,
        limit=2,
    )
    assert _names(rows) == ["ガンマ工業"]


def test_portfolio_counts(session: Session) -> None:
    _book(session)
    counts = portfolio_counts(session, currency="JPY")
    assert (counts.active_accounts, counts.churned_accounts) == (2, 1)
    assert counts.total_mrr_minor == 150000  # active terms only: 30,000 + 120,000
    assert counts.active_contacts == 3
