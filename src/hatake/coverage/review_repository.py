"""Queries of the weekly review: a week's touches per account owner, channel and kind, and the
tasks done in a week and overdue at its end per assignee. Owners and assignees are named as
coverage names them (the user's name; None for nobody)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hatake.coverage.models import Task, Touchpoint
from hatake.team.models import User


def touch_counts(session: Session, since: datetime, until: datetime) -> list[Any]:
    """(account_id, channel, is_meaningful, is_automated, touches) of the touches in
    [since, until), per account: the caller credits them to the account's owner, so a CSM's
    book of accounts counts every touch it received, whoever logged it."""
    statement = (
        select(
            Touchpoint.account_id,
            Touchpoint.channel,
            Touchpoint.is_meaningful,
            Touchpoint.is_automated,
            func.count().label("touches"),
        )
        .where(Touchpoint.occurred_at >= since, Touchpoint.occurred_at < until)
        .group_by(
            Touchpoint.account_id,
            Touchpoint.channel,
            Touchpoint.is_meaningful,
            Touchpoint.is_automated,
        )
    )
    return list(session.execute(statement).all())


def tasks_done(session: Session, since: datetime, until: datetime) -> dict[str | None, int]:
    """Tasks completed in [since, until), per assignee."""
    statement = (
        select(User.name, func.count())
        .select_from(Task)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(Task.status == "done", Task.completed_at >= since, Task.completed_at < until)
        .group_by(User.name)
    )
    return {name: int(count) for name, count in session.execute(statement).all()}


def tasks_overdue(session: Session, last_day: date, until: datetime) -> dict[str | None, int]:
    """Tasks overdue at the end of ``last_day`` (``until`` is the moment that day ends): due on
    or before it, created before it ended and not completed by then, per assignee. A task
    done later was still open then, so a past week reads the same whenever it is asked."""
    statement = (
        select(User.name, func.count())
        .select_from(Task)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(
            Task.due_on <= last_day,
            Task.created_at < until,
            or_(Task.completed_at.is_(None), Task.completed_at >= until),
        )
        .group_by(User.name)
    )
    return {name: int(count) for name, count in session.execute(statement).all()}
