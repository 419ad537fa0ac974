"""Use cases of the priority matrix: the configuration in force, the matrix of a day with its
changes over 7 and 30 days, the accounts of a cell, and the must-not-lose accounts the daily
queue boosts. Flushes only; the boundary (request, CLI command) commits."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import duckdb
from sqlalchemy.orm import Session

from hatake.accounts.models import Account
from hatake.core.errors import NotFound
from hatake.core.pagination import PageRequest, paginate
from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.coverage import coverage_repository
from hatake.health.service import org_time_zone
from hatake.health.versions import active_definition
from hatake.lifecycle import matrix_repository as repository
from hatake.lifecycle.matrix import (
    CellCount,
    counts_per_cell,
    id_rows,
    matrix_cells,
    months_completed,
    split_cell,
    tenure_columns,
)
from hatake.lifecycle.matrix_config import ConfigIssue, MatrixConfig, RejectedMatrixConfig

COMPARE_DAYS = (7, 30)
# Drill-down sorts (API field -> column); ties by id, as every list of the API.
CELL_SORTS = {
    "name": Account.name,
    "external_id": Account.external_id,
    "start_date": Account.start_date,
}


@dataclass(frozen=True)
class ConfigState:
    """The bands in force, their stored version, and the problems of the file's [matrix]
    section when it was rejected (then an earlier version is in force)."""

    config: MatrixConfig
    version: int | None
    issues: tuple[ConfigIssue, ...] = ()


def stored_config(session: Session) -> tuple[MatrixConfig, int | None]:
    """The newest stored version, else seed 004's defaults (nothing stored yet)."""
    row = repository.latest_config_version(session)
    if row is None:
        return MatrixConfig(), None
    return MatrixConfig.model_validate(row.document), row.id


def config_in_force(session: Session, setting: MatrixConfig | RejectedMatrixConfig) -> ConfigState:
    """A valid section becomes the newest version (stored when it differs from the newest);
    a rejected one leaves the newest stored version in force and reports its issues."""
    if isinstance(setting, RejectedMatrixConfig):
        config, version = stored_config(session)
        return ConfigState(config, version, setting.issues)
    latest = repository.latest_config_version(session)
    if latest is not None and latest.digest == setting.digest():
        return ConfigState(setting, latest.id)
    version = repository.add_config_version(
        session, document=setting.model_dump(mode="json"), digest=setting.digest()
    )
    return ConfigState(setting, version)


def current_state(session: Session, settings: Settings) -> ConfigState:
    """The state for the [matrix] section of this process's config.toml."""
    return config_in_force(session, settings.file_config.matrix)


@dataclass(frozen=True)
class MatrixView:
    as_of: date
    earlier: tuple[date, date]  # 7 and 30 days before
    rows: list[str]
    columns: list[str]
    grid: list[list[CellCount]]
    totals: tuple[int, int, int]  # accounts under contract on as_of, 7 and 30 days before

    @property
    def maximum(self) -> int:
        return max((cell.count for row in self.grid for cell in row), default=0)

    def cell(self, key: str) -> CellCount | None:
        for row in self.grid:
            for cell in row:
                if cell.key == key:
                    return cell
        return None


def build_matrix(session: Session, day: date, config: MatrixConfig) -> MatrixView:
    days = [day, *(day - timedelta(days=back) for back in COMPARE_DAYS)]
    rows = repository.band_counts(session, days, config)
    per_day = [
        counts_per_cell((row[2 * k], row[2 * k + 1], row[-1]) for row in rows)
        for k in range(len(days))
    ]
    id_bands, tenure_bands = config.id_band_list(), config.tenure_band_list()
    grid = matrix_cells(
        id_bands,
        tenure_bands,
        now=per_day[0],
        before_7=per_day[1],
        before_30=per_day[2],
        must_not_lose=config.must_not_lose,
    )
    totals = tuple(sum(counts.values()) for counts in per_day)
    return MatrixView(
        as_of=day,
        earlier=(days[1], days[2]),
        rows=id_rows(id_bands),
        columns=tenure_columns(tenure_bands),
        grid=grid,
        totals=(totals[0], totals[1], totals[2]),
    )


class UnknownCell(NotFound):
    message_key = "No such cell."

    def __init__(self, cell: str, cells: Sequence[str]) -> None:
        super().__init__(
            "The matrix has no cell {cell}; cells are {cells}.", cell=cell, cells=", ".join(cells)
        )


def check_cell(cell: str, config: MatrixConfig) -> str:
    cells = config.cells()
    if split_cell(cell) is None or cell not in cells:
        raise UnknownCell(cell, cells)
    return cell


@dataclass(frozen=True)
class AccountLine:
    """One account of the matrix as the drill-down, the API and the workbook show it."""

    id: int
    external_id: str
    name: str
    owner: str | None
    start_date: date | None
    tenure_months: int | None
    ids: int
    cell: str
    grade: str | None
    stage: str | None
    last_touch: date | None


def stages_of(session: Session, account_ids: Collection[int], day: date) -> dict[int, str]:
    """SEAM to lifecycle stages: ``hatake.lifecycle.stages.stage_of(session, ids, day)`` when
    that module offers it, else no stages (the column stays empty)."""
    try:
        stages = importlib.import_module("hatake.lifecycle.stages")
    except ImportError:
        return {}
    stage_of: Callable[..., dict[int, str]] | None = getattr(stages, "stage_of", None)
    if stage_of is None or not account_ids:
        return {}
    return stage_of(session, list(account_ids), day)


def _grades(
    session: Session, runtime: Runtime | None, day: date, external_ids: Collection[str] | None
) -> tuple[date | None, dict[str, str | None]]:
    """Grades of the latest scored day on or before ``day``; none when there is no analytics
    store at hand or another process holds it (``hatake serve`` while the CLI runs)."""
    if runtime is None:
        return None, {}
    version = active_definition(session).version
    try:
        with runtime.analytics_lock:
            return repository.stored_grades(
                runtime.analytics(), version=version, day=day, external_ids=external_ids
            )
    except duckdb.IOException:
        return None, {}


def _lines(
    session: Session,
    runtime: Runtime | None,
    day: date,
    config: MatrixConfig,
    account_ids: Collection[int] | None,
) -> tuple[list[AccountLine], date | None]:
    rows = repository.account_lines(session, day, config, account_ids)
    ids = [row.id for row in rows]
    zone = ZoneInfo(org_time_zone(session))
    end_of_day = datetime.combine(day + timedelta(days=1), time(0), zone)
    touches = coverage_repository.last_touches_before(session, end_of_day, account_ids)
    wanted = None if account_ids is None else [row.external_id for row in rows]
    scored_day, grades = _grades(session, runtime, day, wanted)
    stages = stages_of(session, ids, day)
    lines = [
        AccountLine(
            id=row.id,
            external_id=row.external_id,
            name=row.name,
            owner=row.owner,
            start_date=row.start,
            tenure_months=None if row.start is None else months_completed(row.start, day),
            ids=int(row.ids),
            cell=f"{row.id_band}-{row.tenure_band}",
            grade=grades.get(row.external_id),
            stage=stages.get(row.id),
            last_touch=touches[row.id].astimezone(zone).date() if row.id in touches else None,
        )
        for row in rows
    ]
    return lines, scored_day


@dataclass(frozen=True)
class CellPage:
    lines: list[AccountLine]
    next_cursor: str | None
    scored_day: date | None


def cell_page(
    session: Session,
    runtime: Runtime | None,
    *,
    day: date,
    config: MatrixConfig,
    cell: str,
    page: PageRequest,
) -> CellPage:
    """One page of the accounts of ``cell`` on ``day``, keyset-paginated like every list."""
    check_cell(cell, config)
    accounts, cursor = paginate(
        session,
        repository.cell_accounts_statement(day, config, cell),
        sorts=CELL_SORTS,
        id_column=Account.id,
        page=page,
    )
    order = {account.id: index for index, account in enumerate(accounts)}
    lines, scored_day = _lines(session, runtime, day, config, list(order)) if order else ([], None)
    lines.sort(key=lambda line: order[line.id])
    return CellPage(lines, cursor, scored_day)


def all_lines(
    session: Session, runtime: Runtime | None, *, day: date, config: MatrixConfig
) -> tuple[list[AccountLine], date | None]:
    """Every account under contract on ``day``, for the workbook."""
    return _lines(session, runtime, day, config, None)


def must_not_lose_accounts(
    session: Session, day: date, config: MatrixConfig | None = None
) -> set[int]:
    """Ids of the accounts in a must-not-lose cell on ``day``; the daily queue boosts them.
    Without ``config``, the newest stored version applies (seed 004's defaults before any)."""
    config = config or stored_config(session)[0]
    if not config.must_not_lose:
        return set()
    return repository.accounts_in_cells(session, day, config, config.must_not_lose)


def grade_names(session: Session, locale: str) -> dict[str, tuple[str, str]]:
    """Grade key -> (label in ``locale``, colour) of the active score definition."""
    return {
        grade.key: (grade.label(locale), grade.colour)
        for grade in active_definition(session).grades
    }


def config_issue_texts(issues: Sequence[ConfigIssue], gettext: Callable[[str], str]) -> list[str]:
    return [issue.render(gettext) for issue in issues]
