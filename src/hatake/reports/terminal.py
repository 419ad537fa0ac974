"""What every `hatake report ...` command does with its ``ReportTable``s: print them with Rich,
or write them to the file given with ``--export`` (.xlsx: every table, one sheet each; .csv:
the table named by ``--table``).

Kept apart from reports/cli.py, which imports each report's command module to register it: a
command module importing from there would import itself back half-built."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hatake.core.cli_support import console, error_console
from hatake.reports.tables import Kind, ReportTable, display_value, to_csv, to_xlsx

Gettext = Callable[[str], str]
EXPORT_SUFFIXES = (".csv", ".xlsx")

# The options every report command shares.
ExportOption = Annotated[
    Path | None,
    typer.Option("--export", help="Write a .xlsx workbook of every table, or one table as .csv"),
]
GrainOption = Annotated[str, typer.Option("--grain", help="month, quarter (fiscal) or fiscal_year")]
FirstPeriodOption = Annotated[
    str | None, typer.Option("--from", help="First period: 2025-12, FY2025-Q3 or FY2025")
]
SegmentOption = Annotated[
    str | None, typer.Option("--segment", help="Only accounts in this segment (id)")
]


def print_table(
    table: ReportTable,
    locale: str,
    *,
    keys: Collection[str] | None = None,
    limit: int | None = None,
    headings: Mapping[str, str] | None = None,
) -> None:
    """One table in the terminal, values formatted as on the pages; only the columns named in
    ``keys`` (all when ``None``), at most the first ``limit`` of them (wide triangles), and
    under the short ``headings`` given for some of them."""
    picked = [
        (index, column)
        for index, column in enumerate(table.columns)
        if keys is None or column.key in keys
    ][:limit]
    shown = Table(title=table.title, caption=table.note)
    for _index, column in picked:
        shown.add_column(
            (headings or {}).get(column.key, column.label),
            justify="left" if column.kind is Kind.TEXT else "right",
        )
    for row in table.rows:
        shown.add_row(
            *(display_value(row[index], column.kind, table, locale) for index, column in picked)
        )
    console.print(shown)


def _refuse(message: str) -> typer.Exit:
    error_console.print(f"[red]{message}[/red]")
    return typer.Exit(2)


def check_export(export: Path | None, _: Gettext) -> None:
    """Refuse an export file that is neither .csv nor .xlsx before any work is done."""
    if export is not None and export.suffix.lower() not in EXPORT_SUFFIXES:
        raise _refuse(_("--export: {value} must end in .csv or .xlsx.").format(value=export))


def write_export(
    tables: Sequence[ReportTable], export: Path, table_key: str, heading: str, _: Gettext
) -> None:
    """Every table as a workbook, or the table ``table_key`` as CSV (refused, naming the
    tables there are, when there is no such table)."""
    if export.suffix.lower() == ".xlsx":
        export.write_bytes(to_xlsx(tables, heading=heading))
    else:
        chosen = [candidate for candidate in tables if candidate.key == table_key]
        if not chosen:
            raise _refuse(
                _("--table: {value} is not a table; the tables are: {tables}.").format(
                    value=table_key, tables=", ".join(candidate.key for candidate in tables)
                )
            )
        export.write_bytes(to_csv(chosen[0]))
    console.print(_("Wrote {path}.").format(path=export))
