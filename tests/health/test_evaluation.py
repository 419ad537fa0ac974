"""Realised churn for free plans (inactivity after the as-of date), hand-computed, and the
time split of the fit against leakage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pyarrow as pa
import pytest
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.core.settings import HealthConfig
from hatake.health.evaluation import (
    as_of_dates,
    free_accounts_on,
    inactive_free_accounts,
    longest_idle_run,
    realised_churn,
)
from hatake.usage import store
from tests.helpers import create_account, create_subscription

AS_OF = date(2026, 3, 31)


def _day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


def _events(runtime: Runtime, rows: list[tuple[str, date]]) -> None:
    # 23:00 UTC, late in the UTC day, so a day boundary mistake would show.
    stamps = [datetime.combine(day, time(23), tzinfo=UTC) for _account, day in rows]
    store.append_events(
        runtime.analytics(),
        pa.table(
            {
                "message_id": [f"m{index}" for index in range(len(rows))],
                "account_id": [account for account, _day in rows],
                "user_id": ["u1"] * len(rows),
                "event": ["login"] * len(rows),
                "timestamp": stamps,
                "properties": [None] * len(rows),
                "received_at": [None] * len(rows),
            }
        ),
    )


def test_longest_idle_run_by_hand() -> None:
    first, last = date(2026, 4, 1), date(2026, 4, 10)
    assert longest_idle_run([], first, last) == 10
    # Active on the 3rd and the 8th: idle 1-2 (2), 4-7 (4), 9-10 (2).
    assert longest_idle_run([date(2026, 4, 3), date(2026, 4, 8)], first, last) == 4
    # Days outside the window do not break a run inside it.
    assert longest_idle_run([date(2026, 3, 31), date(2026, 4, 11)], first, last) == 10
    assert longest_idle_run([first + timedelta(days=n) for n in range(10)], first, last) == 0
    assert longest_idle_run([], last, first) == 0


def test_free_accounts_are_those_with_only_free_terms_running(session: Session) -> None:
    free = create_account(session, external_id="FREE")
    create_subscription(session, free, plan="free", mrr_minor=0, start_date=date(2025, 1, 1))
    mixed = create_account(session, external_id="MIXED")
    create_subscription(session, mixed, plan="free", mrr_minor=0, start_date=date(2025, 1, 1))
    create_subscription(session, mixed, plan="pro", start_date=date(2025, 1, 1))
    paid = create_account(session, external_id="PAID")
    create_subscription(session, paid, plan="pro", start_date=date(2025, 1, 1))
    later = create_account(session, external_id="LATER")
    create_subscription(session, later, plan="free", mrr_minor=0, start_date=_day(1))
    ended = create_account(session, external_id="ENDED")
    create_subscription(
        session, ended, plan="free", mrr_minor=0, start_date=date(2025, 1, 1), end_date=AS_OF
    )
    session.commit()
    assert free_accounts_on(session, AS_OF, ["free"]) == {"FREE"}
    assert free_accounts_on(session, AS_OF, []) == set()


def test_inactivity_churn_reads_only_events_after_the_as_of_day(
    session: Session, runtime: Runtime
) -> None:
    for external_id in ("BUSY", "DORMANT", "LATE_GAP", "SHORT_GAP", "OLD_ONLY", "PAID"):
        account = create_account(session, external_id=external_id)
        plan = "pro" if external_id == "PAID" else "free"
        create_subscription(session, account, plan=plan, start_date=date(2025, 1, 1))
    session.commit()
    events = [("BUSY", _day(n)) for n in range(1, 91, 20)]  # gaps of 19 days
    # Active up to the as-of day, then never again: 90 idle days after it.
    events += [("DORMANT", _day(n)) for n in range(-30, 1)]
    # Active on days 1..30, then idle 31..90: exactly 60 idle days inside the window.
    events += [("LATE_GAP", _day(n)) for n in range(1, 31)]
    # Active 1..31, idle 32..90 (59 days), then active again on day 91 (outside the window).
    events += [("SHORT_GAP", _day(n)) for n in range(1, 32)] + [("SHORT_GAP", _day(91))]
    # Only events long before: the label must not depend on them (idle after as-of all along).
    events += [("OLD_ONLY", _day(-200))]
    events += [("PAID", _day(-5))]
    _events(runtime, events)
    churned = inactive_free_accounts(
        session,
        runtime.analytics(),
        as_of=AS_OF,
        horizon_days=90,
        free_plans=["free"],
        inactivity_days=60,
    )
    assert churned == {"DORMANT", "LATE_GAP", "OLD_ONLY"}
    # A horizon shorter than the inactivity period can never show it.
    assert (
        inactive_free_accounts(
            session,
            runtime.analytics(),
            as_of=AS_OF,
            horizon_days=59,
            free_plans=["free"],
            inactivity_days=60,
        )
        == set()
    )


def test_events_after_the_as_of_day_decide_so_earlier_ones_change_nothing(
    session: Session, runtime: Runtime
) -> None:
    account = create_account(session, external_id="F")
    create_subscription(session, account, plan="free", start_date=date(2025, 1, 1))
    session.commit()
    _events(runtime, [("F", _day(n)) for n in range(1, 91, 10)])
    config = HealthConfig(free_plans=["free"], churn_inactivity_days=60)
    before = realised_churn(
        session, runtime.analytics(), as_of=AS_OF, horizon_days=90, config=config
    )
    _events(runtime, [("F", _day(-n)) for n in range(1, 100)])  # a lot of earlier activity
    after = realised_churn(
        session, runtime.analytics(), as_of=AS_OF, horizon_days=90, config=config
    )
    assert before == after == set()


def test_contract_churn_and_inactivity_churn_are_both_counted(
    session: Session, runtime: Runtime
) -> None:
    gone = create_account(session, external_id="GONE", status="churned")
    create_subscription(session, gone, start_date=date(2025, 1, 1), end_date=_day(10))
    idle = create_account(session, external_id="IDLE")
    create_subscription(session, idle, plan="trial", start_date=date(2025, 1, 1))
    session.commit()
    runtime.analytics()
    config = HealthConfig(free_plans=["trial"], churn_inactivity_days=30)
    assert realised_churn(
        session, runtime.analytics(), as_of=AS_OF, horizon_days=30, config=config
    ) == {"GONE", "IDLE"}
    off = HealthConfig(free_plans=[], churn_inactivity_days=30)
    assert realised_churn(
        session, runtime.analytics(), as_of=AS_OF, horizon_days=30, config=off
    ) == {"GONE"}


def test_as_of_dates() -> None:
    assert as_of_dates(date(2026, 1, 1), date(2026, 3, 1), 30) == [
        date(2026, 1, 1),
        date(2026, 1, 31),
    ]
    assert as_of_dates(date(2026, 1, 1), date(2026, 3, 2), 30)[-1] == date(2026, 3, 2)
    with pytest.raises(Exception, match="before it starts"):
        as_of_dates(date(2026, 3, 1), date(2026, 1, 1), 30)
