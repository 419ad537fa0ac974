"""Factor values from both stores, hand-computed, and never from data after the as-of date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.core.runtime import Runtime
from hatake.core.settings import HealthConfig
from hatake.health.service import account_inputs
from hatake.usage import store
from tests.helpers import (
    create_account,
    create_contact,
    create_subscription,
    create_survey_response,
    create_ticket,
    create_touchpoint,
)

AS_OF = date(2026, 6, 30)
CONFIG = HealthConfig(key_features=["report_exported", "photo_uploaded"], stale_ticket_days=14)


def _at(day: date, hour: int = 1) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _events(runtime: Runtime, rows: list[tuple[str, str, str, datetime]]) -> None:
    store.append_events(
        runtime.analytics(),
        pa.table(
            {
                "message_id": [f"m{n}-{row[0]}-{row[3].isoformat()}" for n, row in enumerate(rows)],
                "account_id": [row[0] for row in rows],
                "user_id": [row[1] for row in rows],
                "event": [row[2] for row in rows],
                "timestamp": [row[3] for row in rows],
                "properties": [None] * len(rows),
                "received_at": [None] * len(rows),
            }
        ),
    )


def _metrics(*args: Any, **kwargs: Any) -> dict[str, dict[str, Any]]:
    return {key: item.metrics for key, item in account_inputs(*args, **kwargs).items()}


def _book(session: Session, runtime: Runtime) -> None:
    account = create_account(session, external_id="A", custom={"region": "関東", "score": 7})
    create_subscription(
        session,
        account,
        seats=10,
        mrr_minor=100_000,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 5, 1),
        status="ended",
    )
    create_subscription(
        session,
        account,
        seats=10,
        mrr_minor=120_000,
        start_date=date(2026, 5, 1),
        end_date=date(2027, 5, 1),
    )
    create_contact(session, account, is_champion=True, created_on=date(2026, 1, 1))
    create_contact(session, account, created_on=date(2026, 1, 1))
    create_contact(session, account, created_on=date(2026, 1, 1), deactivated_on=date(2026, 6, 1))
    create_contact(session, account, created_on=date(2026, 7, 1))  # not yet there on AS_OF
    create_ticket(session, account, opened_at=_at(date(2026, 6, 1)))  # open 29 days: stale
    create_ticket(session, account, opened_at=_at(date(2026, 6, 25)))  # open, recent
    create_ticket(
        session,
        account,
        opened_at=_at(date(2026, 5, 20)),
        resolved_at=_at(date(2026, 5, 21)),
        status="resolved",
    )
    contact = create_contact(session, account, created_on=date(2026, 1, 1))
    create_survey_response(session, contact, responded_on=date(2026, 3, 1), nps=10)
    create_survey_response(session, contact, responded_on=date(2026, 6, 10), nps=5)
    create_touchpoint(session, account, occurred_at=_at(date(2026, 6, 20)))
    create_touchpoint(session, account, occurred_at=_at(date(2026, 6, 28)), is_meaningful=False)
    churned = create_account(session, external_id="GONE", status="churned")
    create_subscription(
        session, churned, start_date=date(2025, 1, 1), end_date=date(2026, 3, 1), status="cancelled"
    )
    session.commit()
    day = AS_OF
    _events(
        runtime,
        [
            ("A", "u1", "login", _at(day)),
            ("A", "u1", "report_exported", _at(day)),
            ("A", "u2", "photo_uploaded", _at(day - timedelta(days=6))),
            ("A", "u3", "login", _at(day - timedelta(days=20))),
            ("A", "u3", "login", _at(day - timedelta(days=45))),
        ],
    )


def test_hand_computed_metrics(session: Session, runtime: Runtime) -> None:
    _book(session, runtime)
    metrics = _metrics(
        session, runtime.analytics(), as_of=AS_OF, config=CONFIG, custom_keys=["region", "score"]
    )
    assert set(metrics) == {"A"}  # GONE has no term running on AS_OF
    values = metrics["A"]
    assert values["active_users_7d"] == 2.0  # u1 today, u2 six days ago
    assert values["active_users_30d"] == 3.0
    assert values["usage_rate"] == pytest.approx(0.3)  # 3 active / 10 seats
    assert values["usage_trend"] == pytest.approx(3.0)  # 4 events vs 1: +300 %
    assert values["days_since_last_activity"] == 0.0
    assert values["feature_breadth"] == 2.0
    assert values["open_tickets"] == 2.0
    assert values["tickets_unresolved_over_n_days"] == 1.0
    assert values["ticket_trend"] == 1.0  # 2 opened in 30 days, 1 in the 30 before
    assert values["latest_nps"] == 5.0
    assert values["nps_category"] == "detractor"
    assert values["days_since_meaningful_touch"] == 10.0
    assert values["seat_utilisation"] == pytest.approx(0.3)  # 3 present contacts / 10 seats
    assert values["days_to_renewal"] == 305.0  # 2026-06-30 → 2027-05-01
    assert values["mrr_change_90d"] == pytest.approx(0.2)  # 100,000 on 04-01 → 120,000
    assert values["champion_present"] == 1.0
    assert values["custom.region"] == "関東"
    assert values["custom.score"] == 7.0


def test_later_data_never_changes_a_past_date(session: Session, runtime: Runtime) -> None:
    _book(session, runtime)
    before = _metrics(session, runtime.analytics(), as_of=AS_OF, config=CONFIG, custom_keys=[])
    later = AS_OF + timedelta(days=1)
    account = session.scalars(select(Account).where(Account.external_id == "A")).one()
    _events(runtime, [("A", f"n{n}", "report_exported", _at(later, hour=n)) for n in range(5)])
    contact = create_contact(session, account, created_on=later, is_champion=True)
    create_survey_response(session, contact, responded_on=later, nps=0)
    create_ticket(session, account, opened_at=_at(later))
    create_touchpoint(session, account, occurred_at=_at(later))
    create_subscription(session, account, seats=50, mrr_minor=500_000, start_date=later)
    session.commit()
    after = _metrics(session, runtime.analytics(), as_of=AS_OF, config=CONFIG, custom_keys=[])
    assert after == before
    assert (
        _metrics(session, runtime.analytics(), as_of=later, config=CONFIG, custom_keys=[])["A"]
        != before["A"]
    )
