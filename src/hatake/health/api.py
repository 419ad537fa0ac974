"""Read-only health scores with their explanation."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hatake.accounts import service as accounts_service
from hatake.core.errors import NotFound
from hatake.health.definition import default_definition
from hatake.health.panel import account_panel
from hatake.health.schemas import FactorRead, HealthRead
from hatake.web.deps import DbSession, ReadToken, request_locale

router = APIRouter(prefix="/api/v1")


@router.get(
    "/accounts/{external_id}/health",
    tags=["health"],
    responses={
        404: {
            "description": "Unknown account, or not scored yet",
            "content": {"application/problem+json": {}},
        }
    },
)
def account_health(
    request: Request, session: DbSession, _token: ReadToken, external_id: str
) -> HealthRead:
    """The account's latest stored score: grade, trend, what changed in 30 days and every
    factor's value, points, weight and contribution."""
    account = accounts_service.get_account(session, external_id=external_id)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        panel = account_panel(
            runtime.analytics(),
            account.external_id,
            default_definition(),
            request_locale(request),
        )
    if panel is None:
        raise NotFound(
            "The account {external_id} has no health score yet.", external_id=external_id
        )
    result = panel.result
    return HealthRead(
        account_external_id=account.external_id,
        as_of=panel.as_of,
        definition_version=result.definition_version,
        profile=result.profile,
        score=result.score,
        grade=result.grade,
        trend={f"{days}d": value for days, value in panel.trends.items()},
        why_changed_30d=panel.change_summary,
        factors=[
            FactorRead(
                metric=factor.metric,
                label=line.label,
                group=factor.group,
                raw_value=factor.raw_value,
                points=factor.points,
                weight=factor.weight_effective,
                contribution=factor.contribution,
                missing=factor.missing,
            )
            for factor, line in zip(result.factors, panel.factors, strict=True)
        ],
    )
