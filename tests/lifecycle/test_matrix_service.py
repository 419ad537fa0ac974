"""The matrix on hand-built accounts, on both databases: cells, 7/30-day changes, drill-down,
must-not-lose accounts, config versions, the workbook read back and the API over real HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer import Typer
from typer.testing import CliRunner

from hatake.core.pagination import PageRequest, Sort
from hatake.core.runtime import Runtime
from hatake.core.settings import Settings
from hatake.lifecycle import matrix_service as service
from hatake.lifecycle.matrix_cli import matrix
from hatake.lifecycle.matrix_config import MatrixConfig, check_matrix
from hatake.team import service as team_service
from tests.helpers import (
    create_account,
    create_contact,
    create_subscription,
    create_touchpoint,
    create_user,
)
from tests.live import serve

DAY = date(2026, 11, 22)


def _build(session: Session) -> dict[str, int]:
    owner = create_user(session, name="佐藤 花子")
    x = create_account(session, name="X 建設", start_date=date(2025, 11, 22), owner_id=owner.id)
    create_subscription(session, x, start_date=date(2025, 11, 22), seats=25)
    for _ in range(20):
        create_contact(session, x, created_on=date(2025, 11, 22))
    create_contact(session, x, created_on=date(2026, 11, 20))  # the 21st ID, this week
    create_touchpoint(session, x, occurred_at=datetime(2026, 11, 21, 3, 0, tzinfo=UTC))
    create_touchpoint(session, x, occurred_at=datetime(2026, 11, 23, 3, 0, tzinfo=UTC))
    y = create_account(session, name="Y 商事", start_date=date(2026, 8, 31))
    create_subscription(session, y, start_date=date(2026, 8, 31), seats=3)
    create_contact(session, y, created_on=date(2026, 9, 1))
    create_contact(session, y, created_on=date(2026, 9, 1))
    create_contact(session, y, created_on=date(2026, 9, 1), deactivated_on=DAY)
    z = create_account(session, name="Z 工業", start_date=date(2024, 1, 1))
    create_subscription(session, z, start_date=date(2024, 1, 1), end_date=date(2026, 11, 1))
    w = create_account(session, name="W 物産", start_date=None)
    create_subscription(session, w, start_date=date(2026, 11, 10), seats=None)
    return {"x": x.id, "y": y.id, "z": z.id, "w": w.id}


def _counts(view: service.MatrixView) -> dict[str, tuple[int, int, int]]:
    return {
        cell.key: (cell.count, cell.delta_7, cell.delta_30)
        for row in view.grid
        for cell in row
        if cell.count or cell.before_7 or cell.before_30
    }


def test_cells_changes_drill_down_and_must_not_lose(session: Session) -> None:
    ids = _build(session)
    view = service.build_matrix(session, DAY, MatrixConfig())
    assert _counts(view) == {
        "A-d": (1, 1, 1),  # X: 21 IDs, 12 months; a week ago 20 IDs and 11 months (B-c)
        "B-c": (0, -1, -1),
        "D-a": (1, 0, 0),  # Y: 2 IDs (one deactivated today), 2 months
        "0-a": (1, 0, 1),  # W: no contact, started 12 days ago
        "0-d": (0, 0, -1),  # Z: its term ended on 1 Nov
    }
    assert view.totals == (3, 3, 3)
    page = service.cell_page(
        session, None, day=DAY, config=MatrixConfig(), cell="A-d",
        page=PageRequest(Sort("name"), 10),
    )  # fmt: skip
    [line] = page.lines
    assert (line.id, line.ids, line.tenure_months, line.owner) == (ids["x"], 21, 12, "佐藤 花子")
    assert line.last_touch == date(2026, 11, 21)  # the touch of the 23rd is after the day
    assert line.stage is None or isinstance(line.stage, str)
    assert service.must_not_lose_accounts(session, DAY, MatrixConfig()) == {ids["x"]}
    seats = service.build_matrix(session, DAY, MatrixConfig(id_source="seats"))
    assert _counts(seats)["A-c"] == (0, -1, -1)  # 25 seats: A on every day; c until 22 Nov
    assert _counts(seats)["D-a"][0] == 1  # Y: 3 seats


def test_the_last_valid_config_stays_in_force(session: Session) -> None:
    first = service.config_in_force(session, MatrixConfig())
    assert (first.version, first.issues) == (1, ())
    assert service.config_in_force(session, MatrixConfig()).version == 1
    rejected = check_matrix({"must_not_lose": ["Q-q"]})
    state = service.config_in_force(session, rejected)
    assert state.version == 1
    assert state.config == MatrixConfig()
    assert len(state.issues) == 1
    second = service.config_in_force(session, MatrixConfig(must_not_lose=("D-a",)))
    assert second.version == 2
    assert service.config_in_force(session, rejected).config.must_not_lose == ("D-a",)


def test_workbook_and_cli(session: Session, settings: Settings, runtime: Runtime) -> None:
    _build(session)
    session.commit()
    runtime.close()
    path = Path(settings.home) / "matrix.xlsx"
    app = Typer()
    app.command("matrix")(matrix)
    app.command("other")(lambda: None)
    result = CliRunner().invoke(app, ["matrix", "--as-of", DAY.isoformat(), "--export", str(path)])
    assert result.exit_code == 0, result.output
    book = load_workbook(BytesIO(path.read_bytes()))
    grid, accounts = book.worksheets
    assert grid["A6"].value == "A"
    assert grid["E6"].value == 1
    assert grid["E6"].fill.fgColor.rgb.endswith("2B5E33")  # the busiest cell is the darkest
    assert grid["E6"].border.left.style == "thick"  # must not lose
    assert grid["B6"].value == 0
    assert grid["B6"].fill.fgColor.rgb.endswith("F6F5F1")
    rows = list(accounts.iter_rows(values_only=True))
    assert len(rows) == 4
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["X 建設"][2:4] == ("A-d", 21)
    assert by_name["W 物産"][2:4] == ("0-a", 0)
    assert not any(
        isinstance(cell.value, str) and cell.value.startswith("=")
        for sheet in (grid, accounts) for row in sheet.iter_rows() for cell in row
    )  # fmt: skip


def test_api_over_http(session: Session, settings: Settings) -> None:
    _build(session)
    _row, plain = team_service.create_token(session, name="t", scopes=["read"])
    session.commit()
    headers = {"authorization": f"Bearer {plain}", "accept-language": "en"}
    with serve(settings) as url, httpx.Client(base_url=f"{url}/api/v1/lifecycle") as api:
        body = api.get("/matrix", params={"as_of": DAY.isoformat()}, headers=headers).json()
        assert body["rows"] == ["A", "B", "C", "D", "0"]
        assert body["under_contract"] == 3
        cells = {cell["cell"]: cell for cell in body["cells"]}
        assert cells["A-d"] == {
            "cell": "A-d", "id_band": "A", "tenure_band": "d", "accounts": 1,
            "change_7_days": 1, "change_30_days": 1, "must_not_lose": True,
        }  # fmt: skip
        page = api.get("/matrix/cells/A-d", params={"as_of": "2026-11-22"}, headers=headers)
        [item] = page.json()["items"]
        assert (item["name"], item["ids"], item["last_touch"]) == ("X 建設", 21, "2026-11-21")
        missing = api.get("/matrix/cells/Q-q", headers=headers)
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        assert "no cell Q-q" in missing.json()["detail"]
        assert api.get("/matrix").status_code == 401
