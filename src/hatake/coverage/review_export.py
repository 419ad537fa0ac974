"""The weekly review as an Excel workbook: the figures per CSM with the previous week
and the change, touches by channel and kind, and the accounts whose grade worsened. Values
only, never formulas, like the priority matrix export."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from io import BytesIO
from typing import Any

from hatake.core.i18n import gettext_for
from hatake.core.xlsx import (
    HEADER_FILL,
    Format,
    Workbook,
    Worksheet,
    new_workbook,
    workbook_bytes,
    write_value,
)
from hatake.coverage.review import KIND_LABELS, METRIC_LABELS, METRICS, TOUCH_KINDS, ReviewRow
from hatake.coverage.review_service import WeeklyReview

PERCENT = "0.0%"
PERCENT_CHANGE = "+0.0%;-0.0%;0.0%"
CHANGE = "+0;-0;0"
COUNT = "0"


def _header(book: Workbook, sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    header = book.add_format({"bold": True, "bg_color": HEADER_FILL})
    for column, title in enumerate(titles):
        write_value(sheet, row, column, title, header)


def _rows(
    sheet: Worksheet, rows: Iterable[Sequence[Any]], formats: Mapping[int, Format] | None = None
) -> None:
    """Rows under a one-line header, each column in its number format if it has one."""
    formats = formats or {}
    for row_index, values in enumerate(rows, start=1):
        for column, value in enumerate(values):
            write_value(sheet, row_index, column, value, formats.get(column))


def review_workbook(review: WeeklyReview, *, locale: str) -> bytes:
    _ = gettext_for(locale)
    team_name = _("Team")
    unassigned = _("(unassigned)")
    everyone = [*review.rows, review.team]

    def name_of(row: ReviewRow) -> str:
        if row is review.team:
            return team_name
        return row.csm or unassigned

    buffer = BytesIO()
    book = new_workbook(buffer)
    number_formats = {
        pattern: book.add_format({"num_format": pattern})
        for pattern in (PERCENT, PERCENT_CHANGE, CHANGE, COUNT)
    }
    sheet = book.add_worksheet(_("Weekly review"))
    this, previous = review.this, review.previous
    title = _("Weekly review {week} ({start} – {end})").format(
        week=this.week.label, start=this.week.monday.isoformat(), end=this.last_day.isoformat()
    )
    write_value(sheet, 0, 0, title, book.add_format({"bold": True, "font_size": 13}))
    compared_with = _("Compared with {week} ({start} – {end})").format(
        week=previous.week.label,
        start=previous.week.monday.isoformat(),
        end=previous.last_day.isoformat(),
    )
    write_value(sheet, 1, 0, compared_with)
    if this.in_progress:
        running = _("The week is still running: figures up to {day}.").format(
            day=this.last_day.isoformat()
        )
        write_value(sheet, 2, 0, running)
    titles = [_("CSM")]
    for name in METRICS:
        label = _(METRIC_LABELS[name])
        titles += [label, f"{label} ({_('previous week')})", f"{label} ({_('change')})"]
    header_row = 4
    _header(book, sheet, header_row, titles)
    bold = book.add_format({"bold": True})
    for offset, row in enumerate(everyone, start=1):
        write_value(
            sheet, header_row + offset, 0, name_of(row), bold if row is review.team else None
        )
        for index, name in enumerate(METRICS):
            compared = row.compared(name)
            values = (compared.value, compared.previous, compared.change)
            patterns = (
                (PERCENT, PERCENT, PERCENT_CHANGE) if name == "coverage" else (COUNT, COUNT, CHANGE)
            )
            for step, (value, pattern) in enumerate(zip(values, patterns, strict=True)):
                write_value(sheet, header_row + offset, 1 + index * 3 + step, value,
                            number_formats[pattern])  # fmt: skip
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, len(titles) - 1, 13)
    sheet.freeze_panes(header_row + 1, 1)

    touches = book.add_worksheet(_("Touches by channel"))
    _header(
        book,
        touches,
        0,
        [_("CSM"), _("Channel"), _("Kind"), _("This week"), _("Previous week"), _("Change")],
    )
    _rows(
        touches,
        (
            (
                name_of(row),
                _(channel),
                _(KIND_LABELS[kind]),
                compared.value,
                compared.previous,
                compared.change,
            )
            for row in everyone
            for channel in review.channels
            for kind in TOUCH_KINDS
            if (compared := row.channel(channel, kind)).value or compared.previous
        ),
        {5: number_formats[CHANGE]},
    )
    for column, width in enumerate((18, 14, 14, 12, 12, 10)):
        touches.set_column(column, column, width)
    touches.freeze_panes(1, 0)

    worse = book.add_worksheet(_("Grade worsened"))
    _header(
        book,
        worse,
        0,
        [
            _("CSM"), _("External id"), _("Account"), _("Grade before"), _("Grade after"),
            _("Score before"), _("Score after"),
        ],
    )  # fmt: skip
    _rows(
        worse,
        (
            (
                line.owner or unassigned,
                line.external_id,
                line.name,
                _grade(review, line.grade_before, locale),
                _grade(review, line.grade_after, locale),
                line.score_before,
                line.score_after,
            )
            for row in review.rows
            for line in row.this.worsened
        ),
    )
    for column, width in enumerate((18, 14, 32, 14, 14, 12, 12)):
        worse.set_column(column, column, width)
    worse.freeze_panes(1, 0)
    return workbook_bytes(book, buffer)


def _grade(review: WeeklyReview, key: str, locale: str) -> str:
    grade = review.grades.get(key)
    return key if grade is None else grade.label(locale)
