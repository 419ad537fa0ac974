"""Pages: the backtest of one or two definition versions, and fitted weights."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from hatake.core.errors import Forbidden, HatakeError
from hatake.core.i18n import gettext_for
from hatake.health import evaluation, versions
from hatake.health.backtest import (
    BacktestReport,
    compare,
    format_value,
    metric_kind,
    metric_label,
)
from hatake.health.definition import Definition
from hatake.health.scoring import metric_label as factor_label
from hatake.team.models import User
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
SAVER_ROLES = ("admin", "manager")
SERIES_COLOURS = ("#2b5e33", "#c06014")
MAX_HORIZON = 730


def can_save(user: User) -> bool:
    return user.role in SAVER_ROLES


def _today() -> date:
    return datetime.now(UTC).date()


def formatter(locale: str) -> Callable[..., str]:
    def fmt(kind: str, value: float | None, signed: bool = False) -> str:
        return format_value(kind, value, locale, signed=signed)

    return fmt


def comparison_rows(reports: Sequence[BacktestReport], locale: str) -> list[dict[str, Any]]:
    """One row per single-number metric: label, formatted values and difference (B − A)."""
    fmt = formatter(locale)
    if len(reports) == 1:
        values = reports[0].scalars()
        return [
            {
                "metric": metric,
                "label": metric_label(metric, locale),
                "values": [fmt(metric_kind(metric), values[metric])],
                "difference": None,
            }
            for metric in values
        ]
    return [
        {
            "metric": row.metric,
            "label": metric_label(row.metric, locale),
            "values": [fmt(metric_kind(row.metric), row.a), fmt(metric_kind(row.metric), row.b)],
            "difference": fmt(metric_kind(row.metric), row.difference, signed=True),
        }
        for row in compare(reports[0], reports[1])
    ]


def flagged_rows(reports: Sequence[BacktestReport], locale: str) -> list[dict[str, Any]]:
    """Rule × version: flagged, precision, recall, lift (at-risk grade, worst 10 %, 20 %)."""
    _ = gettext_for(locale)
    fmt = formatter(locale)
    rules = [(_("At-risk grade"), [report.at_risk for report in reports])]
    for percent, _flagged in reports[0].worst:
        rules.append(
            (
                _("Worst {percent}%").format(percent=percent),
                [report.worst_percent(percent) for report in reports],
            )
        )
    return [
        {
            "label": label,
            "cells": [
                {
                    "flagged": fmt("count", item.flagged),
                    "precision": fmt("rate", item.precision),
                    "recall": fmt("rate", item.recall),
                    "lift": fmt("lift", item.lift),
                }
                for item in items
            ],
        }
        for label, items in rules
    ]


def chart_data(
    labels: Sequence[str],
    definitions: Sequence[Definition],
    reports: Sequence[BacktestReport],
    locale: str,
) -> str:
    """JSON for static/backtest-charts.js: lift by decile, churn rate per grade, ROC curve."""
    _ = gettext_for(locale)
    grade_keys: list[str] = []
    grade_names: dict[str, str] = {}
    for definition in definitions:
        for grade in definition.grades:
            if grade.key not in grade_keys:
                grade_keys.append(grade.key)
                grade_names[grade.key] = grade.label(locale)
    series = []
    for index, (label, report) in enumerate(zip(labels, reports, strict=True)):
        rates = {row.grade: row.churn_rate for row in report.calibration}
        series.append(
            {
                "label": label,
                "colour": SERIES_COLOURS[index % len(SERIES_COLOURS)],
                "deciles": [row.lift for row in report.deciles],
                "grades": [rates.get(key) for key in grade_keys],
                "roc": [{"x": fpr, "y": tpr} for fpr, tpr in report.roc_curve],
                "baseRate": report.base_rate,
            }
        )
    return json.dumps(
        {
            "locale": "ja-JP" if locale == "ja" else "en-US",
            "deciles": [str(row.decile) for row in reports[0].deciles],
            "grades": [grade_names[key] for key in grade_keys],
            "series": series,
            "text": {
                "lift": _("Lift"),
                "decile": _("Decile (1 = lowest scores)"),
                "churnRate": _("Churn rate"),
                "baseRate": _("Overall churn rate"),
                "fpr": _("Share of retained accounts flagged"),
                "tpr": _("Share of churned accounts flagged"),
                "chance": _("Chance"),
            },
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")


def report_context(
    session: Session,
    labels: Sequence[str],
    definitions: Sequence[Definition],
    reports: Sequence[BacktestReport],
    locale: str,
) -> dict[str, Any]:
    page_ids = evaluation.account_page_ids(
        session, [item.account_id for report in reports for item in report.false_negatives]
    )
    return {
        "labels": list(labels),
        "reports": list(reports),
        "comparison": comparison_rows(reports, locale),
        "flagged": flagged_rows(reports, locale),
        "charts_json": chart_data(labels, definitions, reports, locale),
        "page_ids": page_ids,
        "fmt": formatter(locale),
    }


def _definition_or_none(session: Session, version: str | None) -> Definition | None:
    return versions.get_definition(session, version) if version else None


@router.get("/health/backtest", response_class=HTMLResponse)
def backtest_page(
    request: Request,
    session: DbSession,
    _user: CurrentUser,
    version: str | None = None,
    compare_with: Annotated[str | None, Query(alias="compare")] = None,
    as_of: Annotated[str | None, Query()] = None,
    horizon: Annotated[int, Query(ge=1, le=MAX_HORIZON)] = evaluation.DEFAULT_HORIZON_DAYS,
) -> Response:
    locale = request_locale(request)
    infos = versions.list_versions(session)
    active = next(info.version for info in infos if info.is_active)
    chosen_a = version or active
    day = _parse_day(as_of) or _today() - timedelta(days=horizon)
    context: dict[str, Any] = {
        "versions": infos,
        "form": {
            "version": chosen_a,
            "compare": compare_with or "",
            "as_of": day.isoformat(),
            "horizon": horizon,
        },
        "error": None,
    }
    try:
        definitions = [versions.get_definition(session, chosen_a)]
        other = _definition_or_none(session, compare_with)
        if other is not None:
            definitions.append(other)
        runtime = request.app.state.runtime
        with runtime.analytics_lock:
            reports = evaluation.backtest_days(
                session,
                runtime.analytics(),
                dates=[day],
                horizon_days=horizon,
                definitions=definitions,
                settings=runtime.settings,
            )
    except HatakeError as error:
        context["error"] = error.render(gettext_for(locale))
        return render(request, "health/backtest.html", context, status_code=error.status_code)
    labels = [f"A: {definitions[0].version}"]
    if len(definitions) == 2:
        labels.append(f"B: {definitions[1].version}")
    context.update(report_context(session, labels, definitions, reports, locale))
    context["definitions"] = definitions
    return render(request, "health/backtest.html", context)


def _parse_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


class FitForm:
    """The fit's parameters as the page's form sends them, with the defaults filled in."""

    def __init__(
        self,
        *,
        version: str,
        start: date,
        end: date,
        every: int,
        horizon: int,
        name: str | None,
    ) -> None:
        self.version = version
        self.start = start
        self.end = end
        self.every = every
        self.horizon = horizon
        self.name = name

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "every": self.every,
            "horizon": self.horizon,
            "name": self.name or "",
        }


def _fit_form(
    session: Session,
    *,
    version: str | None,
    start: str | None,
    end: str | None,
    every: int,
    horizon: int,
    name: str | None,
) -> FitForm:
    first, last = evaluation.fit_period(
        _today(), start=_parse_day(start), end=_parse_day(end), horizon_days=horizon
    )
    return FitForm(
        version=version or versions.active_definition(session).version,
        start=first,
        end=last,
        every=every,
        horizon=horizon,
        name=name or None,
    )


def _run(request: Request, session: Session, form: FitForm) -> evaluation.FitOutcome:
    runtime = request.app.state.runtime
    base = versions.get_definition(session, form.version)
    with runtime.analytics_lock:
        return evaluation.run_fit(
            session,
            runtime.analytics(),
            definition=base,
            dates=evaluation.as_of_dates(form.start, form.end, form.every),
            horizon_days=form.horizon,
            settings=runtime.settings,
            version=form.name,
            today=_today(),
        )


def weight_rows(outcome: evaluation.FitOutcome, locale: str) -> list[dict[str, Any]]:
    return [
        {
            "label": factor_label(row.metric, locale),
            "metric": row.metric,
            "hand_set": format_value("weight", row.hand_set, locale),
            "fitted": format_value("weight", row.fitted, locale),
            "fitted_value": row.fitted,
            "hand_value": row.hand_set or 0.0,
            "coefficient": format_value("coefficient", row.coefficient, locale, signed=True),
            "evidence": row.evidence,
        }
        for row in outcome.rows
    ]


@router.get("/health/fit", response_class=HTMLResponse)
def fit_page(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    version: str | None = None,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    every: Annotated[int, Query(ge=1, le=365)] = evaluation.DEFAULT_EVERY_DAYS,
    horizon: Annotated[int, Query(ge=1, le=MAX_HORIZON)] = evaluation.DEFAULT_HORIZON_DAYS,
    name: str | None = None,
    run: bool = False,
    saved: str | None = None,
) -> Response:
    locale = request_locale(request)
    context: dict[str, Any] = {
        "versions": versions.list_versions(session),
        "can_save": can_save(user),
        "saved": saved,
        "error": None,
        "outcome": None,
    }
    try:
        form = _fit_form(
            session,
            version=version,
            start=start,
            end=end,
            every=every,
            horizon=horizon,
            name=name,
        )
        context["form"] = form.as_dict()
        if run:
            outcome = _run(request, session, form)
            context["outcome"] = outcome
            context["weights"] = weight_rows(outcome, locale)
            labels = [
                gettext_for(locale)("Hand-set: {version}").format(version=outcome.base.version),
                gettext_for(locale)("Fitted: {version}").format(version=outcome.fitted.version),
            ]
            context.update(
                report_context(
                    session,
                    labels,
                    [outcome.base, outcome.fitted],
                    [outcome.test_base, outcome.test_fitted],
                    locale,
                )
            )
    except HatakeError as error:
        context.setdefault(
            "form",
            {"version": version or "", "from": start or "", "to": end or "", "every": every,
             "horizon": horizon, "name": name or ""},
        )  # fmt: skip
        context["error"] = error.render(gettext_for(locale))
        return render(request, "health/fit.html", context, status_code=error.status_code)
    return render(request, "health/fit.html", context)


@router.post("/health/fit/save", dependencies=[CsrfChecked])
def fit_save(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    version: Annotated[str, Form()],
    start: Annotated[str, Form(alias="from")],
    end: Annotated[str, Form(alias="to")],
    every: Annotated[int, Form(ge=1, le=365)],
    horizon: Annotated[int, Form(ge=1, le=MAX_HORIZON)],
    name: Annotated[str, Form()] = "",
) -> Response:
    """Run the same fit again (it is deterministic) and store the result as a new version,
    not activated: the team activates it on the definitions page when they agree."""
    if not can_save(user):
        raise Forbidden("Only admins and managers can save or activate score definitions.")
    form = _fit_form(
        session, version=version, start=start, end=end, every=every, horizon=horizon, name=name
    )
    outcome = _run(request, session, form)
    runtime = request.app.state.runtime
    versions.save_definition(
        session,
        outcome.document,
        known_metrics=versions.metric_names(runtime.settings),
        author_id=user.id,
        origin="fitted",
        note=f"fit {form.start.isoformat()}…{form.end.isoformat()}, every {form.every} d, "
        f"horizon {form.horizon} d",
    )
    query = urlencode({**form.as_dict(), "run": "true", "saved": outcome.fitted.version})
    return RedirectResponse(f"/health/fit?{query}", status_code=303)
