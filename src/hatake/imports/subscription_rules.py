"""Whole-file checks of a subscriptions import, beyond what each row says on its own: a
currency the revenue reports cannot convert (no rate under [revenue.rates]) and a term that
overlaps another of the same plan for the same account, in the file or already stored. The
rules are the revenue reports' own (hatake.revenue.mrr), so what the import accepts the
reports count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from hatake.core.settings import Settings
from hatake.imports.report import ImportIssue
from hatake.imports.validate import ColumnPlan, Context, ValidRow
from hatake.revenue import revenue_repository
from hatake.revenue.mrr import Exclusion, Term, overlap_problems
from hatake.revenue.revenue_service import revenue_config

NO_RATE = "No exchange rate for {value}: add it under [revenue.rates] in config.toml."


def _term(row: ValidRow, context: Context) -> Term:
    values = {**context.existing.get(row.external_id, {}), **row.values}
    return Term(
        row.external_id,
        values["account_id"],
        values["plan"],
        values["mrr_minor"],
        values.get("currency") or context.default_currency,
        values["start_date"],
        values.get("end_date"),
        values.get("status") or "active",
    )


def subscription_issues(
    session: Session,
    settings: Settings,
    file: str,
    plan: ColumnPlan,
    rows: Sequence[ValidRow],
    context: Context,
) -> list[ImportIssue]:
    headers = {column.field.key: column.header for column in plan.columns}
    config = revenue_config(settings)
    terms = [_term(row, context) for row in rows]
    number_of = {row.external_id: row.number for row in rows}
    issues = [
        ImportIssue(
            file,
            row.number,
            headers.get("currency", headers.get("mrr")),
            term.currency,
            NO_RATE,
            {"value": term.currency},
        )
        for row, term in zip(rows, terms, strict=True)
        if config.minor_factor(term.currency, context.default_currency) is None
    ]
    stored = [
        Term._make(stored_row)
        for stored_row in revenue_repository.terms_of_accounts(
            session, {term.account_id for term in terms}
        )
        if stored_row[0] not in number_of
    ]
    by_id = {term.external_id: term for term in [*terms, *stored]}
    for overlap in overlap_problems([*terms, *stored]):
        issue = _overlap_issue(file, headers, number_of, by_id, overlap)
        if issue is not None:
            issues.append(issue)
    return issues


def _overlap_issue(
    file: str,
    headers: dict[str, str],
    number_of: dict[str, int],
    by_id: dict[str, Term],
    overlap: Exclusion,
) -> ImportIssue | None:
    """The issue on the file's row: the later term's, or the earlier one's when only that one
    is in the file (then it names the stored term it would overlap)."""
    later, earlier = by_id[overlap.external_id], by_id[overlap.params["other"]]
    if later.external_id not in number_of:
        if earlier.external_id not in number_of:
            return None  # both stored: the reports list it
        later, earlier = earlier, later
    params: dict[str, Any] = {
        "other": earlier.external_id,
        "plan": later.plan,
        "other_start": earlier.start_date,
        "other_end": earlier.end_date or "—",
    }
    start: date = later.start_date
    return ImportIssue(
        file, number_of[later.external_id], headers.get("start_date"), start.isoformat(),
        overlap.reason, params,
    )  # fmt: skip
