from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hatake.accounts.models import Contact
from hatake.core.pagination import PageRequest, paginate
from hatake.core.records import scoped
from hatake.coverage.models import Task, Touchpoint
from hatake.coverage.schemas import TaskFilters, TouchpointFilters
from hatake.team.models import User


def recent_touchpoints(
    session: Session, account_id: int, limit: int = 20
) -> Sequence[tuple[Touchpoint, str | None, str | None]]:
    """The account's latest touchpoints with the contact's and the team member's names."""
    rows = session.execute(
        select(Touchpoint, Contact.name, User.name)
        .outerjoin(Contact, Contact.id == Touchpoint.contact_id)
        .outerjoin(User, User.id == Touchpoint.user_id)
        .where(Touchpoint.account_id == account_id)
        .order_by(Touchpoint.occurred_at.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


# What a touchpoint or task read through the API shows (external ids and emails of its rows).
TOUCHPOINT_LOAD = (
    selectinload(Touchpoint.account),
    selectinload(Touchpoint.contact),
    selectinload(Touchpoint.user),
)
TASK_LOAD = (selectinload(Task.account), selectinload(Task.assignee), selectinload(Task.created_by))
TOUCHPOINT_SORTS = {
    "id": Touchpoint.id,
    "occurred_at": Touchpoint.occurred_at,
    "updated_at": Touchpoint.updated_at,
}


def list_touchpoints(
    session: Session, page: PageRequest, filters: TouchpointFilters
) -> tuple[list[Touchpoint], str | None]:
    """A page of touchpoints; ``occurred_from`` is inclusive and ``occurred_to`` exclusive."""
    statement = scoped(
        select(Touchpoint).options(*TOUCHPOINT_LOAD),
        Touchpoint,
        filters,
        equal=[
            (Touchpoint.channel, filters.channel),
            (Touchpoint.is_meaningful, filters.meaningful),
        ],
        since=[(Touchpoint.occurred_at, filters.occurred_from)],
        before=[(Touchpoint.occurred_at, filters.occurred_to)],
    )
    return paginate(session, statement, sorts=TOUCHPOINT_SORTS, id_column=Touchpoint.id, page=page)


TASK_SORTS = {
    "id": Task.id,
    "due_on": Task.due_on,
    "created_at": Task.created_at,
    "updated_at": Task.updated_at,
}


def list_tasks(
    session: Session, page: PageRequest, filters: TaskFilters
) -> tuple[list[Task], str | None]:
    """A page of tasks; ``due_before`` keeps tasks due strictly before that day."""
    statement = scoped(
        select(Task).options(*TASK_LOAD),
        Task,
        filters,
        equal=[(Task.status, filters.status)],
        before=[(Task.due_on, filters.due_before)],
    )
    if filters.assignee is not None:
        statement = statement.where(Task.assignee.has(email=filters.assignee))
    return paginate(session, statement, sorts=TASK_SORTS, id_column=Task.id, page=page)
