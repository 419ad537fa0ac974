"""Pages: the segments (list, new, one segment with its members, member count over time and
enter/leave history, edit, delete, recompute)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from hatake.accounts.models import Account
from hatake.core.errors import Forbidden, HatakeError, InvalidInput
from hatake.core.i18n import gettext_for
from hatake.health import versions
from hatake.health.service import org_time_zone
from hatake.lifecycle import segment_jobs, segment_service
from hatake.lifecycle import service as lifecycle_service
from hatake.lifecycle.segments import (
    FIELDS,
    NUMBER_OPS,
    OPERATOR_LABELS,
    TEXT_OPS,
    describe,
    field_of,
    number_text,
)
from hatake.lifecycle.tiers import TIER_ORDER
from hatake.team.models import User
from hatake.web.deps import CsrfChecked, CurrentUser, DbSession, get_runtime, request_locale
from hatake.web.templating import render

router = APIRouter(include_in_schema=False)
CONDITION_ROWS = 5
MEMBERS_SHOWN = 200


def _require_editor(user: User) -> None:
    if user.role == "viewer":
        raise Forbidden("Viewers cannot change segments.")


def _custom_keys(request: Request) -> list[str]:
    return get_runtime(request).settings.file_config.custom_keys


def definition_from_form(form: FormData, custom_keys: list[str]) -> dict[str, Any]:
    """The segment document from the editor's rows (field, operator, value per row); empty
    rows are skipped. Values are typed by their field: numbers, a "low, high" pair, or a list
    separated by commas."""
    conditions = []
    for row in range(CONDITION_ROWS):
        name = str(form.get(f"field_{row}") or "")
        if not name:
            continue
        op = str(form.get(f"op_{row}") or "=")
        text = str(form.get(f"value_{row}") or "").strip()
        field = field_of(name, custom_keys)
        condition: dict[str, Any] = {"field": name, "op": op}
        if op not in ("is_empty", "is_not_empty"):
            condition["value"] = _typed(text, op, field.type if field else "text", row + 1)
        conditions.append(condition)
    return {"match": str(form.get("match") or "all"), "conditions": conditions}


def _typed(text: str, op: str, kind: str, number: int) -> Any:
    parts = [part.strip() for part in text.replace("、", ",").split(",") if part.strip()]
    if op in ("in", "not_in"):
        return parts
    try:
        if op == "between":
            return [float(part) for part in parts]
        return float(text) if kind == "number" else text
    except ValueError:
        raise InvalidInput(
            "Condition {number}: {value} is not a number.", number=number, value=text
        ) from None


def _rows(definition: dict[str, Any] | None) -> list[dict[str, str]]:
    conditions = (definition or {}).get("conditions", [])
    rows = []
    for condition in conditions[:CONDITION_ROWS]:
        value = condition.get("value")
        shown = ", ".join(map(number_text, value)) if isinstance(value, list) else value
        rows.append(
            {"field": condition["field"], "op": condition["op"], "value": number_text(shown)}
        )
    return rows + [{"field": "", "op": "=", "value": ""}] * (CONDITION_ROWS - len(rows))


def _editor_context(request: Request, session: Session) -> dict[str, Any]:
    locale = request_locale(request)
    custom = [f"custom.{key}" for key in _custom_keys(request)]
    lifecycle = lifecycle_service.lifecycle_config(session, get_runtime(request).settings)
    return {
        # The values text fields take, so nobody has to guess "high_touch" or "at_risk".
        "known_values": {
            "grade": [grade.key for grade in versions.active_definition(session).grades],
            "stage": [stage.key for stage in lifecycle.config.stages],
            "tier": list(TIER_ORDER),
            "status": ["active", "churned"],
        },
        "fields": [(f.name, f.label_ja if locale == "ja" else f.label_en) for f in FIELDS.values()]
        + [(name, name) for name in custom],
        "operators": [(op, OPERATOR_LABELS[op]) for op in dict.fromkeys(NUMBER_OPS + TEXT_OPS)],
    }


def _today(session: Session) -> date:
    return datetime.now(ZoneInfo(org_time_zone(session))).date()


@router.get("/segments")
def segments_page(request: Request, session: DbSession, user: CurrentUser) -> Response:
    return _list_page(request, session, user, form_values=None, error=None)


def _list_page(
    request: Request,
    session: Session,
    user: User,
    *,
    form_values: dict[str, Any] | None,
    error: str | None,
    status_code: int = 200,
) -> Response:
    locale = request_locale(request)
    segments = segment_service.list_segments(session)
    return render(
        request,
        "lifecycle/segments.html",
        {
            "section": "segments",
            "segments": [
                {
                    "segment": segment,
                    "members": segment_service.member_total(session, segment.id),
                    "summary": describe(segment.definition, locale),
                }
                for segment in segments
            ],
            "can_edit": user.role != "viewer",
            "form": form_values or {"name": "", "description": "", "match": "all"},
            "rows": _rows(form_values.get("definition") if form_values else None),
            "error": error,
            **_editor_context(request, session),
        },
        status_code=status_code,
    )


@router.post("/segments", dependencies=[CsrfChecked])
async def create_segment(request: Request, session: DbSession, user: CurrentUser) -> Response:
    _require_editor(user)
    form = await request.form()
    values = {
        "name": str(form.get("name") or ""),
        "description": str(form.get("description") or ""),
    }
    try:
        definition = definition_from_form(form, _custom_keys(request))
        values["match"] = definition["match"]
        values["definition"] = definition
        segment = segment_service.save_segment(
            session,
            name=values["name"],
            definition=definition,
            description=values["description"],
            custom_keys=_custom_keys(request),
            author_id=user.id,
        )
    except HatakeError as error:
        gettext = gettext_for(request_locale(request))
        return _list_page(
            request, session, user, form_values=values, error=error.render(gettext),
            status_code=error.status_code,
        )  # fmt: skip
    segment_jobs.refresh_segments(get_runtime(request), session, day=_today(session))
    return RedirectResponse(f"/segments/{segment.id}", status_code=303)


@router.post("/segments/refresh", dependencies=[CsrfChecked])
def refresh_segments(request: Request, session: DbSession, user: CurrentUser) -> Response:
    _require_editor(user)
    segment_jobs.refresh_segments(get_runtime(request), session, day=_today(session))
    return RedirectResponse("/segments", status_code=303)


@router.get("/segments/{segment_id}")
def segment_page(
    request: Request, session: DbSession, user: CurrentUser, segment_id: int
) -> Response:
    return _segment_page(request, session, user, segment_id, error=None, form_values=None)


def _segment_page(
    request: Request,
    session: Session,
    user: User,
    segment_id: int,
    *,
    error: str | None,
    form_values: dict[str, Any] | None,
    status_code: int = 200,
) -> Response:
    locale = request_locale(request)
    segment = segment_service.get_segment(session, segment_id)
    total = segment_service.member_total(session, segment_id)
    # The page shows the first members; the accounts list pages through all of them.
    members = session.scalars(
        select(Account)
        .where(Account.id.in_(segment_service.members_now(segment_id)))
        .order_by(Account.name)
        .limit(MEMBERS_SHOWN)
    ).all()
    changes = segment_service.recent_changes(session, segment_id)
    changed_names = dict(
        session.execute(
            select(Account.id, Account.name).where(
                Account.id.in_({account for _day, _kind, account in changes})
            )
        ).all()
    )
    counts = segment_service.member_counts(session, segment_id)
    current = form_values or {
        "name": segment.name,
        "description": segment.description or "",
        "match": segment.definition.get("match", "all"),
        "definition": segment.definition,
    }
    return render(
        request,
        "lifecycle/segment.html",
        {
            "section": "segments",
            "segment": segment,
            "summary": describe(segment.definition, locale),
            "members": members,
            "total": total,
            "changes": [
                (day, kind, account, changed_names.get(account, ""))
                for day, kind, account in changes
            ],
            "chart_json": json.dumps(
                {
                    "labels": [day.isoformat() for day, _ in counts],
                    "members": [n for _, n in counts],
                }
            ),
            "can_edit": user.role != "viewer",
            "form": current,
            "rows": _rows(current.get("definition")),
            "error": error,
            **_editor_context(request, session),
        },
        status_code=status_code,
    )


@router.post("/segments/{segment_id}", dependencies=[CsrfChecked])
async def update_segment(
    request: Request, session: DbSession, user: CurrentUser, segment_id: int
) -> Response:
    _require_editor(user)
    form = await request.form()
    values: dict[str, Any] = {
        "name": str(form.get("name") or ""),
        "description": str(form.get("description") or ""),
    }
    try:
        definition = definition_from_form(form, _custom_keys(request))
        values["match"], values["definition"] = definition["match"], definition
        segment_service.save_segment(
            session,
            name=values["name"],
            definition=definition,
            description=values["description"],
            custom_keys=_custom_keys(request),
            segment_id=segment_id,
        )
    except HatakeError as error:
        gettext = gettext_for(request_locale(request))
        return _segment_page(
            request, session, user, segment_id, error=error.render(gettext),
            form_values=values, status_code=error.status_code,
        )  # fmt: skip
    segment_jobs.refresh_segments(get_runtime(request), session, day=_today(session))
    return RedirectResponse(f"/segments/{segment_id}", status_code=303)


@router.post("/segments/{segment_id}/delete", dependencies=[CsrfChecked])
def delete_segment(session: DbSession, user: CurrentUser, segment_id: int) -> Response:
    _require_editor(user)
    segment_service.delete_segment(session, segment_id)
    return RedirectResponse("/segments", status_code=303)
