"""Contact coverage of a day: who is covered, per CSM, tier, matrix cell and stage, the trend
over the last twelve weeks and the accounts not covered. Reads only; the arithmetic is in
``coverage.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from hatake.core.errors import InvalidInput
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository as repository
from hatake.coverage.cadence import CadenceConfig, parse_cadence_config
from hatake.coverage.coverage import (
    TARGET,
    AccountCoverage,
    Share,
    breakdown,
    share,
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
    overall: Share
    by_owner: dict[str | None, Share]
    by_tier: dict[str | None, Share]
    by_cell: dict[str | None, Share]
    by_stage: dict[str | None, Share]
    trend: list[tuple[date, Share]]
    uncovered: list[UncoveredAccount]
    cadences: CadenceConfig
    target: float = TARGET


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone)


def _active(
    days: Sequence[date], account_index: np.ndarray, starts: np.ndarray, ends: np.ndarray, n: int
) -> np.ndarray:
    # (days, accounts): under contract on that day through any of its terms (start <= day < end).
    active = np.zeros((len(days), n), dtype=bool)
    for row, day in enumerate(days):
        running = (starts <= day.toordinal()) & (ends > day.toordinal())
        active[row] = np.bincount(account_index[running], minlength=n) > 0
    return active


def build_report(
    session: Session, *, day: date, cadences: CadenceConfig, matrix_config: MatrixConfig
) -> CoverageReport:
    zone_name = org_time_zone(session)
    zone = ZoneInfo(zone_name)
    days = week_ends(day)
    terms = repository.terms_between(session, days[0], day)
    account_ids = np.array(sorted({row.account_id for row in terms}), dtype=np.int64)
    n = len(account_ids)
    term_accounts = np.searchsorted(account_ids, [row.account_id for row in terms])
    starts = np.array([row.start_date.toordinal() for row in terms], dtype=np.int64)
    ends = np.array(
        [row.end_date.toordinal() if row.end_date else date.max.toordinal() for row in terms],
        dtype=np.int64,
    )
    active = _active(days, term_accounts.astype(np.int64), starts, ends, n)
    ids = account_ids.tolist()

    # Tiers can change over twelve weeks; each week end uses the tier recorded that day.
    tiers_by_day = [tier_of(session, ids, week_end) for week_end in days]
    cadence_grid = np.array(
        [[cadences.cadence_for(tiers.get(account)) for account in ids] for tiers in tiers_by_day],
        dtype=np.int64,
    ).reshape(len(days), n)

    # The trend needs touches from (first week end - longest cadence) on: older ones cover none.
    longest = max([cadences.default_days, *cadences.cadences.values()])
    since = _day_start(days[0] - timedelta(days=longest), zone)
    until = _day_start(day + timedelta(days=1), zone)
    touch_accounts, moments = repository.meaningful_touch_moments(session, since, until)
    known = np.isin(touch_accounts, account_ids)
    touch_index = np.searchsorted(account_ids, touch_accounts[known])
    touch_days = (
        local_days(moments[known], zone_name).astype(np.int64) + date(1970, 1, 1).toordinal()
    )
    shares = trend(days, touch_index, touch_days, active, cadence_grid)

    # The day itself: the real last touch, however old, for "days since" of the uncovered.
    current = [account for account, on in zip(ids, active[-1], strict=True) if on]
    # Every account at once: an IN list of thousands of ids costs more than the rows it saves.
    last = matrix_repository.last_touches(session, until)
    tiers = tiers_by_day[-1]
    lines = [
        AccountCoverage(
            account_id=account,
            cadence_days=cadences.cadence_for(tiers.get(account)),
            last_touch=last[account].astimezone(zone).date() if account in last else None,
            day=day,
        )
        for account in current
    ]
    info = {row.id: row for row in repository.accounts_with_owner(session, current)}
    cells = {
        row.id: f"{row.id_band}-{row.tenure_band}"
        for row in matrix_repository.account_lines(session, day, matrix_config, current)
    }
    stages = stage_of(session, current, day)
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
    return CoverageReport(
        as_of=day,
        overall=share(lines),
        by_owner=breakdown(lines, lambda line: info[line.account_id].owner),
        by_tier=breakdown(lines, lambda line: tiers.get(line.account_id)),
        by_cell=breakdown(lines, lambda line: cells.get(line.account_id)),
        by_stage=breakdown(lines, lambda line: stages.get(line.account_id)),
        trend=list(zip(days, shares, strict=True)),
        uncovered=missing,
        cadences=cadences,
    )


def account_status(
    session: Session, *, account_id: int, day: date, cadences: CadenceConfig
) -> AccountCoverage:
    """One account's coverage on ``day`` (the card on the account page)."""
    zone = ZoneInfo(org_time_zone(session))
    until = _day_start(day + timedelta(days=1), zone)
    last = matrix_repository.last_touches(session, until, [account_id]).get(account_id)
    tier = tier_of(session, [account_id], day).get(account_id)
    return AccountCoverage(
        account_id=account_id,
        cadence_days=cadences.cadence_for(tier),
        last_touch=None if last is None else last.astimezone(zone).date(),
        day=day,
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
