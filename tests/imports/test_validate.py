"""Validation of whole tables, without a database: the references arrive in a Context."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from hatake.core.settings import CustomFieldDef
from hatake.imports import messages
from hatake.imports.reader import read_table
from hatake.imports.report import ImportIssue
from hatake.imports.specs import BILLING_PERIOD, SUBSCRIPTION_STATUS, spec_for
from hatake.imports.validate import (
    ContactRef,
    Context,
    ValidRow,
    resolve_columns,
    validate_rows,
)
from tests.imports.files import csv_bytes

CONTEXT = Context(
    accounts={"A-001": 1, "A-002": 2},
    contacts={"C-001": ContactRef(10, 1, "A-001")},
    users={"csm@example.com": 7},
)


def check(
    entity: str,
    rows: list[list[object]],
    *,
    context: Context = CONTEXT,
    mapping: dict[str, str] | None = None,
    custom: tuple[CustomFieldDef, ...] = (),
) -> tuple[list[ValidRow], list[ImportIssue]]:
    spec = spec_for(entity, custom)
    table = read_table(csv_bytes(rows), f"{entity}.csv")
    plan = resolve_columns(table, spec, mapping)
    valid, issues = validate_rows(table, plan, spec, context)
    return valid, [*plan.issues, *issues]


def located(issues: list[ImportIssue]) -> list[tuple[int | None, str | None, str | None, str]]:
    return [(i.row, i.column, i.value, i.reason("en")) for i in issues]


def test_headers_match_keys_and_japanese_labels_loosely() -> None:
    valid, issues = check(
        "accounts",
        [
            [" External ID ", "会社名", "ＣＳプラン", "Employee-Count"],
            ["A-1", "カブ", "ベーシック", "12"],
        ],
    )
    assert issues == []
    assert valid[0].values == {
        "external_id": "A-1",
        "name": "カブ",
        "cs_plan": "ベーシック",
        "employee_count": 12,
        "industry": None,
        "owner_id": None,
        "start_date": None,
        "status": "active",
    }


def test_column_problems_are_all_reported() -> None:
    _valid, issues = check(
        "subscriptions",
        [["external_id", "plan", "plan", "colour", "", "mrr"], ["S-1", "a", "b", "red", "x", "1"]],
    )
    assert located(issues) == [
        (None, "plan", None, "This column and column plan both give plan."),
        (
            None,
            "colour",
            None,
            "Not a column of subscriptions; use one of: external_id (外部ID), "
            "account_external_id (顧客外部ID), plan (プラン), mrr (月額(MRR)), currency (通貨), "
            "seats (席数), start_date (開始日), end_date (終了日), status (ステータス), "
            "billing_period (請求周期).",
        ),
        (None, "E", None, "This column has values but no header."),
        (
            None,
            "account_external_id",
            None,
            "Required column account_external_id (顧客外部ID) is missing.",
        ),
        (None, "start_date", None, "Required column start_date (開始日) is missing."),
    ]


def test_mapping_renames_columns_and_rejects_unknown_targets() -> None:
    valid, issues = check(
        "contacts",
        [["ID", "会社コード", "お名前", "Memo"], ["C-1", "A-001", "山田", "x"]],
        mapping={
            "ID": "external_id",
            "会社コード": "account_external_id",
            "お名前": "name",
            "memo": "notes",
        },
    )
    assert located(issues) == [
        (
            None,
            "Memo",
            None,
            "The mapping sends this column to notes, which is not a field of contacts; use one of: "
            "external_id, account_external_id, name, email, role, is_champion, created_on, "
            "deactivated_on.",
        )
    ]
    assert valid[0].values["account_id"] == 1


def test_every_problem_in_every_row_is_reported() -> None:
    _valid, issues = check(
        "tickets",
        [
            [
                "external_id",
                "account_external_id",
                "contact_external_id",
                "opened_at",
                "first_response_at",
                "csat",
                "issue_type",
            ],
            ["K-1", "A-002", "C-001", "2026-04-12 10:00", "2026-04-12 09:00", "6", "bug"],
            ["K-1", "A-404", "", "", "", "", ""],
        ],
    )
    assert located(issues) == [
        (
            2,
            "contact_external_id",
            "C-001",
            "Contact C-001 belongs to account A-001, not to A-002.",
        ),
        (
            2,
            "first_response_at",
            "2026-04-12 09:00",
            "Must not be before opened_at (2026-04-12 10:00).",
        ),
        (2, "csat", "6", "Must be between 1 and 5."),
        (
            2,
            "issue_type",
            "bug",
            "Not an accepted value; use one of: functional (機能), operational (運用).",
        ),
        (
            3,
            "account_external_id",
            "A-404",
            "No account has the external ID A-404; import the accounts first.",
        ),
        (3, "opened_at", "", "A value is required."),
        (3, "external_id", "K-1", "The external ID K-1 is also in row 2; each row needs its own."),
    ]


def test_unknown_user_and_bad_email() -> None:
    _valid, issues = check(
        "accounts",
        [
            ["external_id", "name", "owner_email"],
            ["A-1", "x", "nobody@example.com"],
            ["A-2", "y", "csm"],
            ["A-3", "z", "CSM@Example.com"],
        ],
    )
    assert located(issues) == [
        (
            2,
            "owner_email",
            "nobody@example.com",
            "No team user has the email nobody@example.com; add the user first.",
        ),
        (3, "owner_email", "csm", "Not an email address."),
    ]


def test_order_is_checked_against_the_stored_value_of_a_missing_column() -> None:
    stored = {
        "S-1": {"start_date": date(2026, 4, 1), "end_date": date(2027, 3, 31), "currency": "USD"}
    }
    context = Context(accounts=CONTEXT.accounts, existing=stored)
    valid, issues = check(
        "subscriptions",
        [
            ["external_id", "account_external_id", "plan", "mrr", "start_date"],
            ["S-1", "A-001", "pro", "10.50", "2027-04-01"],
        ],
        context=context,
    )
    assert located(issues) == [
        (2, "start_date", "2027-04-01", "Must not be after end_date (2027-03-31)."),
    ]
    valid, issues = check(
        "subscriptions",
        [
            ["external_id", "account_external_id", "plan", "mrr", "start_date"],
            ["S-1", "A-001", "pro", "10.50", "2026-05-01"],
        ],
        context=context,
    )
    # The stored currency (USD) applies when the file has no currency column.
    assert issues == []
    assert valid[0].values["mrr_minor"] == 1050
    assert "currency" not in valid[0].values


def test_new_rows_get_defaults_for_absent_columns() -> None:
    context = Context(accounts=CONTEXT.accounts, default_currency="EUR")
    valid, issues = check(
        "subscriptions",
        [
            ["external_id", "account_external_id", "plan", "mrr", "start_date"],
            ["S-9", "A-001", "pro", "€1,000.5", "2026-05-01"],
        ],
        context=context,
    )
    assert issues == []
    assert valid[0].values == {
        "external_id": "S-9",
        "account_id": 1,
        "plan": "pro",
        "mrr_minor": 100050,
        "start_date": date(2026, 5, 1),
        "currency": "EUR",
        "seats": None,
        "end_date": None,
        "status": "active",
        "billing_period": "monthly",
    }


def test_custom_fields_by_key_or_label() -> None:
    custom = (
        CustomFieldDef(
            key="region",
            type="category",
            label_ja="地域",
            label_en="Region",
            choices=["関東", "関西"],
        ),
        CustomFieldDef(key="arr_target", type="number", label_ja="目標ARR", label_en="ARR target"),
        CustomFieldDef(key="renewal", type="date", label_ja="更新日", label_en="Renewal"),
        CustomFieldDef(key="memo", type="text", label_ja="メモ", label_en="Memo"),
    )
    valid, issues = check(
        "accounts",
        [
            ["external_id", "name", "地域", "ARR target", "renewal", "memo"],
            ["A-1", "x", "関西", "1,200.5", "2027/3/31", ""],
            ["A-2", "y", "九州", "many", "soon", "z"],
        ],
        custom=custom,
    )
    assert valid[0].custom == {
        "region": "関西",
        "arr_target": 1200.5,
        "renewal": "2027-03-31",
        "memo": None,
    }
    assert located(issues) == [
        (3, "地域", "九州", "Not an accepted value; use one of: 関東, 関西."),
        (3, "ARR target", "many", "Not a number."),
        (3, "renewal", "soon", "Not a date; write it like 2026-04-01 or 2026/4/1."),
    ]


def test_survey_response_takes_the_account_of_its_contact() -> None:
    valid, issues = check(
        "survey_responses",
        [["外部ID", "コンタクト外部ID", "回答日", "NPS"], ["N-1", "C-001", "2026/4/20", "９"]],
    )
    assert issues == []
    assert valid[0].values == {
        "external_id": "N-1",
        "contact_id": 10,
        "account_id": 1,
        "responded_on": date(2026, 4, 20),
        "nps": 9,
        "comment": None,
    }


@st.composite
def subscription_rows(draw: st.DrawFn) -> tuple[list[object], dict[str, object]]:
    plan = draw(
        st.text(
            st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
            min_size=1,
            max_size=100,
        )
    )
    mrr = draw(st.integers(0, 10**10))
    seats = draw(st.none() | st.integers(0, 10**6))
    start = draw(st.dates(date(2000, 1, 1), date(2100, 1, 1)))
    end = draw(st.none() | st.dates(start, date(2101, 1, 1)))
    status = draw(st.sampled_from(SUBSCRIPTION_STATUS))
    billing = draw(st.sampled_from(BILLING_PERIOD))
    cells: list[object] = [
        "S-1",
        "A-001",
        plan,
        draw(st.sampled_from([str(mrr), f"{mrr:,}", f"¥{mrr:,}", f"{mrr:,}円"])),
        "" if seats is None else str(seats),
        draw(st.sampled_from([start.isoformat(), f"{start.year}/{start.month}/{start.day}"])),
        "" if end is None else end.strftime("%Y/%m/%d"),
        draw(st.sampled_from((status.value, *status.words))),
        draw(st.sampled_from((billing.value, *billing.words))),
    ]
    expected: dict[str, object] = {
        "external_id": "S-1",
        "account_id": 1,
        "plan": plan,
        "mrr_minor": mrr,
        "seats": seats,
        "start_date": start,
        "end_date": end,
        "status": status.value,
        "billing_period": billing.value,
        "currency": "JPY",
    }
    return cells, expected


@given(subscription_rows())
def test_any_valid_row_round_trips_through_csv(row: tuple[list[object], dict[str, object]]) -> None:
    cells, expected = row
    headers = [
        "external_id",
        "account_external_id",
        "plan",
        "mrr",
        "seats",
        "start_date",
        "end_date",
        "status",
        "billing_period",
    ]
    valid, issues = check("subscriptions", [headers, cells])
    assert issues == []
    assert valid[0].values == expected


def test_messages_name_the_field_of_a_failing_row() -> None:
    _valid, issues = check(
        "subscriptions",
        [
            ["external_id", "account_external_id", "plan", "mrr", "currency", "start_date"],
            ["S-1", "A-001", "p", "1.5", "JPY", "2026-04-01"],
            ["S-2", "A-001", "p", "-5", "YEN", "2026-04-01"],
        ],
    )
    assert [(i.row, i.column, i.message_key) for i in issues] == [
        (2, "mrr", messages.DECIMALS),
        (3, "mrr", messages.AT_LEAST),
        (3, "currency", messages.BAD_CURRENCY),
    ]
