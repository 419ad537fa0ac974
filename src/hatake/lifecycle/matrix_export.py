"""The priority matrix as an Excel workbook: the grid with heat-coloured cells and
must-not-lose cells marked, and the account list; values only, never formulas, so the file
reads the same in any spreadsheet and after any copy-paste."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from io import BytesIO

from hatake.core.xlsx import (
    DATE_FORMAT,
    HEADER_FILL,
    Format,
    new_workbook,
    workbook_bytes,
    write_value,
)
from hatake.lifecycle.matrix import heat
from hatake.lifecycle.matrix_service import AccountLine, MatrixView

MUST_NOT_LOSE_BORDER = {"border": 5, "border_color": "#B33A3A"}  # 5: thick
INK, LIGHT_INK = "#1F2421", "#FFFFFF"


def matrix_workbook(
    view: MatrixView,
    lines: Sequence[AccountLine],
    *,
    gettext: Callable[[str], str],
    grade_names: Mapping[str, tuple[str, str]],
    scored_day: date | None,
    config_version: int | None,
) -> bytes:
    _ = gettext
    buffer = BytesIO()
    book = new_workbook(buffer)
    title = book.add_format({"bold": True, "font_size": 13})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bg_color": HEADER_FILL, "align": "center"})
    row_head = book.add_format({"bold": True, "bg_color": HEADER_FILL})
    day = book.add_format({"num_format": DATE_FORMAT})
    heat_formats: dict[tuple[str, bool, bool], Format] = {}

    def heat_format(count: int, must_not_lose: bool) -> Format:
        colour, light = heat(count, view.maximum)
        key = (colour, light, must_not_lose)
        if key not in heat_formats:
            spec: dict[str, object] = {
                "bg_color": f"#{colour}",
                "font_color": LIGHT_INK if light else INK,
                "bold": must_not_lose,
                "align": "center",
            }
            heat_formats[key] = book.add_format(
                spec | (MUST_NOT_LOSE_BORDER if must_not_lose else {})
            )
        return heat_formats[key]

    sheet = book.add_worksheet(_("Priority matrix"))
    write_value(
        sheet, 0, 0, _("Priority matrix on {date}").format(date=view.as_of.isoformat()), title
    )
    write_value(sheet, 1, 0, _(
        "Accounts per cell; the table below gives the change since {week} and {month}. Thick "
        "red border: must not lose."
    ).format(week=view.earlier[0].isoformat(), month=view.earlier[1].isoformat()))  # fmt: skip
    write_value(
        sheet, 2, 0, _("Configuration version {version}").format(version=config_version or "—")
    )
    if scored_day is not None:
        write_value(
            sheet, 3, 0, _("Grades as scored on {date}").format(date=scored_day.isoformat())
        )
    header_row = 4
    write_value(sheet, header_row, 0, _("IDs \\ tenure"), header)
    for index, column in enumerate(view.columns, start=1):
        write_value(sheet, header_row, index, column, header)
    for offset, (label, row) in enumerate(zip(view.rows, view.grid, strict=True), start=1):
        write_value(sheet, header_row + offset, 0, label, row_head)
        for index, item in enumerate(row, start=1):
            # The count alone is the value, a number that sorts and sums; the changes would
            # turn it into text, so they have their own table below the grid.
            write_value(sheet, header_row + offset, index, item.count,
                heat_format(item.count, item.must_not_lose))  # fmt: skip
    changes_row = header_row + len(view.rows) + 2
    titles = (
        _("Cell"), _("Accounts"), _("Change over 7 days"), _("Change over 30 days"),
        _("Must not lose"),
    )  # fmt: skip
    for index, text in enumerate(titles):
        write_value(sheet, changes_row, index, text, bold)
    for offset, item in enumerate((item for row in view.grid for item in row), start=1):
        values = (
            item.key,
            item.count,
            item.delta_7,
            item.delta_30,
            _("yes") if item.must_not_lose else "",
        )
        for index, value in enumerate(values):
            write_value(sheet, changes_row + offset, index, value)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, len(view.columns), 14)

    accounts = book.add_worksheet(_("Accounts"))
    titles = (
        _("External id"), _("Account"), _("Cell"), _("IDs"), _("Start date"),
        _("Tenure (months)"), _("Grade"), _("Stage"), _("Owner"), _("Last touch"),
        _("Must not lose"),
    )  # fmt: skip
    for index, text in enumerate(titles):
        write_value(accounts, 0, index, text, row_head)
    marked = {item.key for row in view.grid for item in row if item.must_not_lose}
    for row_index, line in enumerate(lines, start=1):
        grade = grade_names.get(line.grade or "", (line.grade or "", ""))[0]
        values = (
            line.external_id,
            line.name,
            line.cell,
            line.ids,
            line.start_date,
            line.tenure_months,
            grade or None,
            _(line.stage) if line.stage else None,
            line.owner,
            line.last_touch,
            _("yes") if line.cell in marked else None,
        )
        for index, value in enumerate(values):
            write_value(accounts, row_index, index, value, day if isinstance(value, date) else None)
    for index, width in enumerate((14, 32, 8, 8, 12, 10, 12, 14, 14, 12, 10)):
        accounts.set_column(index, index, width)
    accounts.freeze_panes(1, 0)
    return workbook_bytes(book, buffer)
