"""What each importable file looks like: one declarative spec per entity.

A spec is plain data. The reader, the validator, the upsert, the templates and
docs/import-formats.md all follow it, so a column is added in one place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from hatake.accounts.models import Account, Contact, Subscription
from hatake.core.db import Base
from hatake.core.settings import CustomFieldDef
from hatake.coverage.models import Touchpoint
from hatake.support.models import Ticket
from hatake.voc.models import SurveyResponse


class FieldType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    CURRENCY = "currency"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    EMAIL = "email"
    CHOICE = "choice"
    ACCOUNT = "account"
    CONTACT = "contact"
    USER = "user"


@dataclass(frozen=True)
class Choice:
    """A stored value and the other words people type for it (Japanese first)."""

    value: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    key: str
    label_ja: str
    type: FieldType
    # The model attribute written; None for custom account fields, which go to Account.custom.
    attribute: str | None
    required: bool = False
    # Stored when a cell is empty (or the column is absent on create).
    default: object = None
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    # Money is converted to minor units in the currency given by this field of the same row.
    currency_field: str | None = None
    label_en: str | None = None
    example: object = None
    # Other names calendar and CRM exports give the column (English and Japanese).
    aliases: tuple[str, ...] = ()
    # A moment that may not lie further ahead of now than [coverage] future_tolerance_minutes.
    not_in_future: bool = False

    def headers(self) -> tuple[str, ...]:
        """The header names that select this column."""
        names = [self.key, self.label_ja]
        if self.label_en:
            names.append(self.label_en)
        return (*names, *self.aliases)


@dataclass(frozen=True)
class OrderRule:
    """`later` must not be before `earlier` (both dates or both datetimes)."""

    later: str
    earlier: str


@dataclass(frozen=True)
class EntitySpec:
    name: str
    model: type[Base]
    fields: tuple[Field, ...]
    order_rules: tuple[OrderRule, ...] = ()
    # Survey answers carry no account column: the account is the contact's.
    account_from_contact: bool = False
    by_key: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {f.key: f for f in self.fields})


def loose_key(name: str) -> str:
    """How headers, mapping names and choice words are compared: width-, case-, space-,
    underscore- and hyphen-insensitive, so 'External ID', 'external_id' and
    'ＥＸＴＥＲＮＡＬ＿ＩＤ' agree."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "_-")


BOOLEAN_TRUE = ("true", "yes", "y", "1", "はい", "○", "〇", "◯", "有", "有効")
BOOLEAN_FALSE = ("false", "no", "n", "0", "いいえ", "×", "✕", "無", "無効")

ACCOUNT_STATUS = (Choice("active", ("有効", "契約中")), Choice("churned", ("解約", "解約済み")))
SUBSCRIPTION_STATUS = (
    Choice("active", ("有効", "契約中")),
    Choice("ended", ("終了",)),
    Choice("cancelled", ("解約", "キャンセル", "canceled")),
)
BILLING_PERIOD = (
    Choice("monthly", ("月次", "月払い", "毎月")),
    Choice("quarterly", ("四半期", "四半期払い")),
    Choice("annual", ("年次", "年払い", "年間", "annually", "yearly")),
)
CHANNEL = (
    Choice("phone", ("電話", "call", "phone call", "通話")),
    Choice("web_meeting", ("Web会議", "ウェブ会議", "オンライン会議", "online meeting", "Zoom")),
    Choice("chat", ("チャット",)),
    Choice("email", ("メール", "Eメール", "e-mail")),
    Choice("visit", ("訪問", "対面", "in person")),
    Choice("webinar", ("ウェビナー",)),
    Choice("in_app", ("アプリ内", "in-app message")),
)
TICKET_STATUS = (
    Choice("open", ("未対応", "オープン")),
    Choice("pending", ("保留", "対応中")),
    Choice("resolved", ("解決", "解決済み")),
    Choice("closed", ("クローズ", "完了")),
)
TICKET_PRIORITY = (
    Choice("low", ("低",)),
    Choice("normal", ("中", "通常")),
    Choice("high", ("高",)),
    Choice("urgent", ("緊急",)),
)
ISSUE_TYPE = (Choice("functional", ("機能",)), Choice("operational", ("運用",)))

T = FieldType


def _external_id(example: str) -> Field:
    return Field(
        "external_id",
        "外部ID",
        T.TEXT,
        "external_id",
        required=True,
        max_length=200,
        example=example,
    )


def _account_ref(*, required: bool = True) -> Field:
    return Field(
        "account_external_id",
        "顧客外部ID",
        T.ACCOUNT,
        "account_id",
        required=required,
        example="A-001",
    )


def _contact_ref(*, required: bool = False) -> Field:
    return Field(
        "contact_external_id",
        "コンタクト外部ID",
        T.CONTACT,
        "contact_id",
        required=required,
        example="C-001",
    )


ACCOUNTS = EntitySpec(
    "accounts",
    Account,
    (
        _external_id("A-001"),
        Field(
            "name",
            "会社名",
            T.TEXT,
            "name",
            required=True,
            max_length=300,
            example="株式会社サンプル",
        ),
        Field("industry", "業種", T.TEXT, "industry", max_length=200, example="製造業"),
        Field("employee_count", "従業員数", T.INTEGER, "employee_count", minimum=0, example=250),
        Field("owner_email", "担当者メール", T.USER, "owner_id", example="csm@example.com"),
        Field("cs_plan", "CSプラン", T.TEXT, "cs_plan", max_length=100, example="ベーシック"),
        Field("start_date", "契約開始日", T.DATE, "start_date", example=date(2026, 4, 1)),
        Field(
            "status",
            "ステータス",
            T.CHOICE,
            "status",
            default="active",
            choices=ACCOUNT_STATUS,
            example="active",
        ),
    ),
)

CONTACTS = EntitySpec(
    "contacts",
    Contact,
    (
        _external_id("C-001"),
        _account_ref(),
        Field("name", "氏名", T.TEXT, "name", required=True, max_length=300, example="山田 花子"),
        Field(
            "email",
            "メール",
            T.EMAIL,
            "email",
            max_length=320,
            example="hanako.yamada@example.co.jp",
        ),
        Field("role", "役職", T.TEXT, "role", max_length=200, example="情報システム部 部長"),
        Field("is_champion", "チャンピオン", T.BOOLEAN, "is_champion", default=False, example=True),
        Field("created_on", "登録日", T.DATE, "created_on", example=date(2026, 4, 1)),
        Field("deactivated_on", "無効化日", T.DATE, "deactivated_on"),
    ),
    order_rules=(OrderRule("deactivated_on", "created_on"),),
)

SUBSCRIPTIONS = EntitySpec(
    "subscriptions",
    Subscription,
    (
        _external_id("S-001"),
        _account_ref(),
        Field(
            "plan", "プラン", T.TEXT, "plan", required=True, max_length=100, example="スタンダード"
        ),
        Field(
            "mrr",
            "月額(MRR)",
            T.MONEY,
            "mrr_minor",
            required=True,
            minimum=0,
            currency_field="currency",
            example=50000,
        ),
        Field("currency", "通貨", T.CURRENCY, "currency", example="JPY"),
        Field("seats", "席数", T.INTEGER, "seats", minimum=0, example=20),
        Field(
            "start_date", "開始日", T.DATE, "start_date", required=True, example=date(2026, 4, 1)
        ),
        Field("end_date", "終了日", T.DATE, "end_date", example=date(2027, 3, 31)),
        Field(
            "status",
            "ステータス",
            T.CHOICE,
            "status",
            default="active",
            choices=SUBSCRIPTION_STATUS,
            example="active",
        ),
        Field(
            "billing_period",
            "請求周期",
            T.CHOICE,
            "billing_period",
            default="monthly",
            choices=BILLING_PERIOD,
            example="annual",
        ),
    ),
    order_rules=(OrderRule("end_date", "start_date"),),
)

# The column names of typical calendar (Google, Outlook) and CRM activity (Salesforce, HubSpot)
# exports, so such a file imports after adding the account column, without a mapping file.
TOUCH_ALIASES: dict[str, tuple[str, ...]] = {
    "external_id": ("Event ID", "Activity ID", "UID", "イベントID", "活動ID"),
    "account_external_id": ("Account ID", "Company ID", "取引先ID", "会社ID"),
    "contact_external_id": ("Contact ID", "取引先責任者ID"),
    "user_email": ("Organizer", "Organizer Email", "Owner Email", "主催者", "主催者メール"),
    "channel": ("Activity Type", "Type", "活動種別", "種別"),
    "occurred_at": ("Start", "Start Time", "Activity Date", "開始日時", "開始", "活動日時"),
    "summary": ("Subject", "Title", "件名", "タイトル"),
    "is_automated": ("Automated", "自動"),
    "next_step_on": ("Next Step Date", "Follow-up Date", "次回予定日", "フォロー予定日"),
}

TOUCHPOINTS = EntitySpec(
    "touchpoints",
    Touchpoint,
    (
        replace(_external_id("T-001"), aliases=TOUCH_ALIASES["external_id"]),
        replace(_account_ref(), aliases=TOUCH_ALIASES["account_external_id"]),
        replace(_contact_ref(), aliases=TOUCH_ALIASES["contact_external_id"]),
        Field(
            "user_email",
            "担当者メール",
            T.USER,
            "user_id",
            example="csm@example.com",
            aliases=TOUCH_ALIASES["user_email"],
        ),
        Field(
            "channel",
            "チャネル",
            T.CHOICE,
            "channel",
            required=True,
            choices=CHANNEL,
            example="web_meeting",
            aliases=TOUCH_ALIASES["channel"],
        ),
        Field(
            "occurred_at",
            "日時",
            T.DATETIME,
            "occurred_at",
            required=True,
            example=datetime(2026, 4, 10, 14, 0),
            aliases=TOUCH_ALIASES["occurred_at"],
            not_in_future=True,
        ),
        Field(
            "summary",
            "要約",
            T.TEXT,
            "summary",
            example="活用状況の定例レビュー",
            aliases=TOUCH_ALIASES["summary"],
        ),
        Field("is_meaningful", "有効接触", T.BOOLEAN, "is_meaningful", default=True, example=True),
        Field(
            "is_automated",
            "自動配信",
            T.BOOLEAN,
            "is_automated",
            default=False,
            example=False,
            aliases=TOUCH_ALIASES["is_automated"],
        ),
        Field(
            "next_step_on",
            "次回アクション日",
            T.DATE,
            "next_step_on",
            example=date(2026, 4, 24),
            aliases=TOUCH_ALIASES["next_step_on"],
        ),
    ),
)

TICKETS = EntitySpec(
    "tickets",
    Ticket,
    (
        _external_id("K-001"),
        _account_ref(),
        _contact_ref(),
        Field(
            "subject",
            "件名",
            T.TEXT,
            "subject",
            max_length=500,
            example="CSVエクスポートが失敗する",
        ),
        Field(
            "opened_at",
            "起票日時",
            T.DATETIME,
            "opened_at",
            required=True,
            example=datetime(2026, 4, 12, 9, 30),
        ),
        Field(
            "first_response_at",
            "初回回答日時",
            T.DATETIME,
            "first_response_at",
            example=datetime(2026, 4, 12, 10, 15),
        ),
        Field(
            "resolved_at",
            "解決日時",
            T.DATETIME,
            "resolved_at",
            example=datetime(2026, 4, 13, 17, 0),
        ),
        Field(
            "status",
            "ステータス",
            T.CHOICE,
            "status",
            default="open",
            choices=TICKET_STATUS,
            example="resolved",
        ),
        Field(
            "priority",
            "優先度",
            T.CHOICE,
            "priority",
            default="normal",
            choices=TICKET_PRIORITY,
            example="high",
        ),
        Field(
            "issue_type",
            "種別",
            T.CHOICE,
            "issue_type",
            default="functional",
            choices=ISSUE_TYPE,
            example="functional",
        ),
        Field("category", "カテゴリ", T.TEXT, "category", max_length=100, example="データ連携"),
        Field("csat", "満足度", T.INTEGER, "csat", minimum=1, maximum=5, example=4),
    ),
    order_rules=(
        OrderRule("first_response_at", "opened_at"),
        OrderRule("resolved_at", "opened_at"),
    ),
)

SURVEY_RESPONSES = EntitySpec(
    "survey_responses",
    SurveyResponse,
    (
        _external_id("N-001"),
        _contact_ref(required=True),
        Field(
            "responded_on",
            "回答日",
            T.DATE,
            "responded_on",
            required=True,
            example=date(2026, 4, 20),
        ),
        Field("nps", "NPS", T.INTEGER, "nps", required=True, minimum=0, maximum=10, example=9),
        Field(
            "comment", "コメント", T.TEXT, "comment", example="サポートの対応が早く助かっています"
        ),
    ),
    account_from_contact=True,
)

SPECS: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (ACCOUNTS, CONTACTS, SUBSCRIPTIONS, TOUCHPOINTS, TICKETS, SURVEY_RESPONSES)
}
# In dependency order: a file may only refer to rows of the entities before it.
ENTITIES: tuple[str, ...] = tuple(SPECS)
# What people call each entity (English msgids, translated in the catalogs).
ENTITY_LABELS: dict[str, str] = {
    "accounts": "Customer accounts",
    "contacts": "Contacts and end users",
    "subscriptions": "Subscriptions",
    "touchpoints": "Touchpoints",
    "tickets": "Tickets",
    "survey_responses": "NPS answers",
}

_CUSTOM_TYPES = {
    "number": T.NUMBER,
    "text": T.TEXT,
    "category": T.CHOICE,
    "date": T.DATE,
}
_CUSTOM_EXAMPLES: dict[str, object] = {"number": 10, "date": date(2026, 4, 1)}


def custom_field(definition: CustomFieldDef) -> Field:
    is_category = definition.type == "category"
    choices = tuple(Choice(value) for value in definition.choices) if is_category else ()
    return Field(
        definition.key,
        definition.label_ja,
        _CUSTOM_TYPES[definition.type],
        None,
        choices=choices,
        label_en=definition.label_en,
        example=choices[0].value if choices else _CUSTOM_EXAMPLES.get(definition.type),
    )


def spec_for(entity: str, custom_fields: Sequence[CustomFieldDef] = ()) -> EntitySpec:
    """The spec of one entity; the accounts file also takes the team's declared custom fields
    (a custom field whose key clashes with a built-in column is shadowed by it)."""
    spec = SPECS[entity]
    if entity != "accounts" or not custom_fields:
        return spec
    extra = tuple(custom_field(d) for d in custom_fields if d.key not in spec.by_key)
    return EntitySpec(
        spec.name, spec.model, spec.fields + extra, spec.order_rules, spec.account_from_contact
    )
