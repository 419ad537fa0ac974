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

from hatake.core.errors import Forbidden, InvalidInput
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository as repository
from hatake.coverage.cadence import CadenceConfig, parse_cadence_config
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


def _day_start(day: date, zone: ZoneInfo) -> datetime:
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
    accounts not covered: five set-based reads, the rest NumPy (see coverage.py)."""
    zone_name = org_time_zone(session)
    zone = ZoneInfo(zone_name)
    days = week_ends(day)
    terms = repository.terms_between(session, days[0], day)
    account_ids = np.array(sorted({row.account_id for row in terms}), dtype=np.int64)
    n = len(account_ids)
    active = _running(days, terms, account_ids, start=1, end=2) >= 0

    # Tiers can change over twelve weeks; each week end uses the tier recorded that day.
    periods = repository.tier_periods_between(session, days[0], day)
    tier_rows = _running(days, periods, account_ids, start=2, end=3)
    period_cadences = [cadences.default_days] + [cadences.cadence_for(p.value) for p in periods]
    cadence_grid = np.array(period_cadences, dtype=np.int64)[tier_rows + 1]

    # Touches older than (first week end - longest cadence in force) cover no week end.
    longest = int(cadence_grid.max()) if n else cadences.default_days
    until = _day_start(day + timedelta(days=1), zone)
    window_start = _day_start(days[0] - timedelta(days=longest), zone)
    touch_accounts, moments = repository.meaningful_touch_moments(session, window_start, until)
    known = np.isin(touch_accounts, account_ids)
    epoch = date(1970, 1, 1).toordinal()
    last_grid = last_touch_days(
        days,
        np.searchsorted(account_ids, touch_accounts[known]),
        local_days(moments[known], zone_name).astype(np.int64) + epoch,
        n,
    )
    shares = trend(days, last_grid, active, cadence_grid)

    # The day itself, for the accounts under contract on it.
    on = active[-1]
    current = account_ids[on]
    last_days, day_cadences = last_grid[-1][on], cadence_grid[-1][on]
    covered = covered_mask(day, last_days, day_cadences, np.ones(len(current), dtype=bool))
    tiers = {
        int(account): periods[row].value
        for account, row in zip(current, tier_rows[-1][on], strict=True)
        if row >= 0
    }
    info = {row.id: row for row in repository.accounts_with_owner(session)}
    ids = current.tolist()
    # "Days since" of an account touched only before the window: its last touch, looked up
    # for those accounts alone (a touch that old covers no cadence).
    older = repository.last_touches_before(
        session, window_start, [ids[i] for i in np.flatnonzero(last_days < 0)]
    )

    def last_touch(position: int) -> date | None:
        if last_days[position] >= 0:
            return date.fromordinal(int(last_days[position]))
        moment = older.get(ids[position])
        return None if moment is None else moment.astimezone(zone).date()

    lines = [
        AccountCoverage(
            account_id=ids[position],
            cadence_days=int(day_cadences[position]),
            last_touch=last_touch(position),
            day=day,
        )
        for position in np.flatnonzero(~covered).tolist()
    ]
    missing = [
        UncoveredAccount(
            account_id=line.account_id,
            external_id=info[line.account_id].external_id,
            name=info[line.account_id].name,
            owner=info[line.account_id].owner,
            tier=tiers.get(line.account_id),
            cadence_days=line.cadence_days,
            last_touch=line.last_touch,
            days_since=line.days_since,
            days_overdue=line.days_overdue,
        )
        for line in uncovered(lines)
    ]
    everyone = np.ones(len(ids), dtype=bool)
    return CoverageReport(
        as_of=day,
        account_ids=ids,
        covered=covered,
        tiers=tiers,
        overall=shares[-1],
        by_owner=grouped(covered, everyone, [info[account].owner for account in ids]),
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
    until = _day_start(day + timedelta(days=1), zone)
    last = repository.last_touches_before(session, until, [account_id]).get(account_id)
    tier = tier_of(session, [account_id], day).get(account_id)
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
    if moment > now + timedelta(minutes=cadences.future_tolerance_minutes):
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
