"""Which lifecycle stage an account is in on a day: pure rules over hand-buildable facts.

Stages are tried in the configured order and the first whose rule matches wins. The default
order is churned > renewal > onboarding > expansion > adoption: losing the customer outranks
everything; a contract about to renew needs the renewal conversation even when the account
is new or growing; an account still onboarding is not yet judged on expansion signals; what is
left is adoption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from hatake.lifecycle.lifecycle_config import LifecycleConfig, StageConfig


@dataclass(frozen=True)
class StageFacts:
    """What the rules know about one account on one day (nothing dated after it)."""

    contract_start: date | None  # first day of the account's first term
    running: bool  # a term runs on the day
    ended: bool  # a term ended on or before the day (the account was a customer)
    account_churned: bool = False  # the account's status says churned
    renewal_date: date | None = None  # end date of the running term(s), earliest first
    milestones: Mapping[str, date] = field(default_factory=dict)  # key -> day reached
    seats: int | None = None
    active_users_30d: float | None = None
    events_30d: float | None = None
    events_previous_30d: float | None = None


def milestones_done(facts: StageFacts, keys: Sequence[str], day: date) -> bool:
    return all(key in facts.milestones and facts.milestones[key] <= day for key in keys)


def seat_utilisation_pct(facts: StageFacts) -> float | None:
    if not facts.seats or facts.active_users_30d is None:
        return None
    return 100.0 * facts.active_users_30d / facts.seats


def usage_growth_pct(facts: StageFacts) -> float | None:
    if not facts.events_previous_30d or facts.events_30d is None:
        return None
    return 100.0 * (facts.events_30d / facts.events_previous_30d - 1.0)


def _matches(
    stage: StageConfig, facts: StageFacts, day: date, all_milestones: Sequence[str]
) -> bool:
    if stage.rule == "churned":
        return not facts.running and (facts.ended or facts.account_churned)
    if not facts.running:
        return False
    if stage.rule == "renewal":
        return (
            facts.renewal_date is not None
            and stage.days is not None
            and facts.renewal_date - timedelta(days=stage.days) <= day < facts.renewal_date
        )
    if stage.rule == "onboarding":
        if facts.contract_start is None or stage.days is None:
            return False
        keys = all_milestones if stage.milestones is None else stage.milestones
        within = day < facts.contract_start + timedelta(days=stage.days)
        # Without milestones there is nothing to finish early: the stage lasts its days (all()
        # of no milestones would end it on the first day, and no account would onboard).
        return within and not (keys and milestones_done(facts, keys, day))
    if stage.rule == "expansion":
        seats = seat_utilisation_pct(facts)
        growth = usage_growth_pct(facts)
        return (
            stage.seat_utilisation_pct is not None
            and seats is not None
            and seats >= stage.seat_utilisation_pct
        ) or (
            stage.usage_growth_pct is not None
            and growth is not None
            and growth >= stage.usage_growth_pct
        )
    return True  # default


def stage_for(
    facts: StageFacts, day: date, config: LifecycleConfig, all_milestones: Sequence[str]
) -> str | None:
    """The stage key, or None for an account that has never been under contract."""
    if not facts.running and not facts.ended and not facts.account_churned:
        return None
    for stage in config.stages:
        if _matches(stage, facts, day, all_milestones):
            return stage.key
    return None


def is_stuck(stage: StageConfig | None, entered_on: date, day: date) -> bool:
    """Longer in the stage than its expected duration."""
    if stage is None or stage.expected_days is None:
        return False
    return (day - entered_on).days > stage.expected_days
