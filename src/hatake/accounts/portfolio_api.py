"""REST API of portfolios: bulk assignment and the workload per CSM."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hatake.accounts import portfolio_service as service
from hatake.accounts.portfolio import WorkloadLine
from hatake.accounts.portfolio_schemas import (
    AccountListFilter,
    AssignmentCreate,
    AssignmentRead,
    WorkloadLineRead,
    WorkloadRead,
)
from hatake.accounts.repository import AccountFilter
from hatake.core.db import utcnow
from hatake.core.errors import InvalidField
from hatake.coverage import coverage_service
from hatake.team import repository as team_repository
from hatake.team.service import org_today
from hatake.web.deps import DbSession, ReadToken, WriteToken

router = APIRouter(prefix="/api/v1/portfolios", tags=["portfolios"])


def _filters(session: DbSession, given: AccountListFilter | None) -> AccountFilter | None:
    if given is None:
        return None
    owner_id = None
    if given.owner is not None:
        owner = team_repository.get_user_by_email(session, given.owner)
        if owner is None:
            raise InvalidField(
                "Filter owner: no team member with email {value}.",
                field="filter.owner",
                value=given.owner,
            )
        owner_id = owner.id
    return AccountFilter(
        search=given.q,
        owner_id=owner_id,
        plan=given.plan,
        status=given.status,
        segment_id=given.segment,
    )


def _selection(session: DbSession, data: AssignmentCreate) -> service.Selection:
    return service.Selection(
        external_ids=tuple(dict.fromkeys(data.account_external_ids)),
        segment_id=data.segment_id,
        filters=_filters(session, data.filter),
    )


@router.post("/assignments", response_model=AssignmentRead, summary="Assign accounts to a CSM")
def create_assignment(
    session: DbSession, token: WriteToken, data: AssignmentCreate
) -> AssignmentRead:
    """Give the accounts (by external ids, a segment's current members or the accounts-list
    filter) to the CSM in one transaction, recording each owner change; accounts the CSM
    already owns are not counted as changed. With ``dry_run`` nothing is written."""
    selection = _selection(session, data)
    if data.dry_run:
        plan = service.plan_assignment(session, selection=selection, to=data.to)
    else:
        plan = service.assign(
            session, selection=selection, to=data.to, changed_by=token.user_id,
            reason=data.reason, now=utcnow(),
        )  # fmt: skip
    return AssignmentRead(
        matched=plan.matched, changed=len(plan.changes), to=plan.to.email, dry_run=data.dry_run
    )


def _line(line: WorkloadLine) -> WorkloadLineRead:
    return WorkloadLineRead(
        owner_email=line.owner.email if line.owner else None,
        owner_name=line.owner.name if line.owner else None,
        accounts=line.accounts,
        arr_minor=line.arr_minor,
        overdue_touches=line.overdue_touches,
        open_tasks=line.open_tasks,
        overdue_tasks=line.overdue_tasks,
    )


@router.get("/workload", response_model=WorkloadRead, summary="Workload per CSM")
def get_workload(request: Request, session: DbSession, _token: ReadToken) -> WorkloadRead:
    """Today's workload per CSM: active accounts, ARR per currency, accounts past their
    contact cadence, open and overdue tasks; the last line (owner null) is what nobody
    owns, ``team`` the sum."""
    report = coverage_service.build_report(
        session,
        day=org_today(session),
        cadences=coverage_service.cadence_config(request.app.state.runtime.settings),
    )
    result = service.workload(session, report=report)
    return WorkloadRead(
        as_of=result.as_of,
        lines=[_line(line) for line in result.lines],
        team=_line(result.team),
    )
