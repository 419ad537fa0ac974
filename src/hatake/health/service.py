"""Health-score use cases that read the stores: inputs for a range of days, scores, refresh."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa
from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy.orm import Session

from hatake.core.settings import HealthConfig, Settings
from hatake.health import compute, facts, snapshots
from hatake.health.definition import Definition, validate_metrics
from hatake.health.factors import Value, known_metrics, metric_columns, plain
from hatake.health.scoring import ScoreColumns, ScoreResult, score_columns
from hatake.lifecycle import repository as lifecycle_repository
from hatake.team.models import OrgSettings
from hatake.usage import rollups

DEFAULT_TIME_ZONE = "Asia/Tokyo"
# Days scored per pass of a backfill: large enough for set-based queries to pay off, small
# enough that a pass's factor rows stay well under the memory budget at 10,000 accounts.
CHUNK_DAYS = 30
# DuckDB compresses what a backfill wrote when it checkpoints, holding it in memory meanwhile:
# a year checkpointed at once on closing would need half a gigabyte more than four months.
CHECKPOINT_DAYS = 120
RULE_COLUMNS = ("plan", "tier", "stage")


def org_time_zone(session: Session) -> str:
    org = session.get(OrgSettings, 1)
    return org.time_zone if org is not None else DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class DayInputs:
    """Every account under contract on each day of a range: one row per (account, day)."""

    table: pa.Table
    attributes: dict[str, np.ndarray]  # what profile rules match on
    metrics: dict[str, np.ndarray]

    @property
    def rows(self) -> int:
        return self.table.num_rows


def day_inputs(
    session: Session,
    analytics: DuckDBBackend,
    *,
    start: date,
    end: date,
    config: HealthConfig,
    custom_keys: list[str],
) -> DayInputs:
    """Profile attributes and every factor's raw value, from data known by the end of each
    day only. Brings the usage rollups up to date first."""
    time_zone = org_time_zone(session)
    rollups.refresh_rollups(analytics, time_zone)
    state = facts.read_state(
        session, start=start, end=end, time_zone=time_zone, custom_keys=custom_keys
    )
    inputs = _inputs(analytics, state, start=start, end=end, config=config, custom_keys=custom_keys)
    return _with_lifecycle(
        inputs, lifecycle_repository.periods_overlapping(session, start=start, end=end)
    )


def _inputs(
    analytics: DuckDBBackend,
    state: facts.StateRows,
    *,
    start: date,
    end: date,
    config: HealthConfig,
    custom_keys: list[str],
) -> DayInputs:
    """The inputs of [start, end] from rollups already up to date and state rows read for a
    range that covers it."""
    milestones = [
        compute.Milestone(item.key, event=item.event, users=item.users)
        for item in config.onboarding_milestones
    ]
    usage = compute.usage_features(analytics, start, end, config.key_features, milestones)
    table = facts.facts_for_days(
        state, start=start, end=end, stale_ticket_days=config.stale_ticket_days, usage=usage
    )
    columns = {name: _numpy(table[name]) for name in table.column_names}
    columns["milestones_total"] = np.full(table.num_rows, float(len(milestones)) or np.nan)
    # Tier and stage are filled in from the lifecycle history (see _with_lifecycle).
    attributes = {name: np.full(table.num_rows, None, dtype=object) for name in RULE_COLUMNS}
    attributes["plan"] = columns["plan"]
    return DayInputs(table, attributes, metric_columns(columns, custom_keys))


def _with_lifecycle(inputs: DayInputs, periods: pa.Table) -> DayInputs:
    """Each row's tier and stage on its day, so profile rules can select by them: a period
    holds from the day it was entered up to, not including, the day it was left."""
    if periods.num_rows == 0 or inputs.rows == 0:
        return inputs
    con = duckdb.connect()
    try:
        con.register("periods", periods)
        con.register(
            "scored",
            pa.table(
                {
                    "row": pa.array(np.arange(inputs.rows), pa.int64()),
                    "account_id": inputs.table["account_id"],
                    "day": inputs.table["day"],
                }
            ),
        )
        found = con.execute(
            "SELECT s.row, p.dimension, p.value FROM scored s JOIN periods p "
            "ON p.account_id = s.account_id AND p.entered_on <= s.day "
            "AND (p.left_on IS NULL OR s.day < p.left_on)"
        ).to_arrow_table()
    finally:
        con.close()
    rows = found["row"].to_numpy()
    dimensions = np.asarray(found["dimension"].to_pylist(), dtype=object)
    values = np.asarray(found["value"].to_pylist(), dtype=object)
    attributes = dict(inputs.attributes)
    for name in ("tier", "stage"):
        column = np.full(inputs.rows, None, dtype=object)
        chosen = dimensions == name
        column[rows[chosen]] = values[chosen]
        attributes[name] = column
    return DayInputs(inputs.table, attributes, inputs.metrics)


def _numpy(column: pa.ChunkedArray) -> np.ndarray:
    if pa.types.is_date(column.type):
        return column.to_numpy().astype("datetime64[D]")
    if pa.types.is_floating(column.type) or pa.types.is_integer(column.type):
        return column.cast(pa.float64()).to_numpy()
    return np.asarray(column.to_pylist(), dtype=object)


@dataclass(frozen=True)
class AccountInputs:
    attributes: dict[str, str | None]
    metrics: dict[str, Value]


def account_inputs(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    config: HealthConfig,
    custom_keys: list[str],
) -> dict[str, AccountInputs]:
    """One day's inputs per account external id, as plain values."""
    inputs = day_inputs(
        session, analytics, start=as_of, end=as_of, config=config, custom_keys=custom_keys
    )
    accounts = inputs.table["account_id"].to_pylist()
    return {
        account_id: AccountInputs(
            attributes={name: values[row] for name, values in inputs.attributes.items()},
            metrics={name: plain(values[row]) for name, values in inputs.metrics.items()},
        )
        for row, account_id in enumerate(accounts)
    }


def _score_inputs(inputs: DayInputs, definition: Definition) -> ScoreColumns:
    return score_columns(definition, inputs.attributes, inputs.metrics, inputs.rows)


def _checked_keys(definition: Definition, settings: Settings) -> list[str]:
    """The custom keys, once the definition is known to name only known metrics."""
    custom_keys = settings.file_config.custom_keys
    validate_metrics(definition, known_metrics(custom_keys))
    return custom_keys


def score_day(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    definition: Definition,
    settings: Settings,
) -> dict[str, ScoreResult]:
    """Every account under contract on ``as_of``, scored with ``definition``."""
    inputs = day_inputs(
        session,
        analytics,
        start=as_of,
        end=as_of,
        config=settings.file_config.health,
        custom_keys=_checked_keys(definition, settings),
    )
    return scores_by_account(inputs, definition)


def scores_by_account(inputs: DayInputs, definition: Definition) -> dict[str, ScoreResult]:
    """One day's inputs scored, each account's result with its explanation."""
    scored = _score_inputs(inputs, definition)
    accounts = inputs.table["account_id"].to_pylist()
    return {account_id: scored.result(row) for row, account_id in enumerate(accounts)}


@dataclass(frozen=True)
class RefreshedDay:
    as_of: date
    accounts: int
    grades: dict[str, int]


def _chunks(start: date, end: date) -> Iterator[tuple[date, date]]:
    while start <= end:
        last = min(end, start + timedelta(days=CHUNK_DAYS - 1))
        yield start, last
        start = last + timedelta(days=1)


def refresh_days(
    session: Session,
    analytics: DuckDBBackend,
    *,
    start: date,
    end: date,
    definition: Definition,
    settings: Settings,
    on_progress: Callable[[int], None] | None = None,
) -> list[RefreshedDay]:
    """Score every account under contract on each day of [start, end] and store the
    snapshots, replacing earlier runs of the same days and version. Each pass of
    ``CHUNK_DAYS`` days is stored in one transaction; ``on_progress`` hears how many days
    each pass stored."""
    custom_keys = _checked_keys(definition, settings)
    config = settings.file_config.health
    time_zone = org_time_zone(session)
    rollups.refresh_rollups(analytics, time_zone)
    # Read once: every pass computes its days from the same state rows.
    state = facts.read_state(
        session, start=start, end=end, time_zone=time_zone, custom_keys=custom_keys
    )
    periods = lifecycle_repository.periods_overlapping(session, start=start, end=end)
    refreshed: list[RefreshedDay] = []
    unchecked = 0
    for first, last in _chunks(start, end):
        inputs = _inputs(
            analytics, state, start=first, end=last, config=config, custom_keys=custom_keys
        )
        inputs = _with_lifecycle(inputs, periods)
        refreshed += _store_pass(analytics, inputs, first, last, definition)
        # Dropped before the next pass is computed, so two passes never share the memory.
        del inputs
        unchecked += (last - first).days + 1
        if unchecked >= CHECKPOINT_DAYS:
            analytics.con.execute("CHECKPOINT")
            unchecked = 0
        if on_progress is not None:
            on_progress((last - first).days + 1)
    return refreshed


def _store_pass(
    analytics: DuckDBBackend, inputs: DayInputs, first: date, last: date, definition: Definition
) -> list[RefreshedDay]:
    """Score one pass's inputs, store them and count each day's grades."""
    scored = _score_inputs(inputs, definition)
    snapshots.replace_days(
        analytics,
        start=first,
        end=last,
        version=definition.version,
        accounts=inputs.table["account_id"],
        days=inputs.table["day"],
        scored=scored,
    )
    days = inputs.table["day"].to_numpy()
    refreshed = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        on_day = days == np.datetime64(day, "D")
        grades = Counter(grade or "-" for grade in scored.grade[on_day])
        refreshed.append(RefreshedDay(as_of=day, accounts=int(on_day.sum()), grades=dict(grades)))
    return refreshed


def refresh_day(
    session: Session,
    analytics: DuckDBBackend,
    *,
    as_of: date,
    definition: Definition,
    settings: Settings,
) -> RefreshedDay:
    """Score every account under contract on ``as_of`` and store the day's snapshot."""
    return refresh_days(
        session, analytics, start=as_of, end=as_of, definition=definition, settings=settings
    )[0]
