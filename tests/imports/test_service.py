"""The import use case on SQLite and PostgreSQL: stored values, upsert, all or nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.core.db import Base
from hatake.core.settings import Settings
from hatake.coverage.models import Touchpoint
from hatake.imports.report import ImportFailed
from hatake.support.models import Ticket
from hatake.team import service as team_service
from hatake.team.models import User
from hatake.voc.models import SurveyResponse
from tests.helpers import create_account, create_contact
from tests.imports.conftest import Importer
from tests.imports.files import issues, write_csv, write_xlsx

GOOD: dict[str, list[list[object]]] = {
    "accounts": [
        [
            "外部ID",
            "会社名",
            "業種",
            "従業員数",
            "担当者メール",
            "CSプラン",
            "契約開始日",
            "ステータス",
        ],
        [
            "A-101",
            "株式会社カブ",
            "製造業",
            "1,200",
            "CSM@example.com",
            "ベーシック",
            "2026/4/1",
            "有効",
        ],
        ["A-102", "髙橋商事", "", "", "", "", "", "解約"],
    ],
    "contacts": [
        [
            "external_id",
            "account_external_id",
            "name",
            "email",
            "role",
            "is_champion",
            "created_on",
            "deactivated_on",
        ],
        ["C-101", "A-001", "山田 花子", "hanako@example.co.jp", "部長", "○", "2026-04-01", ""],
        ["C-102", "A-002", "鈴木 一郎", "", "", "×", "2026/4/2", "2026/9/30"],
    ],
    "subscriptions": [
        [
            "外部ID",
            "顧客外部ID",
            "プラン",
            "月額(MRR)",
            "通貨",
            "席数",
            "開始日",
            "終了日",
            "ステータス",
            "請求周期",
        ],
        [
            "S-101",
            "A-001",
            "スタンダード",
            "¥50,000",
            "",
            "20",
            "2026/4/1",
            "2027/3/31",
            "有効",
            "年次",
        ],
        ["S-102", "A-002", "Pro", "$1,200.50", "usd", "", "2026-05-01", "", "cancelled", "monthly"],
    ],
    "touchpoints": [
        [
            "外部ID",
            "顧客外部ID",
            "コンタクト外部ID",
            "担当者メール",
            "チャネル",
            "日時",
            "要約",
            "有効接触",
        ],
        [
            "T-101",
            "A-001",
            "C-001",
            "csm@example.com",
            "Web会議",
            "2026/4/10 14:00",
            "定例",
            "はい",
        ],
        ["T-102", "A-002", "", "", "phone", "2026-04-11T09:30:00+00:00", "", "false"],
    ],
    "tickets": [
        [
            "外部ID",
            "顧客外部ID",
            "コンタクト外部ID",
            "件名",
            "起票日時",
            "初回回答日時",
            "解決日時",
            "ステータス",
            "優先度",
            "種別",
            "満足度",
        ],
        [
            "K-101",
            "A-001",
            "C-001",
            "ログインできない",
            "2026/4/12 9:30",
            "2026/4/12 10:15",
            "2026/4/13 17:00",
            "解決済み",
            "緊急",
            "運用",
            "5",
        ],
        ["K-102", "A-002", "", "", "2026-04-14 08:00", "", "", "", "", "", ""],
    ],
    "survey_responses": [
        ["外部ID", "コンタクト外部ID", "回答日", "NPS", "コメント"],
        ["N-101", "C-001", "2026/4/20", "9", "助かっています"],
        ["N-102", "C-002", "2026-04-21", "０", ""],
    ],
}
MODELS: dict[str, type[Base]] = {
    "accounts": Account,
    "contacts": Contact,
    "subscriptions": Subscription,
    "touchpoints": Touchpoint,
    "tickets": Ticket,
    "survey_responses": SurveyResponse,
}


@pytest.fixture
def refs(session: Session, csm: User) -> dict[str, int]:
    """Accounts A-001 and A-002, contacts C-001 (of A-001) and C-002 (of A-002)."""
    first = create_account(session, external_id="A-001")
    second = create_account(session, external_id="A-002")
    c1 = create_contact(session, first, external_id="C-001")
    c2 = create_contact(session, second, external_id="C-002")
    session.commit()
    return {"A-001": first.id, "A-002": second.id, "C-001": c1.id, "C-002": c2.id, "csm": csm.id}


def count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def by_external_id(session: Session, model: type[Base]) -> dict[str, Base]:
    return {row.external_id: row for row in session.scalars(select(model))}  # type: ignore[attr-defined]


def stamps(session: Session, model: type[Base]) -> dict[str, datetime]:
    return {key: row.updated_at for key, row in by_external_id(session, model).items()}  # type: ignore[attr-defined]


def test_accounts_are_stored(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    report = import_file("accounts", write_csv(tmp_path / "accounts.csv", GOOD["accounts"]))
    assert (report.created, report.updated, report.unchanged, report.rows) == (2, 0, 0, 2)
    rows = by_external_id(session, Account)
    kabu, takahashi = rows["A-101"], rows["A-102"]
    assert (
        kabu.name,
        kabu.industry,
        kabu.employee_count,
        kabu.owner_id,
        kabu.cs_plan,
        kabu.start_date,
        kabu.status,
        kabu.custom,
    ) == ("株式会社カブ", "製造業", 1200, refs["csm"], "ベーシック", date(2026, 4, 1), "active", {})
    assert (
        takahashi.name,
        takahashi.industry,
        takahashi.employee_count,
        takahashi.owner_id,
        takahashi.status,
    ) == ("髙橋商事", None, None, None, "churned")


def test_contacts_are_stored(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("contacts", write_csv(tmp_path / "contacts.csv", GOOD["contacts"]))
    rows = by_external_id(session, Contact)
    hanako, ichiro = rows["C-101"], rows["C-102"]
    assert (
        hanako.account_id,
        hanako.name,
        hanako.email,
        hanako.role,
        hanako.is_champion,
        hanako.created_on,
        hanako.deactivated_on,
    ) == (refs["A-001"], "山田 花子", "hanako@example.co.jp", "部長", True, date(2026, 4, 1), None)
    assert (ichiro.account_id, ichiro.email, ichiro.is_champion, ichiro.deactivated_on) == (
        refs["A-002"],
        None,
        False,
        date(2026, 9, 30),
    )


def test_subscriptions_are_stored_in_minor_units(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("subscriptions", write_csv(tmp_path / "subs.csv", GOOD["subscriptions"]))
    rows = by_external_id(session, Subscription)
    yen, dollars = rows["S-101"], rows["S-102"]
    assert (
        yen.account_id,
        yen.plan,
        yen.mrr_minor,
        yen.currency,
        yen.seats,
        yen.start_date,
        yen.end_date,
        yen.status,
        yen.billing_period,
    ) == (
        refs["A-001"],
        "スタンダード",
        50000,
        "JPY",
        20,
        date(2026, 4, 1),
        date(2027, 3, 31),
        "active",
        "annual",
    )
    assert (
        dollars.mrr_minor,
        dollars.currency,
        dollars.seats,
        dollars.end_date,
        dollars.status,
        dollars.billing_period,
    ) == (120050, "USD", None, None, "cancelled", "monthly")


def test_touchpoints_are_stored_in_utc(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("touchpoints", write_csv(tmp_path / "tp.csv", GOOD["touchpoints"]))
    rows = by_external_id(session, Touchpoint)
    meeting, call = rows["T-101"], rows["T-102"]
    assert (
        meeting.account_id,
        meeting.contact_id,
        meeting.user_id,
        meeting.channel,
        meeting.occurred_at,
        meeting.summary,
        meeting.is_meaningful,
    ) == (
        refs["A-001"],
        refs["C-001"],
        refs["csm"],
        "web_meeting",
        datetime(2026, 4, 10, 5, 0, tzinfo=UTC),
        "定例",
        True,
    )
    assert (
        call.contact_id,
        call.user_id,
        call.channel,
        call.occurred_at,
        call.summary,
        call.is_meaningful,
    ) == (None, None, "phone", datetime(2026, 4, 11, 9, 30, tzinfo=UTC), None, False)


def test_tickets_are_stored(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("tickets", write_csv(tmp_path / "tickets.csv", GOOD["tickets"]))
    rows = by_external_id(session, Ticket)
    solved, fresh = rows["K-101"], rows["K-102"]
    assert (
        solved.account_id,
        solved.contact_id,
        solved.subject,
        solved.opened_at,
        solved.first_response_at,
        solved.resolved_at,
        solved.status,
        solved.priority,
        solved.issue_type,
        solved.csat,
    ) == (
        refs["A-001"],
        refs["C-001"],
        "ログインできない",
        datetime(2026, 4, 12, 0, 30, tzinfo=UTC),
        datetime(2026, 4, 12, 1, 15, tzinfo=UTC),
        datetime(2026, 4, 13, 8, 0, tzinfo=UTC),
        "resolved",
        "urgent",
        "operational",
        5,
    )
    assert (fresh.status, fresh.priority, fresh.issue_type, fresh.csat, fresh.opened_at) == (
        "open",
        "normal",
        "functional",
        None,
        datetime(2026, 4, 13, 23, 0, tzinfo=UTC),
    )


def test_survey_responses_take_the_contacts_account(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("survey_responses", write_csv(tmp_path / "nps.csv", GOOD["survey_responses"]))
    rows = by_external_id(session, SurveyResponse)
    assert [
        (r.account_id, r.contact_id, r.responded_on, r.nps, r.comment)
        for r in (rows["N-101"], rows["N-102"])
    ] == [
        (refs["A-001"], refs["C-001"], date(2026, 4, 20), 9, "助かっています"),
        (refs["A-002"], refs["C-002"], date(2026, 4, 21), 0, None),
    ]


@pytest.mark.parametrize("entity", list(GOOD))
def test_reimport_changes_nothing(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path, entity: str
) -> None:
    path = write_csv(tmp_path / f"{entity}.csv", GOOD[entity])
    import_file(entity, path)
    before = stamps(session, MODELS[entity])
    report = import_file(entity, path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert stamps(session, MODELS[entity]) == before


def test_an_update_changes_only_the_changed_row(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("accounts", write_csv(tmp_path / "accounts.csv", GOOD["accounts"]))
    before = stamps(session, Account)
    changed = [list(row) for row in GOOD["accounts"]]
    changed[2][1] = "髙橋商事ホールディングス"
    report = import_file("accounts", write_csv(tmp_path / "accounts2.csv", changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    after = stamps(session, Account)
    assert after["A-101"] == before["A-101"]
    assert after["A-102"] > before["A-102"]
    assert by_external_id(session, Account)["A-102"].name == "髙橋商事ホールディングス"  # type: ignore[attr-defined]


def test_absent_columns_keep_stored_values_and_empty_cells_clear_them(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("accounts", write_csv(tmp_path / "a.csv", GOOD["accounts"]))
    import_file(
        "accounts",
        write_csv(
            tmp_path / "b.csv",
            [
                ["external_id", "name", "cs_plan"],
                ["A-101", "株式会社カブ", ""],
            ],
        ),
    )
    kabu = by_external_id(session, Account)["A-101"]
    assert (kabu.industry, kabu.owner_id, kabu.cs_plan) == ("製造業", refs["csm"], None)  # type: ignore[attr-defined]


def test_custom_fields_are_typed_and_merged(
    session: Session, settings: Settings, import_file: Importer, csm: User, tmp_path: Path
) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.config_file.write_text(
        '[[custom_fields]]\nkey = "region"\ntype = "category"\nlabel_ja = "地域"\n'
        'label_en = "Region"\nchoices = ["関東", "関西"]\n\n'
        '[[custom_fields]]\nkey = "arr_target"\ntype = "number"\nlabel_ja = "目標ARR"\n'
        'label_en = "ARR target"\n\n'
        '[[custom_fields]]\nkey = "renewal"\ntype = "date"\nlabel_ja = "更新日"\n'
        'label_en = "Renewal"\n',
        encoding="utf-8",
    )
    path = write_csv(
        tmp_path / "a.csv",
        [
            ["外部ID", "会社名", "地域", "ARR target", "renewal"],
            ["A-1", "カブ", "関西", "1,200,000.5", "2027/3/31"],
        ],
    )
    import_file("accounts", path)
    assert by_external_id(session, Account)["A-1"].custom == {  # type: ignore[attr-defined]
        "region": "関西",
        "arr_target": 1200000.5,
        "renewal": "2027-03-31",
    }
    assert import_file("accounts", path).unchanged == 1
    import_file(
        "accounts",
        write_csv(
            tmp_path / "b.csv",
            [
                ["external_id", "name", "region"],
                ["A-1", "カブ", ""],
            ],
        ),
    )
    assert by_external_id(session, Account)["A-1"].custom == {  # type: ignore[attr-defined]
        "arr_target": 1200000.5,
        "renewal": "2027-03-31",
    }


def test_shift_jis_csv_with_japanese_headers(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [
        ["外部ID", "顧客外部ID", "氏名", "チャンピオン", "登録日"],
        ["C-201", "A-001", "髙橋 ①", "はい", "2026/4/1"],
    ]
    import_file("contacts", write_csv(tmp_path / "contacts.csv", rows, encoding="cp932"))
    contact = by_external_id(session, Contact)["C-201"]
    assert (contact.name, contact.is_champion, contact.created_on) == (  # type: ignore[attr-defined]
        "髙橋 ①",
        True,
        date(2026, 4, 1),
    )


def test_utf8_bom_csv(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    report = import_file(
        "accounts", write_csv(tmp_path / "accounts.csv", GOOD["accounts"], encoding="utf-8-sig")
    )
    assert report.created == 2


def test_xlsx_with_real_date_and_number_cells(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    path = write_xlsx(
        tmp_path / "subs.xlsx",
        [
            ["外部ID", "顧客外部ID", "プラン", "月額(MRR)", "席数", "開始日", "終了日"],
            [
                101,
                "A-001",
                "スタンダード",
                50000,
                20.0,
                datetime(2026, 4, 1),
                datetime(2027, 3, 31),
            ],
        ],
        number_formats={"F2": "yyyy/m/d", "G2": "yyyy/m/d", "D2": "#,##0"},
    )
    import_file("subscriptions", path)
    sub = by_external_id(session, Subscription)["101"]
    assert (sub.mrr_minor, sub.seats, sub.start_date, sub.end_date) == (  # type: ignore[attr-defined]
        50000,
        20,
        date(2026, 4, 1),
        date(2027, 3, 31),
    )
    touch = write_xlsx(
        tmp_path / "tp.xlsx",
        [
            ["external_id", "account_external_id", "channel", "occurred_at"],
            ["T-1", "A-001", "訪問", datetime(2026, 4, 10, 14, 0)],
        ],
        number_formats={"D2": "yyyy-mm-dd hh:mm"},
    )
    import_file("touchpoints", touch)
    assert by_external_id(session, Touchpoint)["T-1"].occurred_at == datetime(  # type: ignore[attr-defined]
        2026, 4, 10, 5, 0, tzinfo=UTC
    )


def test_mapping_renames_source_columns(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "crm.csv",
        [["Account ID", "Account Name", "Employees"], ["A-301", "Kabu KK", "42"]],
    )
    mapping = {"Account ID": "external_id", "Account Name": "name", "Employees": "employee_count"}
    import_file("accounts", path, mapping=mapping)
    account = by_external_id(session, Account)["A-301"]
    assert (account.name, account.employee_count) == ("Kabu KK", 42)  # type: ignore[attr-defined]


def test_mapping_file_path(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "crm.csv", [["取引先コード", "取引先名"], ["A-302", "カブ"]])
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("取引先コード: external_id\n取引先名: name\n", encoding="utf-8")
    import_file("accounts", path, mapping=mapping)
    assert by_external_id(session, Account)["A-302"].name == "カブ"  # type: ignore[attr-defined]


def test_org_time_zone_and_currency_are_the_defaults(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    org = team_service.ensure_org(session)
    org.time_zone, org.currency = "Europe/Berlin", "EUR"
    session.commit()
    import_file(
        "subscriptions",
        write_csv(
            tmp_path / "s.csv",
            [
                ["external_id", "account_external_id", "plan", "mrr", "start_date"],
                ["S-1", "A-001", "pro", "99.90", "2026-04-01"],
            ],
        ),
    )
    import_file(
        "touchpoints",
        write_csv(
            tmp_path / "t.csv",
            [
                ["external_id", "account_external_id", "channel", "occurred_at"],
                ["T-1", "A-001", "chat", "2026-07-01 12:00"],
            ],
        ),
    )
    sub = by_external_id(session, Subscription)["S-1"]
    assert (sub.mrr_minor, sub.currency) == (9990, "EUR")  # type: ignore[attr-defined]
    assert by_external_id(session, Touchpoint)["T-1"].occurred_at == datetime(  # type: ignore[attr-defined]
        2026, 7, 1, 10, 0, tzinfo=UTC
    )


def test_dry_run_counts_and_writes_nothing(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("accounts", write_csv(tmp_path / "a.csv", GOOD["accounts"][:2]))
    before = stamps(session, Account)
    changed = [list(row) for row in GOOD["accounts"]]
    changed[1][2] = "小売業"
    report = import_file("accounts", write_csv(tmp_path / "b.csv", changed), dry_run=True)
    assert (report.created, report.updated, report.unchanged, report.dry_run) == (1, 1, 0, True)
    assert stamps(session, Account) == before
    assert by_external_id(session, Account)["A-101"].industry == "製造業"  # type: ignore[attr-defined]
    assert report.summary("en") == (
        "Dry run, nothing written. b.csv: 2 rows; 1 would be created, 1 updated, 0 unchanged."
    )


# Broken files: the exact issues, and nothing written.


def failed(import_file: Importer, entity: str, path: Path) -> ImportFailed:
    with pytest.raises(ImportFailed) as excinfo:
        import_file(entity, path)
    assert excinfo.value.status_code == 422
    return excinfo.value


def test_utf16_file(session: Session, import_file: Importer, tmp_path: Path) -> None:
    failure = failed(
        import_file,
        "accounts",
        write_csv(tmp_path / "accounts.csv", GOOD["accounts"], encoding="utf-16"),
    )
    assert issues(failure) == [
        (
            "accounts.csv",
            None,
            None,
            None,
            "The file is encoded in UTF-16; save it as CSV in UTF-8 (with or without BOM) or "
            "Shift_JIS (CP932).",
            "ファイルがUTF-16で保存されています。CSVをUTF-8(BOMあり・なしどちらも可)または"
            "Shift_JIS(CP932)で保存し直してください。",
        )
    ]
    assert (
        failure.render(lambda text: text)
        == "Problems found in accounts.csv: 1. Nothing was imported."
    )
    assert count(session, Account) == 0


def test_missing_column(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [[cell for index, cell in enumerate(row) if index != 3] for row in GOOD["subscriptions"]]
    failure = failed(import_file, "subscriptions", write_csv(tmp_path / "subs.csv", rows))
    assert issues(failure) == [
        (
            "subs.csv",
            None,
            "mrr",
            None,
            "Required column mrr (月額(MRR)) is missing.",
            "必須の列「月額(MRR)」(mrr)がありません。",
        )
    ]
    assert count(session, Subscription) == 0


def test_bad_date(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [list(row) for row in GOOD["contacts"]]
    rows[2][6] = "2026/13/01"
    failure = failed(import_file, "contacts", write_csv(tmp_path / "contacts.csv", rows))
    assert issues(failure) == [
        (
            "contacts.csv",
            3,
            "created_on",
            "2026/13/01",
            "Not a date; write it like 2026-04-01 or 2026/4/1.",
            "日付ではありません。2026-04-01や2026/4/1のように書いてください。",
        )
    ]
    assert count(session, Contact) == 2  # C-001 and C-002 from the fixture, C-101 not written


def test_negative_mrr(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [list(row) for row in GOOD["subscriptions"]]
    rows[1][3] = "-¥5,000"
    failure = failed(import_file, "subscriptions", write_csv(tmp_path / "subs.csv", rows))
    assert issues(failure) == [
        (
            "subs.csv",
            2,
            "月額(MRR)",
            "-¥5,000",
            "Must be 0 or more.",
            "0以上にしてください。",
        )
    ]
    assert count(session, Subscription) == 0


def test_duplicate_external_id(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [*GOOD["accounts"], ["A-101", "重複株式会社", "", "", "", "", "", ""]]
    failure = failed(import_file, "accounts", write_csv(tmp_path / "accounts.csv", rows))
    assert issues(failure) == [
        (
            "accounts.csv",
            4,
            "外部ID",
            "A-101",
            "The external ID A-101 is also in row 2; each row needs its own.",
            "外部ID「A-101」は2行目にもあります。外部IDは行ごとに別の値にしてください。",
        )
    ]
    assert count(session, Account) == 2  # only the fixture's


def test_unknown_account_reference(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("tickets", write_csv(tmp_path / "tickets.csv", GOOD["tickets"]))
    before = stamps(session, Ticket)
    rows = [list(row) for row in GOOD["tickets"]]
    rows[1][3] = "件名を変更"  # a valid update of K-101 ...
    rows.append(["K-103", "A-999", "", "", "2026-04-15 10:00", "", "", "", "", "", ""])
    failure = failed(import_file, "tickets", write_csv(tmp_path / "tickets2.csv", rows))
    assert issues(failure) == [
        (
            "tickets2.csv",
            4,
            "顧客外部ID",
            "A-999",
            "No account has the external ID A-999; import the accounts first.",
            "外部ID「A-999」の顧客がありません。先に顧客を取り込んでください。",
        )
    ]
    # ... is not written either.
    assert stamps(session, Ticket) == before
    assert by_external_id(session, Ticket)["K-101"].subject == "ログインできない"  # type: ignore[attr-defined]


def test_contact_of_another_account_and_unknown_user(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    rows = [list(row) for row in GOOD["touchpoints"]]
    rows[1][2] = "C-002"
    rows[2][3] = "ghost@example.com"
    failure = failed(import_file, "touchpoints", write_csv(tmp_path / "tp.csv", rows))
    assert issues(failure) == [
        (
            "tp.csv",
            2,
            "コンタクト外部ID",
            "C-002",
            "Contact C-002 belongs to account A-002, not to A-001.",
            "コンタクト「C-002」は顧客「A-002」に属しています。顧客「A-001」のコンタクトではありません。",
        ),
        (
            "tp.csv",
            3,
            "担当者メール",
            "ghost@example.com",
            "No team user has the email ghost@example.com; add the user first.",
            "メール「ghost@example.com」のチームユーザーがいません。先にユーザーを追加してください。",
        ),
    ]
    assert count(session, Touchpoint) == 0


def test_an_update_cannot_break_the_date_order(
    session: Session, import_file: Importer, refs: dict[str, int], tmp_path: Path
) -> None:
    import_file("subscriptions", write_csv(tmp_path / "s.csv", GOOD["subscriptions"]))
    failure = failed(
        import_file,
        "subscriptions",
        write_csv(
            tmp_path / "s2.csv",
            [
                ["external_id", "account_external_id", "plan", "mrr", "start_date"],
                ["S-101", "A-001", "スタンダード", "50000", "2027/4/1"],
            ],
        ),
    )
    assert issues(failure) == [
        (
            "s2.csv",
            2,
            "start_date",
            "2027/4/1",
            "Must not be after end_date (2027-03-31).",
            "end_date(2027-03-31)より後にはできません。",
        )
    ]


def test_unknown_entity_and_missing_file(
    session: Session, settings: Settings, tmp_path: Path
) -> None:
    from hatake.imports.report import UnknownEntity
    from hatake.imports.service import run_import

    with pytest.raises(UnknownEntity) as unknown:
        run_import(session, entity="deals", path=tmp_path / "x.csv", settings=settings)
    assert unknown.value.render(lambda text: text) == (
        "Unknown import type deals; use one of: accounts, contacts, subscriptions, touchpoints, "
        "tickets, survey_responses."
    )
    with pytest.raises(ImportFailed) as missing:
        run_import(session, entity="accounts", path=tmp_path / "x.csv", settings=settings)
    assert [i.reason("en") for i in missing.value.issues] == [
        f"The file {tmp_path / 'x.csv'} does not exist."
    ]
