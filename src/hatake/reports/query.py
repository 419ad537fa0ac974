"""What a report is asked for, as every report reads it from a page, the API or the CLI: a
grain, a range of period keys and a segment, checked with errors that name the parameter as
given."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.core.errors import InvalidField
from hatake.lifecycle.segment_models import Segment
from hatake.reports.periods import (
    Grain,
    Period,
    parse_period_key,
    periods_between,
    trailing_periods,
)
from hatake.team import repository as team_repository

# Periods shown when no range is given (a year of months, two years of quarters, three
# fiscal years), and the most one request may ask for.
DEFAULT_PERIODS = {Grain.MONTH: 12, Grain.QUARTER: 8, Grain.FISCAL_YEAR: 3}
MAX_PERIODS = 120


def fiscal_start_month(session: Session) -> int:
    org = team_repository.get_org(session)
    return org.fiscal_year_start_month if org is not None else 4


def parse_segment(session: Session, value: str | None) -> Segment | None:
    """The segment a report is narrowed to (by id), or None for every account."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    # ASCII digits within a database integer: "²" passes str.isdigit and a 20-digit id
    # overflows, and both must be "no such segment", not a server error.
    is_id = text.isascii() and text.isdigit() and int(text) < 2**31
    found = session.get(Segment, int(text)) if is_id else None
    if found is None:
        raise InvalidField(
            "segment: there is no segment with id {value}.", field="segment", value=value
        )
    return found


def parse_grain(value: str | None) -> Grain:
    try:
        return Grain(value or Grain.MONTH)
    except ValueError:
        raise InvalidField(
            "grain: {value} is not a grain; use month, quarter or fiscal_year.",
            field="grain",
            value=value,
        ) from None


def parse_period(value: str, field: str, start_month: int) -> Period:
    try:
        return parse_period_key(value, start_month)
    except ValueError:
        raise InvalidField(
            "{field}: {value} is not a period; use YYYY-MM, FYyyyy-Qn or FYyyyy "
            "(e.g. 2026-04, FY2026-Q1, FY2026).",
            field=field,
            value=value,
        ) from None


def period_range(
    *,
    grain: Grain,
    first: str | None,
    last: str | None,
    start_month: int,
    default_end: date,
    latest: date | None = None,
) -> tuple[date, date]:
    """The first and last day asked for: from the start of period ``first`` to the end of
    period ``last`` (keys of any grain: 2026-04, FY2026-Q1, FY2026), at most to ``latest``.
    Without ``last`` the range ends on ``default_end``; without ``first`` it holds the
    default number of periods of ``grain``."""
    end = parse_period(last, "to", start_month).end if last else default_end
    if latest is not None:
        end = min(end, latest)
    if first:
        begin = parse_period(first, "from", start_month).first
    else:
        begin = trailing_periods(end, grain, start_month, DEFAULT_PERIODS[grain])[0].first
    if begin > end:
        raise InvalidField(
            "from: {value} starts after the end of to ({to}).",
            field="from",
            value=first,
            to=last or end.isoformat(),
        )
    count = len(periods_between(begin, end, grain, start_month))
    if count > MAX_PERIODS:
        raise InvalidField(
            "from: {value} gives {count} periods; at most {limit} are shown at once.",
            field="from",
            value=first,
            count=count,
            limit=MAX_PERIODS,
        )
    return begin, end
