"""`hatake report ...`: the revenue, retention, cohort, forecast and support reports in the
terminal. Each report's command lives with its capability and is registered here."""

from __future__ import annotations

import typer

report_app = typer.Typer(
    help="Revenue, retention, cohort, forecast and support reports", no_args_is_help=True
)

from hatake.support.analytics_cli import support  # noqa: E402  (registered after the group)

report_app.command("support")(support)

from hatake.revenue.retention_cli import retention  # noqa: E402

report_app.command("retention")(retention)

from hatake.revenue.cohort_cli import cohorts, forecast  # noqa: E402

report_app.command("cohorts")(cohorts)
report_app.command("forecast")(forecast)
