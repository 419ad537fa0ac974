"""Profiles chosen by tier and stage: the scoring inputs carry each account's recorded tier and
stage on each day, so a definition's profile rules can select by them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health.definition import default_definition
from hatake.health.service import day_inputs, scores_by_account
from hatake.lifecycle.models import LifecyclePeriod
from tests.helpers import create_account, create_subscription


def _period(session: Session, account_id: int, dimension: str, value: str, entered: date,
            left: date | None = None) -> None:  # fmt: skip
    session.add(
        LifecyclePeriod(
            account_id=account_id,
            dimension=dimension,
            value=value,
            entered_on=entered,
            left_on=left,
        )
    )


def test_tier_and_stage_on_each_day_select_the_profile(session: Session, runtime: Runtime) -> None:
    tech = create_account(session, external_id="TECH")
    high = create_account(session, external_id="HIGH")
    unknown = create_account(session, external_id="NONE")
    for account in (tech, high, unknown):
        create_subscription(session, account, start_date=date(2026, 1, 1))
    _period(session, tech.id, "tier", "low_touch", date(2026, 1, 1), left=date(2026, 6, 10))
    _period(session, tech.id, "tier", "tech_touch", date(2026, 6, 10))
    _period(session, tech.id, "stage", "onboarding", date(2026, 1, 1), left=date(2026, 3, 1))
    _period(session, tech.id, "stage", "adoption", date(2026, 3, 1))
    _period(session, high.id, "tier", "high_touch", date(2026, 1, 1))
    session.flush()
    settings = runtime.settings
    inputs = day_inputs(
        session,
        runtime.analytics(),
        start=date(2026, 6, 9),
        end=date(2026, 6, 10),
        config=settings.file_config.health,
        custom_keys=[],
    )
    seen = {
        (account, str(day)): (tier, stage)
        for account, day, tier, stage in zip(
            inputs.table["account_id"].to_pylist(),
            inputs.table["day"].to_pylist(),
            inputs.attributes["tier"],
            inputs.attributes["stage"],
            strict=True,
        )
    }
    # A period holds from the day it was entered up to, not including, the day it was left.
    assert seen[("TECH", "2026-06-09")] == ("low_touch", "adoption")
    assert seen[("TECH", "2026-06-10")] == ("tech_touch", "adoption")
    assert seen[("HIGH", "2026-06-10")] == ("high_touch", None)
    assert seen[("NONE", "2026-06-10")] == (None, None)

    one_day = day_inputs(
        session,
        runtime.analytics(),
        start=date(2026, 6, 10),
        end=date(2026, 6, 10),
        config=settings.file_config.health,
        custom_keys=[],
    )
    profiles = {
        account: result.profile
        for account, result in scores_by_account(one_day, default_definition()).items()
    }
    assert profiles == {"TECH": "tech_touch", "HIGH": "default", "NONE": "default"}
