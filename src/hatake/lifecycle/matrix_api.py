"""REST API of the priority matrix: the cells of a day with their changes, and the accounts of
one cell (keyset-paginated like every list)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from hatake.core.i18n import gettext_for
from hatake.core.pagination import Page, PageRequest
from hatake.lifecycle import matrix_service as service
from hatake.team.service import org_today
from hatake.web.api import page_query, problems
from hatake.web.deps import DbSession, ReadToken, request_locale

router = APIRouter(prefix="/api/v1/lifecycle", tags=["lifecycle"])
CellPageQuery = Annotated[PageRequest, Depends(page_query(list(service.CELL_SORTS), "name"))]
AsOf = Annotated[date | None, Query(description="The day; today in the organisation's zone")]


class MatrixCellRead(BaseModel):
    cell: str = Field(examples=["A-d"])
    id_band: str = Field(examples=["A"])
    tenure_band: str = Field(examples=["d"])
    accounts: int = Field(examples=[949])
    change_7_days: int = Field(examples=[8])
    change_30_days: int = Field(examples=[39])
    must_not_lose: bool


class MatrixRead(BaseModel):
    as_of: date
    compared_with: list[date] = Field(description="7 and 30 days before as_of")
    id_source: str = Field(examples=["contacts"])
    config_version: int | None
    config_errors: list[str] = Field(
        description="Problems of config.toml [matrix]; when present, the previous version "
        "(config_version) is in force"
    )
    rows: list[str] = Field(examples=[["A", "B", "C", "D", "0"]])
    columns: list[str] = Field(examples=[["a", "b", "c", "d"]])
    under_contract: int
    cells: list[MatrixCellRead]


class MatrixAccountRead(BaseModel):
    external_id: str = Field(examples=["ACC-0001"])
    name: str
    cell: str = Field(examples=["A-d"])
    ids: int
    start_date: date | None
    tenure_months: int | None
    grade: str | None = Field(examples=["healthy"])
    stage: str | None = Field(examples=["adoption"])
    owner: str | None
    last_touch: date | None


@router.get("/matrix", summary="The priority matrix of a day")
def get_matrix(
    request: Request, session: DbSession, _token: ReadToken, as_of: AsOf = None
) -> MatrixRead:
    """Accounts under contract per cell (ID band × tenure band) with the change since 7 and
    30 days before; cells listed row by row."""
    state = service.current_state(session, request.app.state.runtime.settings)
    day = as_of or org_today(session)
    view = service.build_matrix(session, day, state.config)
    gettext = gettext_for(request_locale(request))
    return MatrixRead(
        as_of=day,
        compared_with=list(view.earlier),
        id_source=state.config.id_source,
        config_version=state.version,
        config_errors=service.config_issue_texts(state.issues, gettext),
        rows=view.rows,
        columns=view.columns,
        under_contract=view.totals[0],
        cells=[
            MatrixCellRead(
                cell=cell.key,
                id_band=cell.id_label,
                tenure_band=cell.tenure_label,
                accounts=cell.count,
                change_7_days=cell.delta_7,
                change_30_days=cell.delta_30,
                must_not_lose=cell.must_not_lose,
            )
            for row in view.grid
            for cell in row
        ],
    )


@router.get(
    "/matrix/cells/{cell}",
    summary="The accounts of one cell",
    responses=problems(**{"404": "The matrix has no such cell"}),
)
def get_cell(
    request: Request,
    session: DbSession,
    _token: ReadToken,
    cell: str,
    page: CellPageQuery,
    as_of: AsOf = None,
) -> Page[MatrixAccountRead]:
    """The accounts of ``cell`` (e.g. `A-d`) on the day, with grade (latest stored score on or
    before the day), stage, owner and last meaningful touch."""
    state = service.current_state(session, request.app.state.runtime.settings)
    day = as_of or org_today(session)
    result = service.cell_page(
        session, request.app.state.runtime, day=day, config=state.config, cell=cell, page=page
    )
    items = [
        MatrixAccountRead(
            external_id=line.external_id,
            name=line.name,
            cell=line.cell,
            ids=line.ids,
            start_date=line.start_date,
            tenure_months=line.tenure_months,
            grade=line.grade,
            stage=line.stage,
            owner=line.owner,
            last_touch=line.last_touch,
        )
        for line in result.lines
    ]
    return Page[MatrixAccountRead](items=items, next_cursor=result.next_cursor)
