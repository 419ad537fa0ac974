"""The weekly review of one ISO week against the week before: per CSM and for the team,
accounts owned and coverage at the week's end (the coverage report of that day), touches by
channel and kind, tasks done and overdue, and the accounts whose health grade worsened. Reads
only; the arithmetic is in ``review.py``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.coverage import coverage_repository, coverage_service
from hatake.coverage import review_repository as repository
from hatake.coverage.cadence import CadenceConfig
from hatake.coverage.models import CHANNELS
from hatake.coverage.review import (
    Figures,
    IsoWeek,
    ReviewRow,
    Worsened,
    last_complete_week,
    measured_until,
    parse_week,
    rows,
    team,
)
from hatake.health import movement, versions
from hatake.health.definition import Definition, Grade
from hatake.health.service import org_time_zone
from hatake.team.service import org_today


@dataclass(frozen=True)
class WeekSpan:
    week: IsoWeek
    last_day: date  # Sunday, or today while the week runs

    @property
    def in_progress(self) -> bool:
        return self.last_day < self.week.sunday


@dataclass(frozen=True)
class WeeklyReview:
    this: WeekSpan
    previous: WeekSpan
    rows: list[ReviewRow]
    team: ReviewRow
    channels: tuple[str, ...]
    grades: dict[str, Grade]  # of the active health definition, by key
    # The scored days the grades were compared on (None: no scores to compare).
    graded: tuple[date, date] | None


@dataclass(frozen=True)
class GradeMoves:
    """The accounts whose grade worsened between the last scored day before a week began and
    its last scored day in it (``days``; None when there is nothing to compare)."""

    moved: list[movement.MovedAccount]
    days: tuple[date, date] | None


def spans(week: IsoWeek, today: date) -> tuple[WeekSpan, WeekSpan]:
    """The week asked (to today while it runs) and the whole week before it."""
    return WeekSpan(week, measured_until(week, today)), WeekSpan(
        week.previous(), week.previous().sunday
    )


def grade_moves(analytics: DuckDBBackend, definition: Definition, span: WeekSpan) -> GradeMoves:
    """Read from the stored health scores; the caller holds the runtime's analytics lock."""
    before = movement.latest_day(
        analytics, definition.version, on_or_before=span.week.monday - timedelta(days=1)
    )
    after = movement.latest_day(analytics, definition.version, on_or_before=span.last_day)
    if before is None or after is None or after <= before:
        return GradeMoves([], None)
    keys = [grade.key for grade in definition.grades]
    moved = movement.moved_accounts(analytics, definition.version, keys, since=before, as_of=after)
    return GradeMoves(moved, (before, after))


def _week_figures(
    session: Session, *, span: WeekSpan, moves: GradeMoves, cadences: CadenceConfig
) -> dict[str | None, Figures]:
    zone = ZoneInfo(org_time_zone(session))
    since = coverage_service.day_start(span.week.monday, zone)
    until = coverage_service.day_start(span.last_day + timedelta(days=1), zone)
    figures: dict[str | None, Figures] = defaultdict(Figures)

    report = coverage_service.build_report(session, day=span.last_day, cadences=cadences)
    for owner, share in report.by_owner.items():
        figures[owner].accounts, figures[owner].covered = share.total, share.covered
    # Everything about accounts is credited to whoever owned them when the week ended.
    accounts = coverage_repository.accounts_with_owner(session, until)
    owner_of = {account.id: account.owner for account in accounts}
    for row in repository.touch_counts(session, since, until):
        kind = "automated" if row.is_automated else "meaningful" if row.is_meaningful else "other"
        figures[owner_of.get(row.account_id)].touches[(row.channel, kind)] += row.touches
    for owner, count in repository.tasks_done(session, since, until).items():
        figures[owner].tasks_done = count
    for owner, count in repository.tasks_overdue(session, span.last_day, until).items():
        figures[owner].tasks_overdue = count

    # Only the accounts the CSM still holds: one that churned is out of the book.
    by_external_id = {account.external_id: account for account in accounts}
    held = set(report.account_ids)
    for line in moves.moved:
        account = by_external_id.get(line.account_id)
        if account is None or account.id not in held:
            continue
        figures[account.owner].worsened.append(
            Worsened(
                account_id=account.id,
                external_id=account.external_id,
                name=account.name,
                owner=account.owner,
                grade_before=line.grade_before,
                grade_after=line.grade_after,
                score_before=line.score_before,
                score_after=line.score_after,
            )
        )
    return dict(figures)


def build_review(
    session: Session,
    *,
    weeks: tuple[WeekSpan, WeekSpan],
    moves: Mapping[WeekSpan, GradeMoves],
    cadences: CadenceConfig,
    definition: Definition,
) -> WeeklyReview:
    """The first of ``weeks`` (see ``spans``) against the second, with the grade moves of
    each read beforehand (``grade_moves``)."""
    this, previous = weeks
    now = _week_figures(session, span=this, moves=moves[this], cadences=cadences)
    before = _week_figures(session, span=previous, moves=moves[previous], cadences=cadences)
    review_rows = rows(now, before)
    return WeeklyReview(
        this=this,
        previous=previous,
        rows=review_rows,
        team=team(review_rows),
        channels=CHANNELS,
        grades={grade.key: grade for grade in definition.grades},
        graded=moves[this].days,
    )


def review_for(session: Session, runtime: Runtime, *, week: str | None) -> WeeklyReview:
    """The review a page, the API or the CLI asks for: ``week`` as typed (2026-W47), or the
    last complete week when left out. The analytics lock is held only to read the grades."""
    today = org_today(session)
    weeks = spans(parse_week(week) if week else last_complete_week(today), today)
    definition = versions.active_definition(session)
    with runtime.analytics_lock:
        analytics = runtime.analytics()
        moves = {span: grade_moves(analytics, definition, span) for span in weeks}
    return build_review(
        session,
        weeks=weeks,
        moves=moves,
        cadences=coverage_service.cadence_config(runtime.settings),
        definition=definition,
    )
