"""The Segment-compatible tracking API: /v1/batch, /v1/track, /v1/identify, /v1/group, /v1/page
and /v1/screen, with the write key as the HTTP Basic user name.

Answers keep Segment's shapes (``{"success": true}``; an error has ``code`` and ``message``,
which Segment's libraries read) and add ``errors``: every problem with its message index,
field, value and reason, in the sender's language. A 200 is sent only once the messages are
committed to the ingest buffer.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from hatake.core.i18n import gettext_for
from hatake.usage import tracking
from hatake.usage.ingest import Ingestion
from hatake.usage.tracking import Problem, TrackingRejected
from hatake.web.deps import request_locale

router = APIRouter(prefix="/v1", tags=["tracking"])

ACCEPTED = b'{"success":true}'
EXAMPLE_TRACK = {
    "type": "track",
    "userId": "u-1001",
    "event": "Report Exported",
    "properties": {"format": "xlsx"},
    "context": {"groupId": "acme"},
    "timestamp": "2026-11-23T09:30:00+09:00",
    "messageId": "8d5f3c1e-1b7a-4f7e-9d1c-2f0b9a6e4c11",
}
EXAMPLES: dict[str, dict[str, Any]] = {
    "batch": {"batch": [EXAMPLE_TRACK], "sentAt": "2026-11-23T09:30:01+09:00"},
    "track": {key: value for key, value in EXAMPLE_TRACK.items() if key != "type"},
    "identify": {
        "userId": "u-1001",
        "traits": {"name": "山田 花子", "email": "hanako@acme.example", "title": "情報システム部"},
        "messageId": "0b6a2c4e-5d1f-4b8e-a3c7-9e2d1f0a6b55",
    },
    "group": {
        "userId": "u-1001",
        "groupId": "acme",
        "traits": {"name": "株式会社アクメ", "industry": "製造", "employees": 320},
        "messageId": "5e9c1a7d-2b3f-4c6e-8a0d-7f1e3b5c9d22",
    },
    "page": {"userId": "u-1001", "name": "/reports", "context": {"groupId": "acme"}},
    "screen": {"userId": "u-1001", "name": "Dashboard", "context": {"groupId": "acme"}},
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Stored durably (or already stored: retries are deduplicated).",
        "content": {"application/json": {"example": {"success": True}}},
    },
    400: {
        "description": "Malformed JSON or an invalid message; nothing of the request is stored.",
        "content": {
            "application/json": {
                "example": {
                    "success": False,
                    "code": "invalid_request",
                    "message": "batch[3].userId: A message needs a userId or an anonymousId.",
                    "errors": [
                        {
                            "index": 3,
                            "field": "userId",
                            "value": None,
                            "reason": "A message needs a userId or an anonymousId.",
                        }
                    ],
                }
            }
        },
    },
    401: {"description": "Missing, unknown or revoked write key."},
    413: {"description": "A message over 32 KB or a request over 500 KB."},
}


async def _body(request: Request) -> bytes:
    """The raw body, refused as soon as it grows past what a batch may be."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > tracking.MAX_BATCH_BYTES:
            raise tracking.too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _basic_user(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "basic" or not credentials:
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return decoded.partition(":")[0] or None


async def _source_id(request: Request, ingestion: Ingestion, document: Any) -> int:
    key = _basic_user(request) or tracking.write_key_in_body(document)
    if key is None:
        raise TrackingRejected(
            [Problem("Send the source's write key as the HTTP Basic user name.")], status=401
        )
    answered, source_id = ingestion.write_keys.cached(key)
    if not answered:
        source_id = await run_in_threadpool(ingestion.write_keys.look_up, key)
    if source_id is None:
        raise TrackingRejected(
            [Problem("The write key is unknown or revoked.", value=key[:10] + "…")], status=401
        )
    return source_id


async def _accept(request: Request, implied_type: str | None) -> Response:
    ingestion: Ingestion = request.app.state.ingestion
    settings = request.app.state.runtime.settings
    try:
        raw = tracking.decode_body(await _body(request), request.headers.get("content-encoding"))
        document = tracking.parse_json(raw)
        source_id = await _source_id(request, ingestion, document)
        if implied_type is None:
            messages, sent_at = tracking.batch_messages(document)
        else:
            messages, sent_at = [document], None
        limits = tracking.IngestLimits(
            received_at=datetime.now(UTC),
            future_tolerance=timedelta(minutes=settings.ingest_future_tolerance_minutes),
        )
        rows = tracking.to_rows(
            messages,
            source_id=source_id,
            limits=limits,
            implied_type=implied_type,
            batch_sent_at=sent_at,
            body_bytes=len(raw),
        )
    except TrackingRejected as rejection:
        return _rejected(request, rejection)
    await asyncio.wrap_future(ingestion.submit(rows))
    return Response(ACCEPTED, media_type="application/json")


def _rejected(request: Request, rejection: TrackingRejected) -> Response:
    gettext = gettext_for(request_locale(request))
    errors = []
    for problem in rejection.problems:
        params = {"value": problem.value, **problem.params}
        errors.append(
            {
                "index": problem.index,
                "field": problem.field_path,
                "value": problem.value,
                "reason": gettext(problem.reason).format(**params),
            }
        )
    shown = [f"{_where(error['index'], error['field'])}{error['reason']}" for error in errors[:5]]
    if len(errors) > 5:
        shown.append(gettext("and {count} more").format(count=len(errors) - 5))
    code = {401: "unauthorized", 413: "payload_too_large", 415: "unsupported_encoding"}.get(
        rejection.status, "invalid_request"
    )
    body = {"success": False, "code": code, "message": " ".join(shown), "errors": errors}
    headers = {"WWW-Authenticate": 'Basic realm="hatake"'} if rejection.status == 401 else None
    return Response(
        orjson.dumps(body),
        status_code=rejection.status,
        media_type="application/json",
        headers=headers,
    )


def _where(index: int | None, field: str) -> str:
    if index is None:
        return f"{field}: " if field else ""
    return f"batch[{index}]{'.' + field if field else ''}: "


def _endpoint(implied_type: str | None, summary: str) -> None:
    name = implied_type or "batch"

    async def endpoint(request: Request) -> Response:
        return await _accept(request, implied_type)

    endpoint.__name__ = f"tracking_{name}"
    router.add_api_route(
        f"/{name}",
        endpoint,
        methods=["POST"],
        summary=summary,
        responses=RESPONSES,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"type": "object"},
                        "example": EXAMPLES[name],
                    }
                },
            },
            "security": [{"writeKey": []}],
        },
    )


_endpoint(None, "Send up to 500 KB of messages of any type (what Segment's libraries call)")
_endpoint("track", "Record an action a user performed")
_endpoint("identify", "Create or update a contact from a user's traits")
_endpoint("group", "Create or update an account and link the user to it")
_endpoint("page", "Record a web page view")
_endpoint("screen", "Record a mobile screen view")
