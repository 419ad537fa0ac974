"""Today's queue (今日のキュー), pure: which accounts a CSM should contact today and why, ranked
by an additive score whose every part is shown with its numbers. No database.

An account under contract is in the queue when

* its contact is due: the last meaningful touch plus the tier's cadence is today or earlier
  (cadence 14: a touch 14 days ago is due today, 15 days ago is one day overdue, 13 days ago is
  not in the queue); an account never touched counts its days from the day it came under
  contract, so it is always in the queue (it is not covered);
* or a next step promised with a touch has come (on or before today) and no meaningful touch
  was logged after the touch that promised it;

and it is not snoozed (a snooze hides it until, not including, its end day).

Its priority is the sum of (``QueueConfig``):

    days overdue (at most max_overdue_days) x tier weight
    + health points lost over N days x weight       (the account page's N-day change)
    + renewal points when the running term ends within N days
    + must-not-lose points in a must-not-lose matrix cell
    + unresolved urgent tickets x points per ticket
    + next-step points when a promised next step is due
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from hatake.coverage.queue_config import QueueConfig

ReasonKind = Literal["overdue", "health", "renewal", "must_not_lose", "urgent_tickets", "next_step"]


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """What the queue knows of one account under contract on ``day``."""

    account_id: int
    tier: str | None
    cadence_days: int
    last_touch: date | None  # day of the last meaningful touch on or before ``day``
    under_contract_since: date  # counts for an account never touched
    next_step_on: date | None = None  # a promised next step not yet followed by a touch
    health_drop: float | None = None  # points lost over the window; a rise is negative
    renews_on: date | None = None  # end of the running term
    must_not_lose_cell: str | None = None
    urgent_tickets: int = 0


@dataclass(frozen=True, slots=True)
class Reason:
    """One part of the score, with the numbers its wording shows."""

    kind: ReasonKind
    points: float
    amount: float = 0  # days overdue, points lost, days to renewal, tickets
    counted: float | None = None  # the days overdue that count, when capped below ``amount``
    weight: float = 0
    label: str | None = None  # the tier (overdue) or the matrix cell (must-not-lose)
    day: date | None = None  # the promised next step
    window_days: int = 0  # the health window
    never_touched: bool = False


@dataclass(frozen=True, slots=True)
class QueueRow:
    account_id: int
    score: float
    days_overdue: int | None  # None: only a promised next step brings it here
    days_since: int | None  # None: never touched
    cadence_days: int
    tier: str | None
    last_touch: date | None
    reasons: tuple[Reason, ...]


def days_overdue(facts: AccountFacts, day: date) -> int | None:
    """Days past the due day (0: due today); None when contact is not due yet."""
    since = facts.last_touch or facts.under_contract_since
    late = (day - since).days - facts.cadence_days
    if facts.last_touch is None:
        return max(0, late)  # never touched: not covered, so always due
    return late if late >= 0 else None


def next_step_due(facts: AccountFacts, day: date) -> bool:
    return facts.next_step_on is not None and facts.next_step_on <= day


def reasons_for(facts: AccountFacts, day: date, config: QueueConfig) -> list[Reason] | None:
    """The parts of the account's score, or None when it is not in the queue today."""
    overdue = days_overdue(facts, day)
    promised = next_step_due(facts, day)
    if overdue is None and not promised:
        return None
    reasons = []
    if overdue is not None:
        weight = config.tier_weight(facts.tier)
        counted = min(overdue, config.max_overdue_days)
        reasons.append(
            Reason(
                "overdue",
                counted * weight,
                amount=overdue,
                counted=counted if counted < overdue else None,
                weight=weight,
                label=facts.tier,
                never_touched=facts.last_touch is None,
            )
        )
    if facts.health_drop is not None and facts.health_drop > 0:
        weight = config.health_drop_weight
        reasons.append(
            Reason(
                "health",
                facts.health_drop * weight,
                amount=facts.health_drop,
                weight=weight,
                window_days=config.health_drop_days,
            )
        )
    if facts.renews_on is not None and 0 <= (facts.renews_on - day).days <= config.renewal_days:
        reasons.append(
            Reason("renewal", config.renewal_points, amount=(facts.renews_on - day).days)
        )
    if facts.must_not_lose_cell is not None:
        reasons.append(
            Reason("must_not_lose", config.must_not_lose_points, label=facts.must_not_lose_cell)
        )
    if facts.urgent_tickets > 0:
        weight = config.urgent_ticket_points
        reasons.append(
            Reason(
                "urgent_tickets",
                facts.urgent_tickets * weight,
                amount=facts.urgent_tickets,
                weight=weight,
            )
        )
    if promised:
        reasons.append(Reason("next_step", config.next_step_points, day=facts.next_step_on))
    return reasons


def rank(facts: Iterable[AccountFacts], day: date, config: QueueConfig) -> list[QueueRow]:
    """The queue of ``day``: highest score first, then most days overdue, then account id."""
    rows = []
    for account in facts:
        reasons = reasons_for(account, day, config)
        if reasons is None:
            continue
        rows.append(
            QueueRow(
                account_id=account.account_id,
                score=sum(reason.points for reason in reasons),
                days_overdue=days_overdue(account, day),
                days_since=None if account.last_touch is None else (day - account.last_touch).days,
                cadence_days=account.cadence_days,
                tier=account.tier,
                last_touch=account.last_touch,
                reasons=tuple(reasons),
            )
        )
    return sorted(rows, key=lambda row: (-row.score, -(row.days_overdue or 0), row.account_id))


def figure(value: float) -> str:
    """A number as the reasons show it: whole numbers without decimals, else one decimal."""
    rounded = round(value, 1)
    return f"{rounded:,.0f}" if rounded == int(rounded) else f"{rounded:,.1f}"


def describe(reason: Reason, gettext: Callable[[str], str]) -> str:
    """The reason in words with its numbers, e.g. "14 days overdue × high touch 3 = 42"."""
    points = figure(reason.points)
    if reason.kind == "overdue":
        if reason.amount == 0:
            text = gettext("due today")
        else:
            tier = gettext(reason.label) if reason.label else gettext("no tier")
            wording = (
                "{days} days overdue × {tier} {weight} = {points}"
                if reason.counted is None
                else "{days} days overdue (counted as {counted}) × {tier} {weight} = {points}"
            )
            text = gettext(wording).format(
                days=figure(reason.amount),
                counted=figure(reason.counted or 0),
                tier=tier,
                weight=figure(reason.weight),
                points=points,
            )
        if reason.never_touched:
            return gettext("no meaningful touch yet; {overdue}").format(overdue=text)
        return text
    if reason.kind == "health":
        return gettext("health −{drop} in {days} days × {weight} = {points}").format(
            drop=figure(reason.amount),
            days=reason.window_days,
            weight=figure(reason.weight),
            points=points,
        )
    if reason.kind == "renewal":
        if reason.amount == 0:
            return gettext("renews today: +{points}").format(points=points)
        return gettext("renews in {days} days: +{points}").format(
            days=figure(reason.amount), points=points
        )
    if reason.kind == "must_not_lose":
        return gettext("must-not-lose cell {cell}: +{points}").format(
            cell=reason.label, points=points
        )
    if reason.kind == "urgent_tickets":
        wording = (
            "{count} urgent ticket × {weight} = {points}"
            if reason.amount == 1
            else "{count} urgent tickets × {weight} = {points}"
        )
        return gettext(wording).format(
            count=figure(reason.amount), weight=figure(reason.weight), points=points
        )
    assert reason.day is not None  # next_step
    return gettext("next step promised for {date}: +{points}").format(
        date=reason.day.isoformat(), points=points
    )
