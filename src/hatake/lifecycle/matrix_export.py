"""The priority matrix as an Excel workbook (openpyxl): the grid with heat-coloured cells and
must-not-lose cells marked, and the account list; values only, never formulas, so the file
reads the same in any spreadsheet and after any copy-paste."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from hatake.lifecycle.matrix import heat
from hatake.lifecycle.matrix_service import AccountLine, MatrixView

MUST_NOT_LOSE_BORDER = Side(style="thick", color="B33A3A")
HEADER_FILL = PatternFill("solid", fgColor="DEDBD2")


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
    book = Workbook()
    sheet = book.active
    sheet.title = _("Priority matrix")
    sheet["A1"] = _("Priority matrix on {date}").format(date=view.as_of.isoformat())
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _(
        "Accounts per cell; the table below gives the change since {week} and {month}. Thick "
        "red border: must not lose."
    ).format(week=view.earlier[0].isoformat(), month=view.earlier[1].isoformat())
    sheet["A3"] = _("Configuration version {version}").format(version=config_version or "—")
    header_row = 5
    sheet.cell(header_row, 1, _("IDs \\ tenure"))
    for index, column in enumerate(view.columns, start=2):
        sheet.cell(header_row, index, column)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    maximum = view.maximum
    for offset, (label, row) in enumerate(zip(view.rows, view.grid, strict=True), start=1):
        row_index = header_row + offset
        head = sheet.cell(row_index, 1, label)
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        for index, item in enumerate(row, start=2):
            # The count alone is the value, a number that sorts and sums; the changes would
            # turn it into text, so they have their own table below the grid.
            target = sheet.cell(row_index, index, item.count)
            colour, light = heat(item.count, maximum)
            target.fill = PatternFill("solid", fgColor=colour)
            target.font = Font(bold=item.must_not_lose, color="FFFFFF" if light else "1F2421")
            target.alignment = Alignment(horizontal="center")
            if item.must_not_lose:
                target.border = Border(
                    left=MUST_NOT_LOSE_BORDER,
                    right=MUST_NOT_LOSE_BORDER,
                    top=MUST_NOT_LOSE_BORDER,
                    bottom=MUST_NOT_LOSE_BORDER,
                )
    changes_row = header_row + len(view.rows) + 2
    sheet.cell(changes_row, 1, _("Cell")).font = Font(bold=True)
    for index, title in enumerate(
        (_("Accounts"), _("Change over 7 days"), _("Change over 30 days"), _("Must not lose")),
        start=2,
    ):
        sheet.cell(changes_row, index, title).font = Font(bold=True)
    for offset, item in enumerate((item for row in view.grid for item in row), start=1):
        values = (
            item.key,
            item.count,
            item.delta_7,
            item.delta_30,
            _("yes") if item.must_not_lose else "",
        )
        for index, value in enumerate(values, start=1):
            sheet.cell(changes_row + offset, index, value)
    sheet.column_dimensions["A"].width = 16
    for index in range(2, len(view.columns) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14

    accounts = book.create_sheet(_("Accounts"))
    titles = (
        _("External id"), _("Account"), _("Cell"), _("IDs"), _("Start date"),
        _("Tenure (months)"), _("Grade"), _("Stage"), _("Owner"), _("Last touch"),
        _("Must not lose"),
    )  # fmt: skip
    accounts.append(list(titles))
    for cell in accounts[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    marked = {item.key for row in view.grid for item in row if item.must_not_lose}
    for line in lines:
        grade = grade_names.get(line.grade or "", (line.grade or "", ""))[0]
        accounts.append(
            [
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
            ]
        )
    for row in accounts.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "yyyy-mm-dd"
    for row in accounts.iter_rows(min_row=2, min_col=10, max_col=10):
        row[0].number_format = "yyyy-mm-dd"
    for index, width in enumerate((14, 32, 8, 8, 12, 10, 12, 14, 14, 12, 10), start=1):
        accounts.column_dimensions[get_column_letter(index)].width = width
    accounts.freeze_panes = "A2"
    if scored_day is not None:
        sheet["A4"] = _("Grades as scored on {date}").format(date=scored_day.isoformat())
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
