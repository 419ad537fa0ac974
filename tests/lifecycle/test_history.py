"""Stage and tier histories over time on hand-built accounts, on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from hatake.core.db import transaction
from hatake.core.runtime import Runtime, open_runtime
from hatake.core.settings import Settings
from hatake.lifecycle import service
from hatake.team.service import org_today
from tests.helpers import create_account, create_subscription, create_user
from tests.lifecycle.lifecycle_data import add_events, write_config

START, RENEWAL = date(2026, 1, 1), date(2027, 1, 1)


@pytest.fixture
def lifecycle_runtime(settings: Settings):  # type: ignore[no-untyped-def]
    runtime = open_runtime(write_config(settings))
    yield runtime
    runtime.close()


def _accounts(runtime: Runtime) -> tuple[int, int]:
    with transaction(runtime.sessions) as session:
        growing = create_account(session, external_id="ACC-A", start_date=START)
        create_subscription(
            session, growing, start_date=START, end_date=RENEWAL, mrr_minor=50_000, seats=10
        )
        slow = create_account(session, external_id="ACC-B", start_date=START)
        create_subscription(session, slow, start_date=START, end_date=None, mrr_minor=49_999)
        ids = growing.id, slow.id
    add_events(
        runtime,
        [
            ("ACC-A", "u1", "login", date(2026, 1, 10)),
            ("ACC-A", "u2", "report", date(2026, 1, 20)),
        ],
    )
    return ids


def _refresh(runtime: Runtime, *days: date) -> list[service.RefreshedDay]:
    done = []
    for day in days:
        with transaction(runtime.sessions) as session:
            done.append(
                service.refresh_stages(session, runtime.analytics(), day, settings=runtime.settings)
            )
    return done


def _stages(runtime: Runtime, ids: tuple[int, ...], day: date) -> dict[int, str]:
    with transaction(runtime.sessions) as session:
        return service.stage_of(session, ids, day)


def test_onboarding_adoption_renewal_churned(lifecycle_runtime: Runtime) -> None:
    runtime = lifecycle_runtime
    growing, slow = _accounts(runtime)
    days = [date(2026, 1, 5), date(2026, 1, 25), date(2026, 3, 10), date(2026, 10, 5),
            date(2027, 1, 2)]  # fmt: skip
    results = _refresh(runtime, *days)
    assert [result.accounts for result in results] == [2, 2, 2, 2, 2]
    both = (growing, slow)
    assert _stages(runtime, both, date(2026, 1, 5)) == {growing: "onboarding", slow: "onboarding"}
    # Both milestones reached on 1-20: adoption from the next refreshed day.
    assert _stages(runtime, both, date(2026, 1, 24)) == {growing: "onboarding", slow: "onboarding"}
    assert _stages(runtime, both, date(2026, 1, 25))[growing] == "adoption"
    # The window opens 90 days before the renewal date (2026-10-03).
    assert _stages(runtime, both, date(2026, 10, 5)) == {growing: "renewal", slow: "adoption"}
    assert _stages(runtime, both, date(2027, 1, 2)) == {growing: "churned", slow: "adoption"}
    assert _stages(runtime, both, date(2025, 12, 31)) == {}

    with transaction(runtime.sessions) as session:
        flows = {
            (f.from_stage, f.to_stage): f.accounts
            for f in service.flow(session, date(2025, 12, 31), date(2027, 1, 2))
        }
        assert flows == {
            (None, "onboarding"): 2,
            ("onboarding", "adoption"): 2,
            ("adoption", "renewal"): 1,
            ("renewal", "churned"): 1,
        }
        # Only moves after the first day up to the last one count.
        later = service.flow(session, date(2026, 10, 5), date(2027, 1, 2))
        assert [(f.from_stage, f.to_stage, f.accounts) for f in later] == [
            ("renewal", "churned", 1)
        ]
        # ARR 12 x 50,000 = 600,000 is exactly the low-touch threshold; 12 x 49,999 is below.
        assert service.tier_of(session, both, date(2026, 2, 1)) == {
            growing: "low_touch",
            slow: "tech_touch",
        }
        assert service.tier_of(session, both, date(2027, 1, 2)) == {slow: "tech_touch"}


def test_stuck_after_expected_days(lifecycle_runtime: Runtime) -> None:
    runtime = lifecycle_runtime
    _growing, slow = _accounts(runtime)
    _refresh(runtime, date(2026, 1, 5), date(2026, 3, 6), date(2026, 3, 7))
    with transaction(runtime.sessions) as session:
        config = service.lifecycle_config(session, runtime.settings).config
        # Onboarding since 1-5, expected 60 days: 60 on 3-6 is not stuck yet, 61 on 3-7 is.
        assert service.stage_report(session, date(2026, 3, 6), config).stuck == []
        report = service.stage_report(session, date(2026, 3, 7), config)
        assert report.counts["onboarding"] == 1
        assert report.counts["adoption"] == 1
        assert [(s.account_id, s.days_in_stage, s.expected_days) for s in report.stuck] == [
            (slow, 61, 60)
        ]
        assert service.time_in_stage(session, slow, date(2026, 3, 7)) == (
            "onboarding",
            date(2026, 1, 5),
            61,
        )


def test_manual_ticks_end_onboarding(lifecycle_runtime: Runtime) -> None:
    runtime = lifecycle_runtime
    _growing, slow = _accounts(runtime)
    _refresh(runtime, date(2026, 1, 5))
    with transaction(runtime.sessions) as session:
        user = create_user(session, role="csm")
        state = service.lifecycle_config(session, runtime.settings)
        for key in ("first_login", "two_users"):
            service.tick_milestone(
                session, state, account_id=slow, key=key, reached_on=date(2026, 1, 8),
                author_id=user.id,
            )  # fmt: skip
    _refresh(runtime, date(2026, 1, 7), date(2026, 1, 8))
    assert _stages(runtime, (slow,), date(2026, 1, 7)) == {slow: "onboarding"}
    assert _stages(runtime, (slow,), date(2026, 1, 8)) == {slow: "adoption"}
    with transaction(runtime.sessions) as session:
        state = service.lifecycle_config(session, runtime.settings)
        service.untick_milestone(session, state, account_id=slow, key="two_users")
    _refresh(runtime, date(2026, 1, 9))
    assert _stages(runtime, (slow,), date(2026, 1, 9)) == {slow: "onboarding"}


def test_tier_override_and_clearing(lifecycle_runtime: Runtime) -> None:
    runtime = lifecycle_runtime
    with transaction(runtime.sessions) as session:
        manager = create_user(session, role="manager")
        account = create_account(session, start_date=START)
        create_subscription(session, account, start_date=START, end_date=None, mrr_minor=1_000)
        today = org_today(session)
        state = service.lifecycle_config(session, runtime.settings)
    _refresh(runtime, today)
    with transaction(runtime.sessions) as session:
        assert service.tier_of(session, [account.id], today) == {account.id: "tech_touch"}
        service.override_tier(
            session, state, account_id=account.id, tier="high_touch",
            reason="戦略顧客", author_id=manager.id,
        )  # fmt: skip
        assert service.tier_of(session, [account.id], today) == {account.id: "high_touch"}
    _refresh(runtime, today)  # the refresh keeps the override
    with transaction(runtime.sessions) as session:
        assert service.tier_of(session, [account.id], today) == {account.id: "high_touch"}
        with pytest.raises(Exception, match="reason"):
            service.override_tier(
                session, state, account_id=account.id, tier="low_touch", reason=" ",
                author_id=manager.id,
            )  # fmt: skip
    with transaction(runtime.sessions) as session:
        service.clear_override(session, state, account_id=account.id, author_id=manager.id)
        assert service.tier_of(session, [account.id], today) == {account.id: "tech_touch"}


def test_invalid_config_keeps_the_previous_one(settings: Settings) -> None:
    valid = write_config(
        settings,
        "[lifecycle]\ntiers = { JPY = { high_touch = 900, low_touch = 100 } }\n",
    )
    runtime = open_runtime(valid)
    try:
        with transaction(runtime.sessions) as session:
            first = service.lifecycle_config(session, valid)
    finally:
        runtime.close()
    assert first.error is None
    assert first.config.tiers["JPY"].high_touch == 900
    broken = write_config(
        settings,
        "[lifecycle]\ntiers = { JPY = { high_touch = 100, low_touch = 900 } }\n",
    )
    runtime = open_runtime(broken)
    try:
        with transaction(runtime.sessions) as session:
            state = service.lifecycle_config(session, broken)
    finally:
        runtime.close()
    assert state.error is not None
    assert state.error.field == "lifecycle.tiers.JPY"
    assert state.version == first.version
    assert state.config.tiers["JPY"].high_touch == 900
