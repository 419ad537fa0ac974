"""The Segment tracking-API wire format: decoding and validating a request body into rows for
the ingest buffer. Pure functions, no I/O, so every rule is tested directly.

A request is accepted whole or rejected whole: one bad message rejects the batch, and the
rejection lists every problem (message index, field, value, reason) so the sender can fix them
all at once.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

# Segment's published limits.
MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_ID_LENGTH = 200
MESSAGE_TYPES = ("track", "page", "screen", "identify", "group")

# The order of the columns of the ingest buffer's rows (see buffer.py).
ROW_FIELDS = (
    "message_id",
    "source_id",
    "type",
    "user_id",
    "anonymous_id",
    "group_id",
    "event",
    "timestamp_us",
    "properties",
    "traits",
    "received_us",
)
IngestRow = tuple[
    str, int, str, str | None, str | None, str | None, str | None, int, str | None, str | None, int
]


@dataclass(frozen=True)
class Problem:
    """One reason a request was rejected; ``reason`` is a message key rendered in ja or en."""

    reason: str
    field_path: str = ""
    index: int | None = None
    value: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class TrackingRejected(Exception):
    """The request is rejected and nothing of it is stored."""

    def __init__(self, problems: list[Problem], *, status: int = 400) -> None:
        self.problems = problems
        self.status = status
        super().__init__("; ".join(problem.reason for problem in problems))


def decode_body(body: bytes, content_encoding: str | None) -> bytes:
    """The request body, gunzipped when the sender compressed it, never larger than a batch
    may be (a small gzip body must not inflate into gigabytes)."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        if len(body) > MAX_BATCH_BYTES:
            raise too_large()
        return body
    if encoding != "gzip":
        raise TrackingRejected(
            [Problem("Content-Encoding {value} is not supported; send gzip or nothing.")],
            status=415,
        )
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        plain = inflater.decompress(body, MAX_BATCH_BYTES + 1)
    except zlib.error:
        raise TrackingRejected([Problem("The body is not valid gzip.")]) from None
    if len(plain) > MAX_BATCH_BYTES or inflater.unconsumed_tail:
        raise too_large()
    if not inflater.eof:
        raise TrackingRejected([Problem("The body is not valid gzip.")])
    return plain


def too_large() -> TrackingRejected:
    return TrackingRejected(
        [
            Problem(
                "The request is larger than {limit} bytes, the most a batch may be.",
                params={"limit": MAX_BATCH_BYTES},
            )
        ],
        status=413,
    )


def parse_json(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise TrackingRejected(
            [Problem("The body is not valid JSON: {error}.", params={"error": str(error)})]
        ) from None


def write_key_in_body(document: Any) -> str | None:
    """Segment's libraries also send the write key in the body; some senders send it only
    there."""
    if isinstance(document, dict) and isinstance(document.get("writeKey"), str):
        return str(document["writeKey"])
    return None


def batch_messages(document: Any) -> tuple[list[Any], Any]:
    """The messages of a /v1/batch body and its ``sentAt``."""
    if not isinstance(document, dict):
        raise TrackingRejected([Problem("The body must be a JSON object.")])
    messages = document.get("batch")
    if not isinstance(messages, list):
        raise TrackingRejected(
            [
                Problem(
                    "{field} must be a list of messages.",
                    "batch",
                    value=_shown(messages),
                    params={"field": "batch"},
                )
            ]
        )
    if not messages:
        raise TrackingRejected([Problem("The batch has no messages.", "batch")])
    return messages, document.get("sentAt")


@dataclass(frozen=True)
class IngestLimits:
    received_at: datetime
    future_tolerance: timedelta


def to_rows(
    messages: list[Any],
    *,
    source_id: int,
    limits: IngestLimits,
    implied_type: str | None = None,
    batch_sent_at: Any = None,
    body_bytes: int | None = None,
) -> list[IngestRow]:
    """Validate every message and turn each into a buffer row; any problem rejects them all.

    ``implied_type`` is the type of a single-message endpoint (/v1/track ...), which wins over
    a ``type`` field the message may carry, as in Segment's API.
    """
    problems: list[Problem] = []
    rows: list[IngestRow] = []
    single = implied_type is not None
    received_us = _micros(limits.received_at)
    batch_sent = _parsed(batch_sent_at)
    # No message can be over the limit when the whole body is not.
    small_body = body_bytes is not None and body_bytes <= MAX_MESSAGE_BYTES
    for index, message in enumerate(messages):
        fast = _fast_row(
            message, source_id, limits, received_us, implied_type, batch_sent, small_body
        )
        if fast is not None:
            rows.append(fast)
            continue
        at = None if single else index
        row = _to_row(
            message,
            at,
            source_id=source_id,
            limits=limits,
            implied_type=implied_type,
            batch_sent_at=batch_sent_at,
            problems=problems,
        )
        if row is not None:
            rows.append(row)
    if problems:
        raise TrackingRejected(problems)
    return rows


def _text_id(value: Any) -> bool:
    return type(value) is str and 0 < len(value) <= MAX_ID_LENGTH


def _parsed(value: Any) -> datetime | bool | None:
    """An ISO 8601 instant in UTC, None when absent, False when it is not one."""
    if value is None:
        return None
    if type(value) is not str:
        return False
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _fast_row(
    message: Any,
    source_id: int,
    limits: IngestLimits,
    received_us: int,
    implied_type: str | None,
    batch_sent: datetime | bool | None,
    small_body: bool,
) -> IngestRow | None:
    """The row of an ordinary event message (track, page or screen with string ids, a message
    id and plain objects), or None for anything else, which _to_row then checks rule by rule.
    A tracking API spends most of its validation time here, so it avoids the general path's
    per-message work; tests check both paths give the same row."""
    if type(message) is not dict:
        return None
    kind = implied_type or message.get("type")
    if kind not in ("track", "page", "screen"):
        return None
    user_id, anonymous_id = message.get("userId"), message.get("anonymousId")
    message_id, group_id = message.get("messageId"), message.get("groupId")
    context, properties = message.get("context"), message.get("properties")
    traits = message.get("traits")
    if not (
        (user_id is None or _text_id(user_id))
        and (anonymous_id is None or _text_id(anonymous_id))
        and (user_id is not None or anonymous_id is not None)
        and _text_id(message_id)
        and (group_id is None or _text_id(group_id))
        and (context is None or type(context) is dict)
        and (properties is None or type(properties) is dict)
        and (traits is None or type(traits) is dict)
    ):
        return None
    if group_id is None and context is not None:
        group_id = context.get("groupId")
        if group_id is not None and not _text_id(group_id):
            return None
    if kind == "track":
        event = message.get("event")
        if not (_text_id(event) and event.strip()):
            return None
    else:
        name = message.get("name")
        if name is not None and type(name) is not str:
            return None
        event = f"{kind}:{name}" if name else kind
    stated, sent = _parsed(message.get("timestamp")), _parsed(message.get("sentAt"))
    if sent is None:
        sent = batch_sent
    if stated is False or sent is False:
        return None
    if stated is None:
        happened = limits.received_at
    elif sent is None:
        happened = stated
    else:
        happened = limits.received_at - (sent - stated)
    if happened > limits.received_at + limits.future_tolerance:
        return None
    if not small_body and len(orjson.dumps(message)) > MAX_MESSAGE_BYTES:
        return None
    return (
        message_id,
        source_id,
        kind,
        user_id,
        anonymous_id,
        group_id,
        event,
        _micros(happened),
        orjson.dumps(properties).decode() if properties else None,
        orjson.dumps(traits).decode() if traits else None,
        received_us,
    )


def _to_row(
    message: Any,
    index: int | None,
    *,
    source_id: int,
    limits: IngestLimits,
    implied_type: str | None,
    batch_sent_at: Any,
    problems: list[Problem],
) -> IngestRow | None:
    def problem(reason: str, name: str = "", value: Any = None, **params: Any) -> None:
        shown = None if value is None else _shown(value)
        problems.append(Problem(reason, name, index, shown, params))

    if not isinstance(message, dict):
        problem("A message must be a JSON object.", value=message)
        return None
    encoded = orjson.dumps(message)
    if len(encoded) > MAX_MESSAGE_BYTES:
        problem(
            "The message is {size} bytes; a message may be at most {limit} bytes.",
            size=len(encoded),
            limit=MAX_MESSAGE_BYTES,
        )
        return None
    before = len(problems)

    kind = implied_type or message.get("type")
    if kind not in MESSAGE_TYPES:
        problem(
            "{field} must be one of {choices}.",
            "type",
            kind,
            field="type",
            choices=", ".join(MESSAGE_TYPES),
        )
    user_id = _identifier(message, "userId", problem)
    anonymous_id = _identifier(message, "anonymousId", problem)
    if user_id is None and anonymous_id is None and len(problems) == before:
        problem("A message needs a userId or an anonymousId.", "userId")

    context = _object(message, "context", problem)
    properties = _object(message, "properties", problem)
    traits = _object(message, "traits", problem)
    group_id = _identifier(message, "groupId", problem)
    if group_id is None and context is not None:
        group_id = _identifier(context, "groupId", problem, prefix="context.")

    event: str | None = None
    if kind == "track":
        name = message.get("event")
        if not isinstance(name, str) or not name.strip():
            problem("A track message needs an event name.", "event", name)
        elif len(name) > MAX_ID_LENGTH:
            problem("{field} is longer than {limit} characters.", "event", name, field="event")
        else:
            event = name
    elif kind in ("page", "screen"):
        name = message.get("name")
        if name is not None and not isinstance(name, str):
            problem("{field} must be a string.", "name", name, field="name")
        event = f"{kind}:{name}" if name else kind
    elif kind == "group" and group_id is None:
        problem("A group message needs a groupId.", "groupId")

    message_id = message.get("messageId")
    if message_id is not None and (
        not isinstance(message_id, str) or not message_id or len(message_id) > MAX_ID_LENGTH
    ):
        problem(
            "{field} must be a string of 1 to {limit} characters.",
            "messageId",
            message_id,
            field="messageId",
            limit=MAX_ID_LENGTH,
        )

    timestamp = _timestamp(message, limits, batch_sent_at, problem)
    if len(problems) > before:
        return None
    if timestamp is None or kind is None:
        return None
    return (
        message_id or _derived_id(encoded),
        source_id,
        kind,
        user_id,
        anonymous_id,
        group_id,
        event,
        _micros(timestamp),
        orjson.dumps(properties).decode() if properties else None,
        orjson.dumps(traits).decode() if traits else None,
        _micros(limits.received_at),
    )


def _identifier(container: dict[str, Any], name: str, problem: Any, prefix: str = "") -> str | None:
    """Segment accepts ids as strings or numbers; a number is kept as its decimal text."""
    value = container.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        problem("{field} must be a string.", prefix + name, value, field=prefix + name)
        return None
    text = str(value)
    if len(text) > MAX_ID_LENGTH:
        problem(
            "{field} is longer than {limit} characters.",
            prefix + name,
            value,
            field=prefix + name,
            limit=MAX_ID_LENGTH,
        )
        return None
    return text


def _object(message: dict[str, Any], name: str, problem: Any) -> dict[str, Any] | None:
    value = message.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        problem("{field} must be a JSON object.", name, value, field=name)
        return None
    return value


def _timestamp(
    message: dict[str, Any], limits: IngestLimits, batch_sent_at: Any, problem: Any
) -> datetime | None:
    """When the event happened, corrected for the sender's clock as Segment does: a device whose
    clock runs ahead sends both ``timestamp`` and ``sentAt`` ahead, so their difference is moved
    onto the time the request arrived."""
    stated = _instant(message, "timestamp", problem)
    sent_at = _instant(message, "sentAt", problem)
    if sent_at is None and batch_sent_at is not None:
        sent_at = _instant({"sentAt": batch_sent_at}, "sentAt", problem)
    if stated is None:
        if message.get("timestamp") is not None:
            return None
        return limits.received_at
    happened = stated if sent_at is None else limits.received_at - (sent_at - stated)
    if happened > limits.received_at + limits.future_tolerance:
        problem(
            "{field} {value} is in the future (more than {minutes} minutes after the request "
            "arrived).",
            "timestamp",
            message.get("timestamp"),
            field="timestamp",
            minutes=int(limits.future_tolerance.total_seconds() // 60),
        )
        return None
    return happened


def _instant(message: dict[str, Any], name: str, problem: Any) -> datetime | None:
    parsed = _parsed(message.get(name))
    if parsed is False:
        problem("{field} must be an ISO 8601 date and time.", name, message[name], field=name)
        return None
    return parsed  # type: ignore[return-value]


def _derived_id(encoded: bytes) -> str:
    """A sender that leaves out messageId still gets idempotent retries: the same message
    sent twice has the same content, so the same id."""
    return "derived-" + hashlib.sha256(encoded).hexdigest()[:40]


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else orjson.dumps(value).decode()
    return text if len(text) <= 80 else text[:77] + "..."
