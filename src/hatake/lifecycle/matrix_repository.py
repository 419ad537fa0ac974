"""Queries of the priority matrix: stored config versions, accounts per band for some days in
one GROUP BY, the accounts of one cell, and their stored grade (their last touch is
coverage's, ``coverage_repository.last_touches_before``).

Banding runs in SQL with plain comparisons, so it is the same on SQLite and PostgreSQL: ID
bands compare the count with each band's minimum, tenure bands compare the start date with a
cut-off date computed in Python (``matrix.tenure_cutoff``), which keeps month arithmetic out of
two SQL dialects.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from ibis.backends.duckdb import Backend as DuckDBBackend
from sqlalchemy import ColumnElement, Select, Subquery, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from hatake.accounts.models import Account, Contact, Subscription
from hatake.health import snapshots
from hatake.lifecycle.matrix import ZERO_ROW, split_cell, tenure_cutoff
from hatake.lifecycle.matrix_config import MatrixConfig
from hatake.lifecycle.matrix_models import MatrixConfigVersion
from hatake.team.models import User


def latest_config_version(session: Session) -> MatrixConfigVersion | None:
    return session.scalars(
        select(MatrixConfigVersion).order_by(MatrixConfigVersion.id.desc()).limit(1)
    ).first()


def add_config_version(session: Session, *, document: dict[str, Any], digest: str) -> int:
    row = MatrixConfigVersion(document=document, digest=digest)
    session.add(row)
    session.flush()
    return row.id


def term_running_on(day: date) -> ColumnElement[bool]:
    """A contract term runs from its start date up to, not including, its end date (the rule
    health/facts.py and health/evaluation.py use for "under contract")."""
    return and_(
        Subscription.start_date <= day,
        or_(Subscription.end_date.is_(None), Subscription.end_date > day),
    )


def _contact_active_on(day: date) -> ColumnElement[bool]:
    # Created on or before the day (no date: always there), not deactivated by then.
    return and_(
        or_(Contact.created_on.is_(None), Contact.created_on <= day),
        or_(Contact.deactivated_on.is_(None), Contact.deactivated_on > day),
    )


def _per_account(
    days: Sequence[date], config: MatrixConfig, account_ids: Collection[int] | None
) -> Subquery:
    """One row per account with a term on or before the last day: its start date (the
    account's, else its first term's), and per day k whether it is under contract (on_k) and
    how many IDs it has (ids_k)."""
    last = max(days)
    terms_columns: list[Any] = [
        Subscription.account_id.label("account_id"),
        func.min(Subscription.start_date).label("first_start"),
    ]
    for k, day in enumerate(days):
        running = term_running_on(day)
        terms_columns.append(func.max(case((running, 1), else_=0)).label(f"on_{k}"))
        if config.id_source == "seats":
            seats = func.coalesce(Subscription.seats, 0)
            terms_columns.append(func.sum(case((running, seats), else_=0)).label(f"ids_{k}"))
    terms = select(*terms_columns).where(Subscription.start_date <= last)
    if account_ids is not None:
        terms = terms.where(Subscription.account_id.in_(account_ids))
    terms_q = terms.group_by(Subscription.account_id).subquery("terms")

    columns: list[Any] = [
        Account.id.label("account_id"),
        func.coalesce(Account.start_date, terms_q.c.first_start).label("start"),
        *(terms_q.c[f"on_{k}"] for k in range(len(days))),
    ]
    statement = select(Account.id).join(terms_q, terms_q.c.account_id == Account.id)
    if config.id_source == "contacts":
        people_columns: list[Any] = [Contact.account_id.label("account_id")]
        for k, day in enumerate(days):
            active = case((_contact_active_on(day), 1), else_=0)
            people_columns.append(func.sum(active).label(f"ids_{k}"))
        people = select(*people_columns)
        if account_ids is not None:
            people = people.where(Contact.account_id.in_(account_ids))
        people_q = people.group_by(Contact.account_id).subquery("people")
        statement = statement.outerjoin(people_q, people_q.c.account_id == Account.id)
        columns += [
            func.coalesce(people_q.c[f"ids_{k}"], 0).label(f"ids_{k}") for k in range(len(days))
        ]
    else:
        columns += [terms_q.c[f"ids_{k}"] for k in range(len(days))]
    return statement.with_only_columns(*columns).subquery("per_account")


def _banded(
    days: Sequence[date], config: MatrixConfig, account_ids: Collection[int] | None = None
) -> Subquery:
    """``_per_account`` with each day's ID band (id_k) and tenure band (tenure_k); both NULL
    on a day the account is not under contract."""
    base = _per_account(days, config, account_ids)
    id_bands = sorted(config.id_bands, key=lambda band: band.min, reverse=True)
    tenure_bands = sorted(config.tenure_bands, key=lambda band: band.min, reverse=True)
    columns: list[Any] = [base.c.account_id, base.c.start]
    for k, day in enumerate(days):
        under_contract = base.c[f"on_{k}"] == 1
        ids = base.c[f"ids_{k}"]
        columns.append(ids)
        columns.append(
            case(
                (~under_contract, None),
                (ids <= 0, ZERO_ROW),
                *((ids >= band.min, band.label) for band in id_bands),
                else_=None,
            ).label(f"id_{k}")
        )
        # The bottom band starts at 0 months; a start date after the day counts as 0 months.
        columns.append(
            case(
                (~under_contract, None),
                *(
                    (base.c.start <= tenure_cutoff(day, band.min), band.label)
                    for band in tenure_bands[:-1]
                ),
                else_=tenure_bands[-1].label,
            ).label(f"tenure_{k}")
        )
    return select(*columns).subquery("banded")


def band_counts(
    session: Session, days: Sequence[date], config: MatrixConfig
) -> list[tuple[Any, ...]]:
    """Accounts per combination of (id_k, tenure_k) over ``days``: one GROUP BY, a few hundred
    rows at most; the caller sums them per day and cell."""
    banded = _banded(days, config)
    keys = [banded.c[f"{axis}_{k}"] for k in range(len(days)) for axis in ("id", "tenure")]
    statement = select(*keys, func.count()).group_by(*keys)
    return [tuple(row) for row in session.execute(statement).all()]


def _in_cell(banded: Subquery, cell: str) -> ColumnElement[bool]:
    labels = split_cell(cell)
    if labels is None:
        return false()
    return and_(banded.c.id_0 == labels[0], banded.c.tenure_0 == labels[1])


def cell_members(day: date, config: MatrixConfig, cells: Collection[str]) -> Select[tuple[int]]:
    """The ids of the accounts in any of ``cells`` on ``day``."""
    banded = _banded([day], config)
    return select(banded.c.account_id).where(or_(*(_in_cell(banded, cell) for cell in cells)))


def accounts_in_cells(
    session: Session, day: date, config: MatrixConfig, cells: Collection[str]
) -> set[int]:
    return set(session.scalars(cell_members(day, config, cells)))


def cell_accounts_statement(day: date, config: MatrixConfig, cell: str) -> Select[tuple[Account]]:
    """Accounts of one cell as ORM rows, for core.pagination.paginate."""
    return select(Account).where(Account.id.in_(cell_members(day, config, [cell])))


def account_lines(
    session: Session,
    day: date,
    config: MatrixConfig,
    account_ids: Collection[int] | None = None,
) -> list[Any]:
    """Every account under contract on ``day`` (or those of ``account_ids``): ids, start,
    bands, owner; sorted by cell then name."""
    banded = _banded([day], config, account_ids)
    statement = (
        select(
            Account.id,
            Account.external_id,
            Account.name,
            User.name.label("owner"),
            banded.c.start,
            banded.c.ids_0.label("ids"),
            banded.c.id_0.label("id_band"),
            banded.c.tenure_0.label("tenure_band"),
        )
        .join(banded, banded.c.account_id == Account.id)
        .outerjoin(User, User.id == Account.owner_id)
        .where(banded.c.id_0.is_not(None))
        .order_by(Account.name, Account.id)
    )
    return list(session.execute(statement).all())


def stored_grades(
    con: DuckDBBackend, *, version: str, day: date, external_ids: Collection[str] | None
) -> tuple[date | None, dict[str, str | None]]:
    """Grades of the latest scored day on or before ``day`` under ``version`` (read-only)."""
    table = snapshots.scores(con)
    table = table.filter((table.definition_version == version) & (table.as_of <= day))
    scored = table.as_of.max().to_pyarrow().as_py()
    if scored is None:
        return None, {}
    table = table.filter(table.as_of == scored)
    if external_ids is not None:
        table = table.filter(table.account_id.isin(sorted(external_ids)))
    rows = table.select("account_id", "grade").to_pyarrow().to_pylist()
    return scored, {row["account_id"]: row["grade"] for row in rows}
