"""Touchpoint and task use cases for the API. Services flush; the boundary commits."""

from __future__ import annotations

from typing import Any

from hatake.accounts.service import ACCOUNT, CONTACT, user_reference
from hatake.core.db import utcnow
from hatake.core.records import Records
from hatake.coverage import repository
from hatake.coverage.models import Task, Touchpoint
from hatake.coverage.schemas import TaskFields
from hatake.team.models import ApiToken

TOUCHPOINTS = Records(
    Touchpoint,
    not_found="No touchpoint with external id {external_id}.",
    taken="A touchpoint with external id {external_id} already exists.",
    load=repository.TOUCHPOINT_LOAD,
    required=frozenset({"channel", "occurred_at", "is_meaningful", "is_automated"}),
    references={
        "account_external_id": ACCOUNT,
        "contact_external_id": CONTACT,
        "user_email": user_reference("user_id", "user_email"),
    },
)


def settle_completion(task: Task) -> None:
    # completed_at follows the status, and marking a done task done again keeps its time.
    if task.status == "done" and task.completed_at is None:
        task.completed_at = utcnow()
    elif task.status != "done":
        task.completed_at = None


TASKS = Records(
    Task,
    not_found="No task with external id {external_id}.",
    taken="A task with external id {external_id} already exists.",
    load=repository.TASK_LOAD,
    required=frozenset(TaskFields.model_fields) - {"description", "assignee_email", "due_on"},
    references={
        "account_external_id": ACCOUNT,
        "assignee_email": user_reference("assignee_id", "assignee_email"),
    },
    settle=settle_completion,
)


def new_task(values: dict[str, Any], token: ApiToken) -> dict[str, Any]:
    """A task created through the API is credited to the token's user."""
    return {**values, "created_by_id": token.user_id}
