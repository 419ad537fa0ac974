"""The weekly review as an Excel workbook (openpyxl): the figures per CSM with the previous week
and the change, touches by channel and kind, and the accounts whose grade worsened. Values
only, never formulas, like the priority matrix export."""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from hatake.core.i18n import gettext_for
from hatake.coverage.review import KIND_LABELS, METRIC_LABELS, METRICS, TOUCH_KINDS, ReviewRow
from hatake.coverage.review_service import WeeklyReview
from hatake.lifecycle.matrix_export import HEADER_FILL

PERCENT = "0.0%"
PERCENT_CHANGE = "+0.0%;-0.0%;0.0%"
CHANGE = "+0;-0;0"


def _header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row, column, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL


def review_workbook(review: WeeklyReview, *, locale: str) -> bytes:
    _ = gettext_for(locale)
    team_name = _("Team")
    unassigned = _("(unassigned)")
    everyone = [*review.rows, review.team]

    def name_of(row: ReviewRow) -> str:
        if row is review.team:
            return team_name
        return row.csm or unassigned

    book = Workbook()
    sheet = book.active
    sheet.title = _("Weekly review")
    this, previous = review.this, review.previous
    sheet["A1"] = _("Weekly review {week} ({start} – {end})").format(
        week=this.week.label, start=this.week.monday.isoformat(), end=this.last_day.isoformat()
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _("Compared with {week} ({start} – {end})").format(
        week=previous.week.label,
        start=previous.week.monday.isoformat(),
        end=previous.last_day.isoformat(),
    )
    if this.in_progress:
        sheet["A3"] = _("The week is still running: figures up to {day}.").format(
            day=this.last_day.isoformat()
        )
    titles = [_("CSM")]
    for name in METRICS:
        label = _(METRIC_LABELS[name])
        titles += [label, f"{label} ({_('previous week')})", f"{label} ({_('change')})"]
    header_row = 5
    _header(sheet, header_row, titles)
    for offset, row in enumerate(everyone, start=1):
        sheet.cell(header_row + offset, 1, name_of(row)).font = Font(bold=row is review.team)
        for index, name in enumerate(METRICS):
            compared = row.compared(name)
            values = (compared.value, compared.previous, compared.change)
            formats = (
                (PERCENT, PERCENT, PERCENT_CHANGE) if name == "coverage" else ("0", "0", CHANGE)
            )
            for step, (value, number_format) in enumerate(zip(values, formats, strict=True)):
                cell = sheet.cell(header_row + offset, 2 + index * 3 + step, value)
                cell.number_format = number_format
    sheet.column_dimensions["A"].width = 18
    for column in range(2, len(titles) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.freeze_panes = sheet.cell(header_row + 1, 2)

    touches = book.create_sheet(_("Touches by channel"))
    _header(
        touches,
        1,
        [_("CSM"), _("Channel"), _("Kind"), _("This week"), _("Previous week"), _("Change")],
    )
    for row in everyone:
        for channel in review.channels:
            for kind in TOUCH_KINDS:
                compared = row.channel(channel, kind)
                if not compared.value and not compared.previous:
                    continue
                touches.append(
                    [
                        name_of(row),
                        _(channel),
                        _(KIND_LABELS[kind]),
                        compared.value,
                        compared.previous,
                        compared.change,
                    ]
                )
    for cells in touches.iter_rows(min_row=2, min_col=6, max_col=6):
        cells[0].number_format = CHANGE
    for column, width in enumerate((18, 14, 14, 12, 12, 10), start=1):
        touches.column_dimensions[get_column_letter(column)].width = width
    touches.freeze_panes = "A2"

    worse = book.create_sheet(_("Grade worsened"))
    _header(
        worse,
        1,
        [
            _("CSM"), _("External id"), _("Account"), _("Grade before"), _("Grade after"),
            _("Score before"), _("Score after"),
        ],
    )  # fmt: skip
    for line in (line for row in review.rows for line in row.this.worsened):
        worse.append(
            [
                line.owner or unassigned,
                line.external_id,
                line.name,
                _grade(review, line.grade_before, locale),
                _grade(review, line.grade_after, locale),
                line.score_before,
                line.score_after,
            ]
        )
    for column, width in enumerate((18, 14, 32, 14, 14, 12, 12), start=1):
        worse.column_dimensions[get_column_letter(column)].width = width
    worse.freeze_panes = "A2"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _grade(review: WeeklyReview, key: str, locale: str) -> str:
    grade = review.grades.get(key)
    return key if grade is None else grade.label(locale)
