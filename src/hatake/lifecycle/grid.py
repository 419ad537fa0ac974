"""The stage x tier grid: accounts per cell, the team's initiatives and the open tasks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from hatake.coverage.models import Task
from hatake.lifecycle import repository
from hatake.lifecycle.lifecycle_config import TIERS, LifecycleConfig
from hatake.lifecycle.models import GridInitiative

TASKS_SHOWN = 3


@dataclass
class Cell:
    stage: str
    tier: str
    account_ids: list[int] = field(default_factory=list)
    initiative: GridInitiative | None = None
    open_tasks: list[Task] = field(default_factory=list)

    @property
    def accounts(self) -> int:
        return len(self.account_ids)


@dataclass(frozen=True)
class Grid:
    day: date
    stages: list[str]
    tiers: tuple[str, ...]
    cells: dict[tuple[str, str], Cell]

    def cell(self, stage: str, tier: str) -> Cell:
        return self.cells[stage, tier]

    def tier_total(self, tier: str) -> int:
        return sum(self.cells[stage, tier].accounts for stage in self.stages)


def build_grid(session: Session, day: date, config: LifecycleConfig) -> Grid:
    """Cells of every configured stage x tier on ``day``, from the recorded histories; an
    account with a stage but no tier (not under contract, e.g. churned) counts as tech touch."""
    stages = {row.account_id: row.value for row in repository.periods_on(session, "stage", day)}
    tiers = {row.account_id: row.value for row in repository.periods_on(session, "tier", day)}
    keys = list(config.stage_keys)
    for stage in stages.values():
        if stage not in keys:  # recorded under an earlier configuration
            keys.append(stage)
    cells = {(stage, tier): Cell(stage, tier) for stage in keys for tier in TIERS}
    where: dict[int, tuple[str, str]] = {}
    for account_id, stage in stages.items():
        where[account_id] = (stage, tiers.get(account_id, "tech_touch"))
        cells[where[account_id]].account_ids.append(account_id)
    for initiative in repository.initiatives(session):
        if (initiative.stage, initiative.tier) in cells:
            cells[initiative.stage, initiative.tier].initiative = initiative
    tasks: dict[tuple[str, str], list[Task]] = defaultdict(list)
    for task in repository.open_tasks(session, list(where)):
        tasks[where[task.account_id]].append(task)
    for key, items in tasks.items():
        cells[key].open_tasks = items
    return Grid(day, keys, TIERS, cells)
