"""Today's queue of one CSM or of the whole team, snoozes, and who may see which queue. The
ranking is in ``queue.py``; this module gathers the facts. Services flush; the boundary
commits."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.errors import Forbidden, InvalidField, NotFound
from hatake.core.settings import Settings
from hatake.coverage import queue_repository as repository
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.queue import AccountFacts, QueueRow, days_overdue, next_step_due, rank
from hatake.coverage.queue_config import QueueConfig, parse_queue_config
from hatake.coverage.queue_models import QueueSnooze
from hatake.health.service import org_time_zone
from hatake.health.versions import active_version
from hatake.lifecycle import matrix_repository
from hatake.lifecycle.matrix import cell_key
from hatake.lifecycle.matrix_config import MatrixConfig
from hatake.lifecycle.tiers import TIER_ORDER
from hatake.team import repository as team_repository
from hatake.team.models import User

# Who may look at any CSM's queue or the whole team's; a CSM sees their own.
QUEUE_PICKERS = ("admin", "manager", "viewer")
REASON_MAX = 500


def queue_config(settings: Settings) -> QueueConfig:
    """The checked ``[queue]`` section of this process's config.toml."""
    return parse_queue_config(settings.file_config.queue)


@dataclass(frozen=True)
class QueueLine:
    row: QueueRow
    external_id: str
    name: str
    owner: str | None


@dataclass(frozen=True)
class SnoozedAccount:
    """An account of the queue's owner under a snooze on the queue's day (the snooze lasting
    longest when there are several)."""

    snooze: QueueSnooze
    external_id: str
    name: str
    by: str | None  # who snoozed it
    hidden: bool  # due that day: the snooze keeps it out of the queue


@dataclass(frozen=True)
class Queue:
    day: date
    owner: User | None  # None: the whole team
    lines: list[QueueLine]
    snoozed: int  # accounts of this queue hidden by a snooze
    config: QueueConfig
    snoozes: list[SnoozedAccount]


class OtherQueueForbidden(Forbidden):
    message_key = "CSMs see their own queue; a manager can open another CSM's or the team's."


class UnknownTeamMember(NotFound):
    message_key = "CSM: no team member is called {value}."


class AmbiguousTeamMember(InvalidField):
    def __init__(self, value: str) -> None:
        super().__init__(
            "CSM: {value} is the name of several team members; use the e-mail.",
            field="owner",
            value=value,
        )


def find_member(session: Session, name_or_email: str) -> User:
    """The team member with this e-mail (any case) or exactly this name."""
    text = name_or_email.strip()
    user = team_repository.get_user_by_email(session, text)
    if user is not None:
        return user
    named = [user for user in team_repository.list_users(session) if user.name == text]
    if len(named) > 1:
        raise AmbiguousTeamMember(text)
    if not named:
        raise UnknownTeamMember(value=text)
    return named[0]


def owner_to_show(session: Session, viewer: User, requested: str | None) -> User | None:
    """Whose queue ``viewer`` sees: ``requested`` is an e-mail or name, ``all`` for the whole
    team, or None for the default (a CSM's own queue, the team's for the others)."""
    picker = viewer.role in QUEUE_PICKERS
    if not requested:
        return None if picker else viewer
    if requested == "all":
        if not picker:
            raise OtherQueueForbidden()
        return None
    owner = find_member(session, requested)
    if owner.id != viewer.id and not picker:
        raise OtherQueueForbidden()
    return owner


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone)


def build_queue(
    session: Session,
    analytics: DuckDBBackend,
    *,
    day: date,
    owner: User | None,
    config: QueueConfig,
    cadences: CadenceConfig,
    matrix_config: MatrixConfig,
) -> Queue:
    """The queue of ``owner`` (None: the whole team) on ``day``: one statement for the accounts
    with their last touches and promises, then the tickets, matrix cells and health changes
    of the accounts that are due only."""
    zone = ZoneInfo(org_time_zone(session))
    until = _day_start(day + timedelta(days=1), zone)
    automated_tiers = cadences.automated_touches_count_for

    def due_before(cadence: int) -> datetime:
        # A last touch before this moment is at least ``cadence`` days old on ``day``.
        return _day_start(day - timedelta(days=cadence - 1), zone)

    rows = repository.accounts_in_scope(
        session,
        day,
        until,
        None if owner is None else owner.id,
        due_before={tier: due_before(cadences.cadence_for(tier)) for tier in TIER_ORDER},
        untiered_due_before=due_before(cadences.default_days),
        with_sends=bool(automated_tiers),
    )
    # Latest end first, so the first snooze of an account is the one lasting longest.
    snoozes: dict[int, Any] = {}
    for snoozed in repository.snoozes(
        session, day=day, owner_id=None if owner is None else owner.id
    ):
        snoozes.setdefault(snoozed.QueueSnooze.account_id, snoozed)
    facts: dict[int, AccountFacts] = {}
    hidden: set[int] = set()
    for row in rows:
        tier = row.tier
        moments = [row.last_touch, row.last_send if tier in automated_tiers else None]
        last = max((moment for moment in moments if moment is not None), default=None)
        account = AccountFacts(
            account_id=row.id,
            tier=tier,
            cadence_days=cadences.cadence_for(tier),
            last_touch=None if last is None else last.astimezone(zone).date(),
            under_contract_since=row.since,
            next_step_on=row.promised_on,
            renews_on=row.renews_on,
        )
        if days_overdue(account, day) is None and not next_step_due(account, day):
            continue
        if row.id in snoozes:
            hidden.add(row.id)
        else:
            facts[row.id] = account
    info = {row.id: row for row in rows if row.id in facts}
    tickets = repository.urgent_unresolved_tickets(session, facts)
    cells = {
        line.id: cell_key(line.id_band, line.tenure_band)
        for line in matrix_repository.account_lines(session, day, matrix_config, list(facts))
    }
    health = repository.health_changes(
        analytics, active_version(session), day, config.health_drop_days
    )
    complete = []
    for account_id, account in facts.items():
        cell = cells.get(account_id)
        change = health.get(info[account_id].external_id)
        complete.append(
            replace(
                account,
                health_drop=None if change is None else change.drop,
                must_not_lose_cell=cell if cell in matrix_config.must_not_lose else None,
                urgent_tickets=tickets.get(account_id, 0),
            )
        )
    lines = [
        QueueLine(
            row=ranked,
            external_id=info[ranked.account_id].external_id,
            name=info[ranked.account_id].name,
            owner=info[ranked.account_id].owner,
        )
        for ranked in rank(complete, day, config)
    ]
    snoozed_accounts = [
        SnoozedAccount(
            snooze=row.QueueSnooze,
            external_id=row.external_id,
            name=row.name,
            by=row.user_name,
            hidden=account_id in hidden,
        )
        for account_id, row in snoozes.items()
    ]
    return Queue(
        day=day,
        owner=owner,
        lines=lines,
        snoozed=len(hidden),
        config=config,
        snoozes=snoozed_accounts,
    )


def queue_line(queue: Queue, account_id: int) -> QueueLine | None:
    return next((line for line in queue.lines if line.row.account_id == account_id), None)


def snoozed_account(queue: Queue, account_id: int) -> SnoozedAccount | None:
    return next((s for s in queue.snoozes if s.snooze.account_id == account_id), None)


# --- snoozes ---------------------------------------------------------------------------------


def snooze(
    session: Session,
    *,
    account_id: int,
    user_id: int | None,
    until: date | str,
    reason: str,
    today: date,
) -> QueueSnooze:
    """Keep the account out of the queue until ``until`` (not including it). Raises
    ``InvalidField`` naming the field before anything is added, so a refusal writes nothing."""
    reason = reason.strip()
    if not reason:
        raise InvalidField("Reason: say why the account can wait.", field="reason", value=reason)
    if len(reason) > REASON_MAX:
        raise InvalidField(
            "Reason: at most {max} characters.", field="reason", value=reason, max=REASON_MAX
        )
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until)
        except ValueError:
            raise InvalidField(
                "Until: {value} is not a date.", field="until", value=until
            ) from None
    if until <= today:
        raise InvalidField(
            "Until: {value} is not after today ({today}); a snooze ends on a future day.",
            field="until",
            value=until.isoformat(),
            today=today.isoformat(),
        )
    row = QueueSnooze(account_id=account_id, user_id=user_id, until=until, reason=reason)
    session.add(row)
    session.flush()
    return row


class UnknownSnooze(NotFound):
    message_key = "No snooze with id {snooze_id}."


def end_snooze(session: Session, snooze_id: int) -> None:
    if not repository.delete_snooze(session, snooze_id):
        raise UnknownSnooze(snooze_id=snooze_id)


class NotSnoozed(NotFound):
    message_key = "{name} is not snoozed."


def end_snoozes_of(session: Session, *, account_id: int, name: str, today: date) -> None:
    """End every snooze of the account in force today, so it is back in the queue at once
    when it is due."""
    if not repository.delete_snoozes_in_force(session, account_id, today):
        raise NotSnoozed(name=name)
