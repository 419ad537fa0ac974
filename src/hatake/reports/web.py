"""The web edge of every report: the grain choice's labels, and CSV and Excel downloads of
the tables a page shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import Response

from hatake.core.errors import InvalidField
from hatake.reports.periods import Grain
from hatake.reports.tables import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, ReportTable, to_csv, to_xlsx

ExportFormat = Literal["csv", "xlsx"]
# The pages' grain selector (message ids, translated in the template).
GRAIN_LABELS = {
    Grain.MONTH: "By month",
    Grain.QUARTER: "By fiscal quarter",
    Grain.FISCAL_YEAR: "By fiscal year",
}


def export_response(
    tables: Sequence[ReportTable],
    *,
    export_format: ExportFormat,
    filename: str,
    table_key: str | None = None,
    heading: str | None = None,
) -> Response:
    """The whole report as a workbook (one sheet per table), or one table as CSV: the one
    named by ``table_key``, the first when there is only one."""
    if export_format == "xlsx":
        content, media_type, suffix = to_xlsx(tables, heading=heading), XLSX_MEDIA_TYPE, "xlsx"
    else:
        chosen = [table for table in tables if table.key == table_key] if table_key else []
        if not chosen and len(tables) == 1:
            chosen = list(tables)
        if not chosen:
            raise InvalidField(
                "Choose one table for CSV with ?table=; the tables are: {tables}.",
                field="table",
                value=table_key,
                tables=", ".join(table.key for table in tables),
            )
        content, media_type = to_csv(chosen[0]), CSV_MEDIA_TYPE
        filename, suffix = f"{filename}-{chosen[0].key}", "csv"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}.{suffix}"'},
    )


@dataclass(frozen=True)
class ExportRequest:
    """A report page's download parameters: ``?format=xlsx`` for the workbook of every table,
    ``?format=csv&table=KEY`` for one table; neither for the page itself."""

    export_format: ExportFormat | None
    table_key: str | None

    def response(
        self, tables: Sequence[ReportTable], *, filename: str, heading: str
    ) -> Response | None:
        """The download asked for, or None when the page is."""
        if self.export_format is None:
            return None
        return export_response(
            tables,
            export_format=self.export_format,
            filename=filename,
            table_key=self.table_key,
            heading=heading,
        )


def _export_request(
    export_format: Annotated[ExportFormat | None, Query(alias="format")] = None,
    table: str | None = None,
) -> ExportRequest:
    return ExportRequest(export_format, table)


Export = Annotated[ExportRequest, Depends(_export_request)]
