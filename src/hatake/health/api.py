"""Health scores with their explanation, their history and why they changed; CSM sentiment."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, status

from hatake.accounts import service as accounts_service
from hatake.core.errors import NotFound
from hatake.core.i18n import gettext_for
from hatake.health import sentiment
from hatake.health.panel import (
    CHANGE_WINDOW_DAYS,
    Comparison,
    ScoredDay,
    account_panel,
    compare_days,
    history_points,
)
from hatake.health.schemas import (
    FactorChangeRead,
    FactorRead,
    HealthChanges,
    HealthHistory,
    HealthHistoryPoint,
    HealthRead,
    ScoredDayRead,
    SentimentCreate,
    SentimentRead,
)
from hatake.health.versions import active_definition
from hatake.web.deps import DbSession, ReadToken, WriteToken, request_locale

router = APIRouter(prefix="/api/v1")

PROBLEM = {"content": {"application/problem+json": {}}}
ERRORS = {
    401: {"description": "Missing, unknown or revoked token", **PROBLEM},
    403: {"description": "The token lacks the scope", **PROBLEM},
    404: {"description": "Unknown account, or not scored yet", **PROBLEM},
}
DayFrom = Annotated[date | None, Query(alias="from", description="First day (YYYY-MM-DD)")]
DayTo = Annotated[date | None, Query(alias="to", description="Last day (YYYY-MM-DD)")]


def _not_scored(external_id: str) -> NotFound:
    return NotFound("The account {external_id} has no health score yet.", external_id=external_id)


@router.get("/accounts/{external_id}/health", tags=["health"], responses=ERRORS)
def account_health(
    request: Request, session: DbSession, _token: ReadToken, external_id: str
) -> HealthRead:
    """The account's latest stored score: grade, trend, what changed in 30 days and every
    factor's value, points, weight and contribution."""
    account = accounts_service.get_account(session, external_id=external_id)
    definition = active_definition(session)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        panel = account_panel(
            runtime.analytics(), account.external_id, definition, request_locale(request)
        )
    if panel is None:
        raise _not_scored(external_id)
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


@router.get("/accounts/{external_id}/health/history", tags=["health"], responses=ERRORS)
def account_health_history(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    external_id: str,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> HealthHistory:
    """Daily stored scores between two days (both included; open-ended when left out), each
    with the definition version that made it."""
    account = accounts_service.get_account(session, external_id=external_id)
    definition = active_definition(session)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        points = history_points(runtime.analytics(), account.external_id, definition.version)
    return HealthHistory(
        account_external_id=account.external_id,
        points=[
            HealthHistoryPoint(
                as_of=point.as_of,
                definition_version=point.version,
                profile=point.profile,
                score=point.score,
                grade=point.grade,
            )
            for point in points
            if (day_from is None or point.as_of >= day_from)
            and (day_to is None or point.as_of <= day_to)
        ],
    )


@router.get(
    "/accounts/{external_id}/health/changes",
    tags=["health"],
    responses={**ERRORS, 400: {"description": "`from` is after `to`", **PROBLEM}},
)
def account_health_changes(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    external_id: str,
    day_from: DayFrom = None,
    day_to: DayTo = None,
) -> HealthChanges:
    """Why the score changed from one day to another: each day's own stored score (the nearest
    earlier stored day when that day has none), a summary sentence, and every factor's
    contribution and raw value on both days, largest effect first. `to` defaults to the
    latest scored day and `from` to 30 days before `to`."""
    account = accounts_service.get_account(session, external_id=external_id)
    definition = active_definition(session)
    locale = request_locale(request)
    runtime = request.app.state.runtime
    with runtime.analytics_lock:
        con = runtime.analytics()
        points = history_points(con, account.external_id, definition.version)
        if not points:
            raise _not_scored(external_id)
        last = day_to or points[-1].as_of
        first = day_from or last - timedelta(days=CHANGE_WINDOW_DAYS)
        comparison = compare_days(
            con,
            account.external_id,
            first,
            last,
            definition=definition,
            locale=locale,
            points=points,
        )
    return _changes(account.external_id, comparison)


def _changes(external_id: str, comparison: Comparison) -> HealthChanges:
    before, after = comparison.before, comparison.after
    if before is None or after is None:
        missing = comparison.day_from if before is None else comparison.day_to
        raise NotFound("No score is stored on or before {date}.", date=missing.isoformat())
    return HealthChanges(
        account_external_id=external_id,
        before=_scored_day(before),
        after=_scored_day(after),
        delta=comparison.delta,
        definition_changed=comparison.versions_differ,
        summary=comparison.summary or "",
        factors=[
            FactorChangeRead(
                metric=line.metric,
                label=line.label,
                contribution_before=line.contribution_before,
                contribution_after=line.contribution_after,
                delta=line.delta,
                raw_value_before=None if line.missing_before else line.raw_before,
                raw_value_after=None if line.missing_after else line.raw_after,
            )
            for line in comparison.lines
        ],
    )


def _scored_day(day: ScoredDay) -> ScoredDayRead:
    return ScoredDayRead(
        requested=day.requested,
        as_of=day.point.as_of,
        definition_version=day.point.version,
        score=day.result.score,
        grade=day.result.grade,
    )


@router.get("/accounts/{external_id}/sentiments", tags=["health"], responses=ERRORS)
def list_sentiments(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    external_id: str,
    limit: Annotated[int, Query(ge=1, le=100, description="How many, latest first")] = 10,
) -> list[SentimentRead]:
    """The CSMs' ratings of the account, latest first (by the day they describe)."""
    account = accounts_service.get_account(session, external_id=external_id)
    gettext = gettext_for(request_locale(request))
    return [
        _sentiment_read(entry, account.external_id, gettext)
        for entry in sentiment.recent_sentiments(session, account.id, limit=limit)
    ]


@router.post(
    "/accounts/{external_id}/sentiments",
    tags=["health"],
    status_code=status.HTTP_201_CREATED,
    responses={**ERRORS, 400: {"description": "Rating not 1-5, or a future date", **PROBLEM}},
)
def create_sentiment(
    request: Request,
    session: DbSession,
    token: WriteToken,
    external_id: str,
    data: SentimentCreate,
) -> SentimentRead:
    """Record a CSM sentiment rating (1-5). The `csm_sentiment` factor reads the latest rating
    on or before each scored day, from the next refresh on."""
    account = accounts_service.get_account(session, external_id=external_id)
    entry = sentiment.record_sentiment(
        session,
        account_id=account.id,
        rating=data.rating,
        noted_on=data.noted_on,
        note=data.note,
        author_id=token.user_id,
    )
    return _sentiment_read(entry, account.external_id, gettext_for(request_locale(request)))


def _sentiment_read(
    entry: sentiment.SentimentEntry, external_id: str, gettext: Callable[[str], str]
) -> SentimentRead:
    return SentimentRead(
        id=entry.id,
        account_external_id=external_id,
        rating=entry.rating,
        label=gettext(entry.label),
        noted_on=entry.noted_on,
        note=entry.note,
        author_name=entry.author_name,
        created_at=entry.created_at,
    )
