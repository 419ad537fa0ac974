"""Queries behind portfolios: who owns what, the workload sums, owner changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import case, func, insert, or_, select, update
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Subscription
from hatake.accounts.portfolio_models import AccountOwnerChange
from hatake.coverage.models import Task
from hatake.team.models import User


def owners_by_account(session: Session, account_ids: Sequence[int]) -> dict[int, int | None]:
    """The owner of each of these accounts (those that exist)."""
    if not account_ids:
        return {}
    rows = session.execute(
        select(Account.id, Account.owner_id).where(Account.id.in_(account_ids))
    ).all()
    return {row[0]: row[1] for row in rows}


def ids_by_external_id(session: Session, external_ids: Sequence[str]) -> dict[str, int]:
    if not external_ids:
        return {}
    rows = session.execute(
        select(Account.external_id, Account.id).where(Account.external_id.in_(external_ids))
    ).all()
    return {row[0]: row[1] for row in rows}


def set_owner(
    session: Session,
    changes: Sequence[tuple[int, int | None]],
    *,
    to_user_id: int,
    changed_by_id: int | None,
    reason: str | None,
    now: datetime,
) -> None:
    """Give the accounts of ``changes`` (account id, previous owner) to ``to_user_id`` and
    write one history row each: two statements, whatever the number of accounts."""
    if not changes:
        return
    session.execute(
        update(Account)
        .where(Account.id.in_([account_id for account_id, _previous in changes]))
        .values(owner_id=to_user_id, updated_at=now),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        insert(AccountOwnerChange),
        [
            {
                "account_id": account_id,
                "from_user_id": previous,
                "to_user_id": to_user_id,
                "changed_by_id": changed_by_id,
                "changed_at": now,
                "reason": reason,
            }
            for account_id, previous in changes
        ],
    )
    session.flush()


def owner_history(
    session: Session, account_id: int, limit: int = 20
) -> Sequence[AccountOwnerChange]:
    return session.scalars(
        select(AccountOwnerChange)
        .where(AccountOwnerChange.account_id == account_id)
        .order_by(AccountOwnerChange.changed_at.desc(), AccountOwnerChange.id.desc())
        .limit(limit)
    ).all()


def owned_counts(session: Session) -> dict[int | None, int]:
    """Active accounts per owner (None: nobody's)."""
    rows = session.execute(
        select(Account.owner_id, func.count())
        .where(Account.status == "active")
        .group_by(Account.owner_id)
    ).all()
    return {row[0]: int(row[1]) for row in rows}


def active_mrr(session: Session) -> list[tuple[int | None, str, int]]:
    """(owner, currency, MRR) summed over the active subscriptions of each owner's accounts."""
    rows = session.execute(
        select(Account.owner_id, Subscription.currency, func.sum(Subscription.mrr_minor))
        .join(Account, Account.id == Subscription.account_id)
        .where(Subscription.status == "active")
        .group_by(Account.owner_id, Subscription.currency)
    ).all()
    return [(row[0], row[1], int(row[2])) for row in rows]


def task_counts(session: Session, today: date) -> dict[int | None, tuple[int, int]]:
    """(open, overdue) tasks per assignee; overdue is due before ``today``."""
    overdue = func.sum(case((Task.due_on < today, 1), else_=0))
    rows = session.execute(
        select(Task.assignee_id, func.count(), overdue)
        .where(Task.status == "open")
        .group_by(Task.assignee_id)
    ).all()
    return {row[0]: (int(row[1]), int(row[2] or 0)) for row in rows}


def workload_people(session: Session, roles: Sequence[str]) -> Sequence[User]:
    """Who gets a workload line: active members with one of ``roles`` and anyone who still
    owns an account or has an open task, by name."""
    owners = select(Account.owner_id).where(Account.owner_id.is_not(None))
    assignees = select(Task.assignee_id).where(Task.status == "open", Task.assignee_id.is_not(None))
    return session.scalars(
        select(User)
        .where(
            or_(
                User.is_active.is_(True) & User.role.in_(roles),
                User.id.in_(owners),
                User.id.in_(assignees),
            )
        )
        .order_by(User.name, User.id)
    ).all()
