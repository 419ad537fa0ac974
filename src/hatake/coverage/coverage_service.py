"""Contact coverage of a day: who is covered, per CSM, tier, matrix cell and stage, the trend
over the last twelve weeks and the accounts not covered. Reads only; the arithmetic is in
``coverage.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from hatake.core.db import utcnow
from hatake.core.errors import Forbidden, InvalidField, InvalidInput
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository as repository
from hatake.coverage.cadence import CadenceConfig, parse_cadence_config, too_far_ahead
from hatake.coverage.coverage import (
    TARGET,
    AccountCoverage,
    Share,
    covered_mask,
    grouped,
    last_touch_days,
    trend,
    uncovered,
    week_ends,
)
from hatake.coverage.models import CHANNELS, Touchpoint
from hatake.health.service import org_time_zone
from hatake.lifecycle import matrix_repository
from hatake.lifecycle.matrix_config import MatrixConfig
from hatake.lifecycle.service import stage_of, tier_of
from hatake.usage.rollups import local_days


def cadence_config(settings: Settings) -> CadenceConfig:
    """The checked ``[coverage]`` section of this process's config.toml."""
    return parse_cadence_config(settings.file_config.coverage)


@dataclass(frozen=True)
class UncoveredAccount:
    account_id: int
    external_id: str
    name: str
    owner: str | None
    tier: str | None
    cadence_days: int
    last_touch: date | None
    days_since: int | None
    days_overdue: int | None


@dataclass(frozen=True)
class CoverageReport:
    as_of: date
    account_ids: list[int]  # the accounts under contract on as_of
    covered: np.ndarray  # whether each of them is covered
    tiers: dict[int, str]
    overall: Share
    by_owner: dict[str | None, Share]
    by_tier: dict[str | None, Share]
    trend: list[tuple[date, Share]]
    uncovered: list[UncoveredAccount]
    cadences: CadenceConfig
    target: float = TARGET


@dataclass(frozen=True)
class CellsAndStages:
    by_cell: dict[str | None, Share]
    by_stage: dict[str | None, Share]


EPOCH = date(1970, 1, 1).toordinal()


def _latest(first: dict[int, datetime], second: dict[int, datetime]) -> dict[int, datetime]:
    """Per account, the later of two last-touch moments."""
    return {
        account: max(moment for moment in (first.get(account), second.get(account)) if moment)
        for account in first.keys() | second.keys()
    }


def day_start(day: date, zone: ZoneInfo) -> datetime:
    """The moment ``day`` begins in ``zone``: local days as UTC ranges for the queries."""
    return datetime.combine(day, time.min, zone)


def _running(
    days: Sequence[date], rows: list[Any], account_ids: np.ndarray, *, start: int, end: int
) -> np.ndarray:
    """(days, accounts): the row index running on each day (start <= day < end), -1 for none.
    Used for contract terms (any running term) and tier periods (the one recorded)."""
    found = np.full((len(days), len(account_ids)), -1, dtype=np.int64)
    if not rows or not len(account_ids):
        return found
    row_accounts = np.array([row[0] for row in rows], dtype=np.int64)
    owners = np.minimum(np.searchsorted(account_ids, row_accounts), len(account_ids) - 1)
    known = account_ids[owners] == row_accounts
    starts = np.array([row[start].toordinal() for row in rows], dtype=np.int64)
    ends = np.array(
        [row[end].toordinal() if row[end] else date.max.toordinal() for row in rows],
        dtype=np.int64,
    )
    for index, day in enumerate(days):
        on = known & (starts <= day.toordinal()) & (ends > day.toordinal())
        found[index, owners[on]] = np.flatnonzero(on)
    return found


def build_report(session: Session, *, day: date, cadences: CadenceConfig) -> CoverageReport:
    """Coverage on ``day`` with the per-CSM and per-tier breakdowns, the 12-week trend and the
    accounts not covered: a few set-based reads (the names only of the accounts not covered),
    the rest NumPy (see coverage.py)."""
    zone_name = org_time_zone(session)
    zone = ZoneInfo(zone_name)
    days = week_ends(day)
    terms = repository.terms_between(session, days[0], day)
    # Columns by position: a row's attributes by name cost more than the rest of the loop.
    term_accounts, _starts, _ends, term_owners = list(zip(*terms, strict=True)) or [()] * 4
    account_ids = np.unique(np.array(term_accounts, dtype=np.int64))
    n = len(account_ids)
    active = _running(days, terms, account_ids, start=1, end=2) >= 0

    # Tiers can change over twelve weeks; each week end uses the tier recorded that day.
    periods = repository.tier_periods_between(session, days[0], day)
    tier_rows = _running(days, periods, account_ids, start=2, end=3)
    tier_values = [row[1] for row in periods]
    period_cadences = [cadences.default_days] + [cadences.cadence_for(v) for v in tier_values]
    cadence_grid = np.array(period_cadences, dtype=np.int64)[tier_rows + 1]

    # Touches older than (first week end - longest cadence in force) cover no week end.
    longest = int(cadence_grid.max()) if n else cadences.default_days
    until = day_start(day + timedelta(days=1), zone)
    window_start = day_start(days[0] - timedelta(days=longest), zone)

    automated_tiers = cadences.automated_touches_count_for
    touches = repository.touch_moments(
        session, window_start, until, with_sends=bool(automated_tiers)
    )
    known = np.isin(touches.accounts, account_ids)
    touch_days = local_days(touches.moments, zone_name).astype(np.int64) + EPOCH

    def last_grid_of(kind: np.ndarray) -> np.ndarray:
        return last_touch_days(
            days,
            np.searchsorted(account_ids, touches.accounts[known & kind]),
            touch_days[known & kind],
            n,
        )

    last_grid = last_grid_of(~touches.automated)
    if automated_tiers:
        # An automated send counts on the days the account is in a tier configured for it.
        counts = np.array([False] + [v in automated_tiers for v in tier_values])[tier_rows + 1]
        sends = last_grid_of(touches.automated)
        last_grid = np.where(counts, np.maximum(last_grid, sends), last_grid)
    shares = trend(days, last_grid, active, cadence_grid)

    # The day itself, for the accounts under contract on it.
    on = active[-1]
    current = account_ids[on]
    last_days, day_cadences = last_grid[-1][on], cadence_grid[-1][on]
    covered = covered_mask(day, last_days, day_cadences, np.ones(len(current), dtype=bool))
    ids = current.tolist()
    tiers = {
        account: tier_values[row]
        for account, row in zip(ids, tier_rows[-1][on].tolist(), strict=True)
        if row >= 0
    }
    owner_now = dict(zip(term_accounts, term_owners, strict=True))
    owners = repository.owner_names(
        session, until, {account: owner_now[account] for account in ids}
    )
    # "Days since" of an account touched only before the window: its last touch, looked up
    # for those accounts alone (a touch that old covers no cadence).
    untouched = [ids[i] for i in np.flatnonzero(last_days < 0)]
    older = repository.last_touches_before(session, window_start, untouched)
    if automated_tiers:
        older = _latest(
            older,
            repository.last_touches_before(
                session,
                window_start,
                [a for a in untouched if tiers.get(a) in automated_tiers],
                automated=True,
            ),
        )

    def last_touch(position: int) -> date | None:
        if last_days[position] >= 0:
            return date.fromordinal(int(last_days[position]))
        moment = older.get(ids[position])
        return None if moment is None else moment.astimezone(zone).date()

    lines = uncovered(
        AccountCoverage(
            account_id=ids[position],
            cadence_days=int(day_cadences[position]),
            last_touch=last_touch(position),
            day=day,
        )
        for position in np.flatnonzero(~covered).tolist()
    )
    names = repository.account_names(session, [line.account_id for line in lines])
    missing = [
        UncoveredAccount(
            account_id=line.account_id,
            external_id=names[line.account_id][0],
            name=names[line.account_id][1],
            owner=owners[line.account_id],
            tier=tiers.get(line.account_id),
            cadence_days=line.cadence_days,
            last_touch=line.last_touch,
            days_since=line.days_since,
            days_overdue=line.days_overdue,
        )
        for line in lines
    ]
    everyone = np.ones(len(ids), dtype=bool)
    return CoverageReport(
        as_of=day,
        account_ids=ids,
        covered=covered,
        tiers=tiers,
        overall=shares[-1],
        by_owner=grouped(covered, everyone, [owners[account] for account in ids]),
        by_tier=grouped(covered, everyone, [tiers.get(account) for account in ids]),
        trend=list(zip(days, shares, strict=True)),
        uncovered=missing,
        cadences=cadences,
    )


def cells_and_stages(
    session: Session, report: CoverageReport, matrix_config: MatrixConfig
) -> CellsAndStages:
    """Coverage per priority-matrix cell and per lifecycle stage. Apart from the report
    because the matrix banding counts every account's IDs (a few hundred ms at 10,000
    accounts); the page loads it after the figures."""
    cells = {
        row.id: f"{row.id_band}-{row.tenure_band}"
        for row in matrix_repository.account_lines(session, report.as_of, matrix_config)
    }
    stages = stage_of(session, report.account_ids, report.as_of)
    everyone = np.ones(len(report.account_ids), dtype=bool)
    return CellsAndStages(
        by_cell=grouped(report.covered, everyone, [cells.get(a) for a in report.account_ids]),
        by_stage=grouped(report.covered, everyone, [stages.get(a) for a in report.account_ids]),
    )


def account_status(
    session: Session, *, account_id: int, day: date, cadences: CadenceConfig
) -> AccountCoverage:
    """One account's coverage on ``day`` (the card on the account page)."""
    zone = ZoneInfo(org_time_zone(session))
    until = day_start(day + timedelta(days=1), zone)
    tier = tier_of(session, [account_id], day).get(account_id)
    touches = repository.last_touches_before(session, until, [account_id])
    if tier in cadences.automated_touches_count_for:
        sends = repository.last_touches_before(session, until, [account_id], automated=True)
        touches = _latest(touches, sends)
    last = touches.get(account_id)
    return AccountCoverage(
        account_id=account_id,
        cadence_days=cadences.cadence_for(tier),
        last_touch=None if last is None else last.astimezone(zone).date(),
        day=day,
    )


# Viewers read; everyone who works with customers logs what they did.
TOUCH_WRITERS = ("admin", "manager", "csm")


class TouchForbidden(Forbidden):
    message_key = "Viewers cannot log touches."


def check_touch_writer(role: str) -> None:
    if role not in TOUCH_WRITERS:
        raise TouchForbidden()


def check_touch_payload(settings: Settings, values: dict[str, Any]) -> None:
    """The REST API's touch dates follow the touch form's rule: not later than the tolerance
    ahead of now."""
    moment = values.get("occurred_at")
    tolerance = cadence_config(settings).future_tolerance_minutes
    if moment is not None and too_far_ahead(moment, now=utcnow(), tolerance_minutes=tolerance):
        raise InvalidField(
            "{field}: {value} is in the future (at most {minutes} minutes ahead are accepted).",
            field="occurred_at",
            value=moment.isoformat(),
            minutes=tolerance,
        )


def log_touch(
    session: Session,
    *,
    account_id: int,
    user_id: int | None,
    channel: str,
    contact_id: str,
    summary: str,
    meaningful: str,
    occurred_at: str,
    next_step_on: str,
    now: datetime,
    cadences: CadenceConfig,
) -> Touchpoint:
    """Check a touch logged from a form and add it; raises ``InvalidInput`` naming the field
    before anything is added, so a rejected touch writes nothing."""
    zone = ZoneInfo(org_time_zone(session))
    if channel not in CHANNELS:
        raise InvalidInput("Channel: {value} is not a known channel.", value=channel)
    contact: int | None = None
    if contact_id:
        found = (
            repository.account_contact(session, account_id, int(contact_id))
            if contact_id.isdigit()
            else None
        )
        if found is None:
            raise InvalidInput("Contact: this contact does not belong to the account.")
        contact = found.id
    try:
        moment = datetime.fromisoformat(occurred_at) if occurred_at else now
    except ValueError:
        raise InvalidInput("When: {value} is not a date and time.", value=occurred_at) from None
    moment = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment
    if too_far_ahead(moment, now=now, tolerance_minutes=cadences.future_tolerance_minutes):
        raise InvalidInput(
            "When: {value} is in the future (at most {minutes} minutes ahead are accepted).",
            value=occurred_at,
            minutes=cadences.future_tolerance_minutes,
        )
    try:
        next_step = date.fromisoformat(next_step_on) if next_step_on else None
    except ValueError:
        raise InvalidInput("Next step: {value} is not a date.", value=next_step_on) from None
    if meaningful not in ("yes", "no"):
        raise InvalidInput("Meaningful: answer yes or no.")
    touch = Touchpoint(
        external_id=f"web-{uuid4().hex}",
        account_id=account_id,
        contact_id=contact,
        user_id=user_id,
        channel=channel,
        occurred_at=moment.astimezone(UTC),
        summary=summary.strip()[:5000] or None,
        is_meaningful=meaningful == "yes",
        next_step_on=next_step,
    )
    session.add(touch)
    session.flush()
    return touch
