"""Small builders for test data: each takes a session and overrides, and flushes."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.coverage.models import Touchpoint
from hatake.support.models import Ticket
from hatake.team import service as team_service
from hatake.team.models import User
from hatake.voc.models import SurveyResponse

_sequence = itertools.count(1)
PASSWORD = "correct horse battery"


def create_user(session: Session, **overrides: Any) -> User:
    number = next(_sequence)
    values: dict[str, Any] = {
        "email": f"user{number}@example.com",
        "name": f"担当 {number}",
        "role": "csm",
        "password": PASSWORD,
    }
    values.update(overrides)
    return team_service.create_user(session, **values)


def create_account(session: Session, **overrides: Any) -> Account:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"ACC-{number:05d}",
        "name": f"株式会社テスト{number}",
        "industry": "建設業",
        "employee_count": 50,
        "start_date": date(2025, 4, 1),
        "status": "active",
        "custom": {},
    }
    values.update(overrides)
    account = Account(**values)
    session.add(account)
    session.flush()
    return account


def create_contact(session: Session, account: Account, **overrides: Any) -> Contact:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"USR-{number:05d}",
        "name": f"利用者 {number}",
        "email": f"u{number}@example.co.jp",
        "created_on": date(2025, 4, 1),
    }
    values.update(overrides)
    contact = Contact(account_id=account.id, **values)
    session.add(contact)
    session.flush()
    return contact


def create_subscription(session: Session, account: Account, **overrides: Any) -> Subscription:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"SUB-{number:05d}",
        "plan": "standard",
        "mrr_minor": 50000,
        "currency": "JPY",
        "seats": 10,
        "start_date": date(2025, 4, 1),
        "status": "active",
        "billing_period": "monthly",
    }
    values.update(overrides)
    subscription = Subscription(account_id=account.id, **values)
    session.add(subscription)
    session.flush()
    return subscription


def create_touchpoint(session: Session, account: Account, **overrides: Any) -> Touchpoint:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"TP-{number:05d}",
        "channel": "phone",
        "occurred_at": datetime(2026, 11, 2, 1, 0, tzinfo=UTC),
        "summary": "定例",
        "is_meaningful": True,
    }
    values.update(overrides)
    touchpoint = Touchpoint(account_id=account.id, **values)
    session.add(touchpoint)
    session.flush()
    return touchpoint


def create_ticket(session: Session, account: Account, **overrides: Any) -> Ticket:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"TK-{number:05d}",
        "subject": "ログインできない",
        "opened_at": datetime(2026, 11, 1, 0, 0, tzinfo=UTC),
        "status": "open",
        "priority": "normal",
        "issue_type": "functional",
    }
    values.update(overrides)
    ticket = Ticket(account_id=account.id, **values)
    session.add(ticket)
    session.flush()
    return ticket


def create_survey_response(session: Session, contact: Contact, **overrides: Any) -> SurveyResponse:
    number = next(_sequence)
    values: dict[str, Any] = {
        "external_id": f"NPS-{number:05d}",
        "responded_on": date(2026, 10, 1),
        "nps": 9,
        "comment": "便利です",
    }
    values.update(overrides)
    response = SurveyResponse(account_id=contact.account_id, contact_id=contact.id, **values)
    session.add(response)
    session.flush()
    return response
