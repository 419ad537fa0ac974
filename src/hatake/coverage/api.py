"""REST API for touchpoints and tasks."""

from __future__ import annotations

from fastapi import APIRouter

from hatake.coverage import coverage_service, repository, service
from hatake.coverage.schemas import (
    TaskCreate,
    TaskFilters,
    TaskRead,
    TaskUpdate,
    TouchpointCreate,
    TouchpointFilters,
    TouchpointRead,
    TouchpointUpdate,
)
from hatake.web.api import Resource, add_routes

router = APIRouter(prefix="/api/v1")

add_routes(
    router,
    Resource(
        path="/touchpoints", tag="touchpoints", noun="touchpoint", records=service.TOUCHPOINTS,
        read=TouchpointRead, create=TouchpointCreate, update=TouchpointUpdate,
        filters=TouchpointFilters, list_rows=repository.list_touchpoints,
        sorts=list(repository.TOUCHPOINT_SORTS),
        check_payload=coverage_service.check_touch_payload,
    ),
)  # fmt: skip
add_routes(
    router,
    Resource(
        path="/tasks", tag="tasks", noun="task", records=service.TASKS, read=TaskRead,
        create=TaskCreate, update=TaskUpdate, filters=TaskFilters,
        list_rows=repository.list_tasks, sorts=list(repository.TASK_SORTS),
        prepare_create=service.new_task,
    ),
)  # fmt: skip
