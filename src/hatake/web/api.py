"""What every REST resource shares: documented problem responses, the page parameters
(limit, cursor, sort) and the create / get / patch / delete routes by external id.

This module deliberately has no ``from __future__ import annotations``: the route factories
annotate parameters with the schema classes they are given, and FastAPI must see those classes
rather than strings it cannot resolve.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, status
from pydantic import BaseModel
from sqlalchemy.orm import Session

from hatake.core.pagination import MAX_LIMIT, Page, PageRequest, parse_sort
from hatake.core.records import Records
from hatake.core.settings import Settings
from hatake.team.models import ApiToken
from hatake.web.deps import DbSession, ReadToken, WriteToken

PROBLEM_CONTENT = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; `errors` names each field, value and reason.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "value": {},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
    "examples": [
        {
            "type": "about:blank",
            "title": "The request is not valid.",
            "status": 422,
            "detail": "No account with external id ACC-404.",
            "instance": "/api/v1/subscriptions",
            "errors": [
                {
                    "field": "account_external_id",
                    "value": "ACC-404",
                    "message": "No account with external id ACC-404.",
                    "type": "invalid_value",
                }
            ],
        }
    ],
}
# Every API operation answers these; `document_problems` adds them where a route did not.
COMMON_PROBLEMS = {
    "401": "Missing, unknown or revoked token",
    "403": "The token lacks the scope",
    "422": "Invalid parameters or payload: each field, value and reason",
    "429": "Too many requests for this token (Retry-After says when to retry)",
}


def problems(**described: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses for route-specific problems, e.g. ``problems(**{"404": "Not found"})``."""
    return {
        code: {"description": text, "content": PROBLEM_CONTENT} for code, text in described.items()
    }


SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: `hatake token create --scope read|write|ingest`",
    },
    "writeKey": {
        "type": "http",
        "scheme": "basic",
        "description": "A source's write key as the user name, empty password "
        "(`hatake source create NAME`)",
    },
}


def document_problems(app: FastAPI) -> None:
    """Give every /api/ operation the common problem+json responses in the OpenAPI document,
    replacing FastAPI's default 422 (hatake answers validation errors as problems too)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        schema["components"]["securitySchemes"] = SECURITY_SCHEMES
        for path, operations in schema.get("paths", {}).items():
            if not path.startswith("/api/"):
                continue
            for operation in operations.values():
                operation.setdefault("security", [{"bearerToken": []}])
                responses = operation.setdefault("responses", {})
                for code, text in COMMON_PROBLEMS.items():
                    if "application/problem+json" not in responses.get(code, {}).get("content", {}):
                        responses[code] = {"description": text, "content": PROBLEM_CONTENT}
        schemas = schema["components"]["schemas"]
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def page_query(sorts: Sequence[str], default: str = "id") -> Callable[..., PageRequest]:
    """The dependency reading `limit`, `cursor` and `sort` (one of ``sorts``) for a list."""
    sort_help = f"Sort field, `-` in front for descending: {', '.join(sorts)}"

    def page(
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1-500)")] = 100,
        cursor: Annotated[
            str | None, Query(description="`next_cursor` of the previous page, same sort")
        ] = None,
        sort: Annotated[str, Query(description=sort_help, examples=[f"-{sorts[-1]}"])] = default,
    ) -> PageRequest:
        return PageRequest(sort=parse_sort(sort, sorts, default), limit=limit, cursor=cursor)

    return page


Prepare = Callable[[dict[str, Any], ApiToken], dict[str, Any]]
ListRows = Callable[[Session, PageRequest, Any], tuple[list[Any], "str | None"]]
# A rule on the payload of a create or a patch that needs the configuration (how far in the
# future a touch may be dated); raises a HatakeError naming the field.
CheckPayload = Callable[[Settings, dict[str, Any]], None]


def _same(values: dict[str, Any], _token: ApiToken) -> dict[str, Any]:
    return values


@dataclass(frozen=True)
class Resource:
    """One REST resource: its rows, schemas and list, and the service's rule for turning a new
    row's payload into column values (``prepare_create``, e.g. who created a task)."""

    path: str
    tag: str
    noun: str
    records: Records[Any]
    read: type[BaseModel]
    create: type[BaseModel]
    update: type[BaseModel]
    filters: type[BaseModel]
    list_rows: ListRows
    sorts: Sequence[str]
    prepare_create: Prepare = _same
    check_payload: CheckPayload | None = None


def add_routes(router: APIRouter, resource: Resource) -> None:
    """GET (list) and POST ``path``, and GET / PATCH / DELETE ``path/{external_id}``."""
    read, records = resource.read, resource.records
    path, tags, noun = resource.path, [resource.tag], resource.noun
    item = f"{path}/{{external_id}}"
    slug = noun.replace(" ", "_")
    missing = problems(**{"404": f"No {noun} with this external id"})
    page_of = Annotated[PageRequest, Depends(page_query(resource.sorts))]

    def _check(request: Request, values: dict[str, Any]) -> None:
        if resource.check_payload is not None:
            resource.check_payload(request.app.state.runtime.settings, values)

    @router.get(
        path, tags=tags, name=f"list_{slug}", summary=f"List {noun}s, filtered and sorted",
        response_model=Page[read],  # type: ignore[name-defined]
    )  # fmt: skip
    def list_all(
        session: DbSession,
        _token: ReadToken,
        page: page_of,  # type: ignore[valid-type]
        filters: Annotated[resource.filters, Query()],  # type: ignore[name-defined]
    ) -> Any:
        rows, cursor = resource.list_rows(session, page, filters)
        return Page[read].of(rows, cursor)  # type: ignore[name-defined]

    @router.post(
        path, tags=tags, name=f"create_{slug}", summary=f"Create a {noun}",
        status_code=status.HTTP_201_CREATED, response_model=read,
        responses=problems(**{"409": "The external id is taken"}),
    )  # fmt: skip
    def create_one(
        request: Request,
        session: DbSession,
        token: WriteToken,
        data: resource.create,  # type: ignore[name-defined]
    ) -> Any:
        _check(request, data.model_dump())
        values = resource.prepare_create(data.model_dump(), token)
        return read.model_validate(records.create(session, values), from_attributes=True)

    @router.get(
        item, tags=tags, name=f"get_{slug}", summary=f"Get a {noun}", response_model=read,
        responses=missing,
    )  # fmt: skip
    def get_one(session: DbSession, _token: ReadToken, external_id: str) -> Any:
        return read.model_validate(records.get(session, external_id), from_attributes=True)

    @router.patch(
        item, tags=tags, name=f"update_{slug}", summary=f"Change some fields of a {noun}",
        response_model=read, responses=missing,
    )  # fmt: skip
    def update_one(
        request: Request,
        session: DbSession,
        _token: WriteToken,
        external_id: str,
        data: resource.update,  # type: ignore[name-defined]
    ) -> Any:
        changes = data.model_dump(exclude_unset=True)
        _check(request, changes)
        row = records.update(session, external_id, changes)
        return read.model_validate(row, from_attributes=True)

    @router.delete(
        item, tags=tags, name=f"delete_{slug}", summary=f"Delete a {noun}",
        status_code=status.HTTP_204_NO_CONTENT, responses=missing,
    )  # fmt: skip
    def delete_one(session: DbSession, _token: WriteToken, external_id: str) -> None:
        records.delete(session, external_id)
