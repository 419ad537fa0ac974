"""Small builders for test data: each takes a session and overrides, adds one row and flushes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.core.db import Base
from hatake.coverage.models import Touchpoint
from hatake.support.models import Ticket
from hatake.team import service as team_service
from hatake.team.models import User
from hatake.voc.models import SurveyResponse

_sequence = itertools.count(1)
PASSWORD = "correct horse battery"
Row = TypeVar("Row", bound=Base)


def _add(session: Session, model: type[Row], defaults: dict[str, Any], **overrides: Any) -> Row:
    row = model(**{**defaults, **overrides})
    session.add(row)
    session.flush()
    return row


def create_user(session: Session, **overrides: Any) -> User:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"user{number}@example.com",
        "name": f"担当 {number}",
        "role": "csm",
        "password": PASSWORD,
    }
    return team_service.create_user(session, **{**values, **overrides})


def create_account(session: Session, **overrides: Any) -> Account:
    number = next(_sequence)
    defaults = {
        "external_id": f"ACC-{number:05d}", "name": f"株式会社テスト{number}",
        "industry": "建設業", "employee_count": 50, "start_date": date(2025, 4, 1),
        "status": "active", "custom": {},
    }  # fmt: skip
    return _add(session, Account, defaults, **overrides)


def create_contact(session: Session, account: Account, **overrides: Any) -> Contact:
    number = next(_sequence)
    defaults = {
        "external_id": f"USR-{number:05d}", "account_id": account.id, "name": f"利用者 {number}",
        "email": f"u{number}@example.co.jp", "created_on": date(2025, 4, 1),
    }  # fmt: skip
    return _add(session, Contact, defaults, **overrides)


def create_subscription(session: Session, account: Account, **overrides: Any) -> Subscription:
    number = next(_sequence)
    defaults = {
        "external_id": f"SUB-{number:05d}", "account_id": account.id, "plan": "standard",
        "mrr_minor": 50000, "currency": "JPY", "seats": 10, "start_date": date(2025, 4, 1),
        "status": "active", "billing_period": "monthly",
    }  # fmt: skip
    return _add(session, Subscription, defaults, **overrides)


def create_touchpoint(session: Session, account: Account, **overrides: Any) -> Touchpoint:
    number = next(_sequence)
    defaults = {
        "external_id": f"TP-{number:05d}", "account_id": account.id, "channel": "phone",
        "occurred_at": datetime(2026, 11, 2, 1, 0, tzinfo=UTC), "summary": "定例",
        "is_meaningful": True,
    }  # fmt: skip
    return _add(session, Touchpoint, defaults, **overrides)


def create_ticket(session: Session, account: Account, **overrides: Any) -> Ticket:
    number = next(_sequence)
    defaults = {
        "external_id": f"TK-{number:05d}", "account_id": account.id, "subject": "ログインできない",
        "opened_at": datetime(2026, 11, 1, 0, 0, tzinfo=UTC), "status": "open",
        "priority": "normal", "issue_type": "functional",
    }  # fmt: skip
    return _add(session, Ticket, defaults, **overrides)


def create_survey_response(session: Session, contact: Contact, **overrides: Any) -> SurveyResponse:
    number = next(_sequence)
    defaults = {
        "external_id": f"NPS-{number:05d}", "account_id": contact.account_id,
        "contact_id": contact.id, "responded_on": date(2026, 10, 1), "nps": 9,
        "comment": "便利です",
    }  # fmt: skip
    return _add(session, SurveyResponse, defaults, **overrides)
