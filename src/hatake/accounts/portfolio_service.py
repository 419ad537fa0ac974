"""Portfolios: give accounts to a CSM one by one or in bulk (a segment, the accounts-list
filter, a list of external ids), each change recorded in ``account_owner_changes``, and each
CSM's workload. Services flush; the boundary commits, so a bulk assignment is one
transaction. Every check runs before anything is written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.orm import Session

from hatake.accounts import portfolio_repository as repository
from hatake.accounts.portfolio import Person, WorkloadLine, totals, workload_lines
from hatake.accounts.repository import AccountFilter, filtered_account_ids
from hatake.core.errors import Forbidden, HatakeError, InvalidField
from hatake.coverage.coverage_service import CoverageReport
from hatake.lifecycle import segment_service
from hatake.team import repository as team_repository
from hatake.team.models import User

# Who may own accounts, and who may move them.
OWNER_ROLES = ("admin", "manager", "csm")
ASSIGNERS = ("admin", "manager")
REASON_MAX = 1000


class AssignForbidden(Forbidden):
    message_key = "Only managers and admins can assign accounts."


def check_assigner(user: User) -> None:
    if user.role not in ASSIGNERS:
        raise AssignForbidden()


@dataclass(frozen=True)
class Selection:
    """The accounts to assign: exactly one of external ids, account ids (the account page),
    a segment's current members or the accounts-list filter."""

    external_ids: tuple[str, ...] = ()
    account_ids: tuple[int, ...] = ()
    segment_id: int | None = None
    filters: AccountFilter | None = None


@dataclass(frozen=True)
class AssignmentPlan:
    to: User
    matched: int
    changes: list[tuple[int, int | None]]  # (account id, current owner) of those that move
    from_owners: dict[int | None, int] = field(default_factory=dict)  # current owner -> count


def new_owner(session: Session, value: str) -> User:
    """The member named by email (or user id, from a form) who is to own the accounts."""
    text = value.strip()
    user = (
        team_repository.get_user(session, int(text))
        if text.isdigit()
        else team_repository.get_user_by_email(session, text)
        if text
        else None
    )
    if user is None or not user.is_active or user.role not in OWNER_ROLES:
        raise InvalidField(
            "CSM: {value} is not an active team member who can own accounts.",
            field="to",
            value=value,
        )
    return user


def _selected_ids(session: Session, selection: Selection) -> list[int]:
    given = [
        bool(selection.external_ids),
        bool(selection.account_ids),
        selection.segment_id is not None,
        selection.filters is not None,
    ]
    if sum(given) != 1:
        raise InvalidField(
            "Choose the accounts one way: account external ids, a segment or a filter.",
            field="selection",
            value=None,
        )
    if selection.external_ids:
        found = repository.ids_by_external_id(session, selection.external_ids)
        missing = [key for key in selection.external_ids if key not in found]
        if missing:
            raise InvalidField(
                "Accounts: no account with external id {value}.",
                field="account_external_ids",
                value=", ".join(missing),
            )
        return sorted(set(found.values()))
    if selection.account_ids:
        known = repository.owners_by_account(session, selection.account_ids)
        missing_ids = [str(key) for key in selection.account_ids if key not in known]
        if missing_ids:
            raise InvalidField(
                "Accounts: no account with id {value}.",
                field="account_ids",
                value=", ".join(missing_ids),
            )
        return sorted(known)
    if selection.segment_id is not None:
        try:
            segment_service.get_segment(session, selection.segment_id)
        except HatakeError:
            raise InvalidField(
                "Segment: no segment with id {value}.",
                field="segment_id",
                value=selection.segment_id,
            ) from None
        return sorted(segment_service.current_member_ids(session, selection.segment_id))
    assert selection.filters is not None
    return filtered_account_ids(session, selection.filters)


def plan_assignment(session: Session, *, selection: Selection, to: str) -> AssignmentPlan:
    """What an assignment would do (the preview); raises naming the bad field."""
    owner = new_owner(session, to)
    owners = repository.owners_by_account(session, _selected_ids(session, selection))
    changes = [(account, current) for account, current in owners.items() if current != owner.id]
    return AssignmentPlan(
        to=owner,
        matched=len(owners),
        changes=sorted(changes),
        from_owners=dict(Counter(current for _account, current in changes)),
    )


def _reason(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > REASON_MAX:
        raise InvalidField(
            "Reason: at most {limit} characters.", field="reason", value=text[:40], limit=REASON_MAX
        )
    return text or None


def assign(
    session: Session,
    *,
    selection: Selection,
    to: str,
    changed_by: int | None,
    reason: str | None,
    now: datetime,
    expected_changes: int | None = None,
) -> AssignmentPlan:
    """Give the selected accounts to ``to``; accounts it already owns are left alone (no
    history row). ``expected_changes`` is the preview's count: if the data moved since, the
    assignment is refused rather than applied to accounts nobody looked at."""
    text = _reason(reason)
    plan = plan_assignment(session, selection=selection, to=to)
    if expected_changes is not None and expected_changes != len(plan.changes):
        raise InvalidField(
            "The selection changed since the preview ({value} accounts would now change "
            "owner); preview again.",
            field="expected",
            value=len(plan.changes),
        )
    repository.set_owner(
        session, plan.changes, to_user_id=plan.to.id, changed_by_id=changed_by, reason=text,
        now=now,
    )  # fmt: skip
    return plan


@dataclass(frozen=True)
class Workload:
    as_of: date
    lines: list[WorkloadLine]
    team: WorkloadLine


def workload(session: Session, *, report: CoverageReport) -> Workload:
    """Each CSM's book on the report's day; accounts past their cadence come from the
    coverage report (its uncovered list), not recomputed here."""
    uncovered_ids = [line.account_id for line in report.uncovered]
    owner_of = repository.owners_by_account(session, uncovered_ids)
    people = [
        Person(id=user.id, name=user.name, email=user.email)
        for user in repository.workload_people(session, ("csm",))
    ]
    lines = workload_lines(
        people,
        owned=repository.owned_counts(session),
        mrr=repository.active_mrr(session),
        uncovered_owners=[owner_of.get(account) for account in uncovered_ids],
        tasks=repository.task_counts(session, report.as_of),
    )
    return Workload(as_of=report.as_of, lines=lines, team=totals(lines))


def owner_names(session: Session, ids: Sequence[int | None]) -> dict[int | None, str | None]:
    """Names of these users (None stays None), for a preview's "from" list."""
    names: dict[int | None, str | None] = {None: None}
    for user_id in ids:
        if user_id is not None:
            user = team_repository.get_user(session, user_id)
            names[user_id] = user.name if user is not None else None
    return names
