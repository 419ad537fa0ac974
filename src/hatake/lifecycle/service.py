"""Use cases of lifecycle stages and touch tiers: the effective configuration, the daily
refresh of both histories, and what the pages, the API and the CLI read. Flushes, never
commits: the boundary owns the transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hatake.core.db import utcnow
from hatake.core.errors import InvalidInput, NotFound
from hatake.core.settings import MilestoneConfig, Settings
from hatake.health import compute
from hatake.health.service import org_time_zone
from hatake.lifecycle import repository
from hatake.lifecycle.lifecycle_config import (
    TIERS,
    LifecycleConfig,
    LifecycleConfigInvalid,
    parse_lifecycle,
)
from hatake.lifecycle.models import (
    GridInitiative,
    LifecycleConfigVersion,
    LifecyclePeriod,
    MilestoneTick,
    TierOverride,
)
from hatake.lifecycle.stages import StageFacts, is_stuck, stage_for
from hatake.lifecycle.tiers import tier_for
from hatake.team.models import User
from hatake.team.service import org_today
from hatake.usage import rollups

OVERRIDE_ROLES = ("admin", "manager")
TICK_ROLES = ("admin", "manager", "csm")
INITIATIVE_ROLES = ("admin", "manager")
REASON_LIMIT = 1000
INITIATIVE_LIMIT = 4000


class LifecycleForbidden(InvalidInput):
    status_code = 403
    message_key = "Your role cannot change this."


def check_role(role: str, allowed: tuple[str, ...]) -> None:
    if role not in allowed:
        raise LifecycleForbidden()


# --- configuration -------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigState:
    """The configuration in force, its version, and why config.toml's was refused (if it was)."""

    config: LifecycleConfig
    version: int
    milestones: list[MilestoneConfig]
    error: LifecycleConfigInvalid | None = None

    @property
    def milestone_keys(self) -> list[str]:
        return [item.key for item in self.milestones]


def _stored(session: Session, config: LifecycleConfig) -> LifecycleConfigVersion:
    row = repository.config_version(session, config.digest())
    if row is None:
        row = LifecycleConfigVersion(digest=config.digest(), document=config.model_dump())
        session.add(row)
        session.flush()
    return row


def lifecycle_config(session: Session, settings: Settings) -> ConfigState:
    """config.toml's `[lifecycle]` when valid (recorded as a version the first time it is seen);
    otherwise the last valid version, with the error to show."""
    file_config = settings.file_config
    milestones = list(file_config.health.onboarding_milestones)
    keys = [item.key for item in milestones]
    try:
        config = parse_lifecycle(file_config.lifecycle, keys)
    except LifecycleConfigInvalid as error:
        latest = repository.latest_config_version(session)
        fallback = (
            LifecycleConfig.model_validate(latest.document)
            if latest is not None
            else parse_lifecycle({}, keys)
        )
        row = latest if latest is not None else _stored(session, fallback)
        return ConfigState(fallback, row.id, milestones, error)
    return ConfigState(config, _stored(session, config).id, milestones)


# --- facts of a day ------------------------------------------------------------------------


@dataclass
class _Terms:
    start: date | None = None
    running: bool = False
    ended: bool = False
    renewal: date | None = None
    seats: int = 0
    has_seats: bool = False
    mrr: dict[str, int] = field(default_factory=dict)


def _terms(session: Session, day: date) -> dict[int, _Terms]:
    """Per account: first start, whether a term runs (start <= day < end, as in health.facts),
    the earliest end of the running terms (the renewal date), seats and MRR per currency."""
    result: dict[int, _Terms] = defaultdict(_Terms)
    for row in repository.terms_started_by(session, day):
        terms = result[row.account_id]
        terms.start = row.start_date if terms.start is None else min(terms.start, row.start_date)
        if row.end_date is not None and row.end_date <= day:
            terms.ended = True
            continue
        terms.running = True
        if row.end_date is not None:
            terms.renewal = min(row.end_date, terms.renewal or row.end_date)
        if row.seats is not None:
            terms.seats += row.seats
            terms.has_seats = True
        terms.mrr[row.currency] = terms.mrr.get(row.currency, 0) + row.mrr_minor
    return result


def milestone_days(
    analytics: DuckDBBackend, milestones: Iterable[MilestoneConfig], day: date
) -> dict[str, dict[str, date]]:
    """Account external id -> milestone key -> first day reached by usage, up to ``day``; the
    health score's own detection (health.compute), read-only."""
    compute.ensure_tables(analytics)
    reached: dict[str, dict[str, date]] = defaultdict(dict)
    for item in milestones:
        # The health score's own detection, so score and stage agree on "reached".
        sql = compute._reached_sql(
            compute.Milestone(item.key, event=item.event, users=item.users), day
        )
        if sql is None:
            continue
        for account, first in analytics.con.execute(sql).fetchall():
            reached[str(account)][item.key] = first
    return reached


def _usage(analytics: DuckDBBackend, day: date) -> dict[str, dict[str, float | None]]:
    table = compute.usage_features(analytics, day, day, [])
    columns = ("active_users_30d", "events_30d", "events_previous_30d")
    rows = table.select(["account_id", *columns]).to_pylist()
    return {str(row["account_id"]): {name: row[name] for name in columns} for row in rows}


def _override_on(rows: Iterable[TierOverride], day: date, zone: ZoneInfo) -> dict[int, str]:
    """The override in force at the end of ``day`` (local), per account; the latest wins."""
    result: dict[int, str] = {}
    for row in rows:  # in id order
        set_on = row.created_at.astimezone(zone).date()
        cleared_on = row.cleared_at.astimezone(zone).date() if row.cleared_at else None
        if set_on <= day and (cleared_on is None or cleared_on > day):
            result[row.account_id] = row.tier
    return result


@dataclass(frozen=True)
class DayLifecycle:
    stages: dict[int, str]
    tiers: dict[int, str]


def compute_day(
    session: Session, analytics: DuckDBBackend, day: date, state: ConfigState
) -> DayLifecycle:
    """Every account's stage and tier on ``day``, from data dated on or before it."""
    zone = ZoneInfo(org_time_zone(session))
    rollups.refresh_rollups(analytics, str(zone))
    accounts = repository.account_statuses(session)
    terms = _terms(session, day)
    reached = milestone_days(analytics, state.milestones, day)
    usage = _usage(analytics, day)
    manual: dict[int, dict[str, date]] = defaultdict(dict)
    for tick in repository.ticks(session):
        if tick.reached_on <= day:
            manual[tick.account_id][tick.milestone_key] = tick.reached_on
    overrides = _override_on(repository.overrides(session), day, zone)
    stages: dict[int, str] = {}
    tiers: dict[int, str] = {}
    for account_id, (external_id, status, account_start) in accounts.items():
        term = terms.get(account_id, _Terms())
        # An account without any contract term counts as running from its own start date.
        if account_id not in terms and account_start is not None and account_start <= day:
            term = _Terms(start=account_start, running=status != "churned")
        days = {**reached.get(external_id, {})}
        for key, ticked in manual[account_id].items():
            days[key] = min(ticked, days.get(key, ticked))
        used = usage.get(external_id, {})
        facts = StageFacts(
            contract_start=term.start,
            running=term.running,
            ended=term.ended,
            account_churned=status == "churned",
            renewal_date=term.renewal,
            milestones=days,
            seats=term.seats if term.has_seats else None,
            active_users_30d=used.get("active_users_30d"),
            events_30d=used.get("events_30d"),
            events_previous_30d=used.get("events_previous_30d"),
        )
        stage = stage_for(facts, day, state.config, state.milestone_keys)
        if stage is None:
            continue
        stages[account_id] = stage
        if term.running:
            tiers[account_id] = tier_for(
                term.mrr, state.config.tiers, override=overrides.get(account_id)
            )
    return DayLifecycle(stages, tiers)


# --- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshedDay:
    day: date
    accounts: int
    stage_changes: int
    tier_changes: int
    config_error: str | None = None


def _record(
    session: Session,
    dimension: str,
    day: date,
    values: dict[int, str],
    version: int,
    only: Collection[int] | None = None,
) -> int:
    """Make the history say ``values`` on ``day``; returns how many accounts changed. Days are
    meant to be refreshed in order; refreshing an earlier day again splits the period it falls
    in rather than rewriting what follows."""
    current = {row.account_id: row for row in repository.periods_on(session, dimension, day, only)}
    later = repository.next_entries(session, dimension, day)
    changes = 0
    for account_id in set(current) | set(values):
        period, value = current.get(account_id), values.get(account_id)
        if period is not None and period.value == value:
            continue
        changes += 1
        if period is not None and period.entered_on == day:
            # The same day computed again (e.g. after a milestone tick): correct it in place.
            if value is None:
                repository.delete_period(session, period)
            else:
                period.value = value
            continue
        until = period.left_on if period is not None else later.get(account_id)
        if period is not None:
            period.left_on = day
        if value is not None:
            session.add(
                LifecyclePeriod(
                    account_id=account_id,
                    dimension=dimension,
                    value=value,
                    previous_value=period.value if period is not None else None,
                    entered_on=day,
                    left_on=until,
                    config_version=version,
                )
            )
    session.flush()
    return changes


def refresh_stages(
    session: Session, analytics: DuckDBBackend, day: date, *, settings: Settings
) -> RefreshedDay:
    """Compute every account's stage and tier on ``day`` and record both histories."""
    state = lifecycle_config(session, settings)
    computed = compute_day(session, analytics, day, state)
    return RefreshedDay(
        day=day,
        accounts=len(computed.stages),
        stage_changes=_record(session, "stage", day, computed.stages, state.version),
        tier_changes=_record(session, "tier", day, computed.tiers, state.version),
        config_error=str(state.error) if state.error else None,
    )


def stage_of(session: Session, account_ids: Collection[int], day: date) -> dict[int, str]:
    """Each account's recorded stage on ``day`` (accounts without one are left out)."""
    return _values_of(session, "stage", account_ids, day)


def tier_of(session: Session, account_ids: Collection[int], day: date) -> dict[int, str]:
    """Each account's recorded touch tier on ``day``."""
    return _values_of(session, "tier", account_ids, day)


def _values_of(
    session: Session, dimension: str, account_ids: Collection[int], day: date
) -> dict[int, str]:
    if not account_ids:
        return {}
    return repository.values_on(session, dimension, day, account_ids)


# --- reports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StuckAccount:
    account_id: int
    external_id: str
    name: str
    stage: str
    entered_on: date
    days_in_stage: int
    expected_days: int


@dataclass(frozen=True)
class StageReport:
    day: date
    counts: dict[str, int]
    stuck: list[StuckAccount]


def stage_report(session: Session, day: date, config: LifecycleConfig) -> StageReport:
    counts = dict.fromkeys(config.stage_keys, 0)
    stuck: list[StuckAccount] = []
    for period in repository.periods_on(session, "stage", day, with_account=True):
        counts[period.value] = counts.get(period.value, 0) + 1
        stage = config.stage(period.value)
        if stage is not None and stage.expected_days and is_stuck(stage, period.entered_on, day):
            stuck.append(
                StuckAccount(
                    account_id=period.account_id,
                    external_id=period.account.external_id,
                    name=period.account.name,
                    stage=period.value,
                    entered_on=period.entered_on,
                    days_in_stage=(day - period.entered_on).days,
                    expected_days=stage.expected_days,
                )
            )
    stuck.sort(key=lambda item: (-(item.days_in_stage - item.expected_days), item.name))
    return StageReport(day, counts, stuck)


@dataclass(frozen=True)
class Flow:
    from_stage: str | None  # None: the account had no stage before (a new customer)
    to_stage: str
    accounts: int


def flow(session: Session, start: date, end: date) -> list[Flow]:
    """How many accounts moved from one stage to another after ``start`` up to ``end``; an
    account that moved twice counts in both moves."""
    if end < start:
        raise InvalidInput(
            "The period ends ({end}) before it starts ({start}).",
            start=start.isoformat(),
            end=end.isoformat(),
        )
    rows = repository.transitions(session, "stage", start, end)
    flows = [Flow(before, after, count) for before, after, count in rows]
    return sorted(flows, key=lambda item: (-item.accounts, item.from_stage or "", item.to_stage))


def time_in_stage(session: Session, account_id: int, day: date) -> tuple[str, date, int] | None:
    """(stage, entered on, days in it) on ``day``."""
    rows = repository.periods_on(session, "stage", day, [account_id])
    if not rows:
        return None
    return rows[0].value, rows[0].entered_on, (day - rows[0].entered_on).days


# --- manual input --------------------------------------------------------------------------


def _milestone_key(state: ConfigState, key: str) -> str:
    if key not in state.milestone_keys:
        raise NotFound("No onboarding milestone {key} is configured.", key=key)
    return key


def tick_milestone(
    session: Session,
    state: ConfigState,
    *,
    account_id: int,
    key: str,
    reached_on: date,
    author_id: int | None,
) -> MilestoneTick:
    """Mark a milestone reached by hand (again: the new date and author replace the old)."""
    _milestone_key(state, key)
    row = repository.tick(session, account_id, key)
    if row is None:
        row = MilestoneTick(account_id=account_id, milestone_key=key)
        session.add(row)
    row.reached_on, row.author_id, row.created_at = reached_on, author_id, utcnow()
    session.flush()
    return row


def untick_milestone(session: Session, state: ConfigState, *, account_id: int, key: str) -> None:
    row = repository.tick(session, account_id, _milestone_key(state, key))
    if row is None:
        raise NotFound("The milestone {key} was not ticked by hand.", key=key)
    session.delete(row)
    session.flush()


def _tier(value: str) -> str:
    if value not in TIERS:
        raise InvalidInput(
            "Unknown tier {value}; use one of {allowed}.", value=value, allowed=", ".join(TIERS)
        )
    return value


def override_tier(
    session: Session,
    state: ConfigState,
    *,
    account_id: int,
    tier: str,
    reason: str,
    author_id: int | None,
) -> TierOverride:
    """Set the tier by hand; a reason is required. Replaces the override in force, if any."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give a reason for the tier override.")
    if len(reason) > REASON_LIMIT:
        raise InvalidInput("The reason is longer than {limit} characters.", limit=REASON_LIMIT)
    _tier(tier)
    previous = repository.active_override(session, account_id)
    if previous is not None:
        previous.cleared_at, previous.cleared_by_id = utcnow(), author_id
    row = TierOverride(account_id=account_id, tier=tier, reason=reason, author_id=author_id)
    session.add(row)
    session.flush()
    _record_tier_now(session, state, account_id)
    return row


def _record_tier_now(session: Session, state: ConfigState, account_id: int) -> None:
    """An override (or clearing it) shows in the tier history at once, not at the next
    refresh; the tier of an account under no contract is left to the refresh."""
    day = org_today(session)
    term = _terms(session, day).get(account_id)
    if term is None or not term.running:
        return
    zone = ZoneInfo(org_time_zone(session))
    override = _override_on(repository.overrides(session, [account_id]), day, zone)
    tier = tier_for(term.mrr, state.config.tiers, override=override.get(account_id))
    _record(session, "tier", day, {account_id: tier}, state.version, only=[account_id])


def clear_override(
    session: Session, state: ConfigState, *, account_id: int, author_id: int | None
) -> TierOverride:
    row = repository.active_override(session, account_id)
    if row is None:
        raise NotFound("This account has no tier override.")
    row.cleared_at, row.cleared_by_id = utcnow(), author_id
    session.flush()
    _record_tier_now(session, state, account_id)
    return row


def save_initiative(
    session: Session,
    config: LifecycleConfig,
    *,
    stage: str,
    tier: str,
    body: str,
    author_id: int | None,
) -> GridInitiative:
    if config.stage(stage) is None:
        raise NotFound("No lifecycle stage {stage} is configured.", stage=stage)
    _tier(tier)
    if len(body) > INITIATIVE_LIMIT:
        raise InvalidInput("The text is longer than {limit} characters.", limit=INITIATIVE_LIMIT)
    row = repository.initiative(session, stage, tier)
    if row is None:
        row = GridInitiative(stage=stage, tier=tier)
        session.add(row)
    row.body, row.author_id, row.updated_at = body.strip(), author_id, utcnow()
    session.flush()
    # The page shows who wrote it; the relationship is lazy="raise", so set it from the id.
    author = session.get(User, author_id) if author_id is not None else None
    set_committed_value(row, "author", author)
    return row
