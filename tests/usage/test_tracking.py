"""The tracking wire format: every rule of the validator, on hand-built messages."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hatake.usage import tracking
from hatake.usage.tracking import IngestLimits, TrackingRejected

ARRIVED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
LIMITS = IngestLimits(received_at=ARRIVED, future_tolerance=timedelta(minutes=60))


def rows(messages: list[object], **options: object) -> list[tuple[object, ...]]:
    return tracking.to_rows(messages, source_id=7, limits=LIMITS, **options)  # type: ignore[arg-type]


def micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def problems_of(messages: list[object], **options: object) -> list[tuple[int | None, str, str]]:
    with pytest.raises(TrackingRejected) as rejected:
        rows(messages, **options)
    return [(p.index, p.field_path, p.reason) for p in rejected.value.problems]


def test_a_track_message_becomes_one_row_with_every_field() -> None:
    [row] = rows(
        [
            {
                "type": "track",
                "userId": "u-1",
                "event": "Report Exported",
                "properties": {"format": "xlsx"},
                "context": {"groupId": "acme"},
                "timestamp": "2026-11-23T09:30:00+09:00",
                "messageId": "m-1",
            }
        ]
    )
    record = dict(zip(tracking.ROW_FIELDS, row, strict=True))
    assert record == {
        "message_id": "m-1",
        "source_id": 7,
        "type": "track",
        "user_id": "u-1",
        "anonymous_id": None,
        "group_id": "acme",
        "event": "Report Exported",
        "timestamp_us": micros(datetime(2026, 11, 23, 0, 30, tzinfo=UTC)),
        "properties": '{"format":"xlsx"}',
        "traits": None,
        "received_us": micros(ARRIVED),
    }


def test_page_and_screen_events_are_named_by_kind_and_name() -> None:
    page, screen, bare = rows(
        [
            {"type": "page", "userId": "u", "name": "/reports", "messageId": "a"},
            {"type": "screen", "anonymousId": "x", "name": "Home", "messageId": "b"},
            {"type": "page", "userId": "u", "messageId": "c"},
        ]
    )
    assert (page[6], screen[6], bare[6]) == ("page:/reports", "screen:Home", "page")
    assert (screen[3], screen[4]) == (None, "x")


def test_numeric_ids_are_kept_as_text_and_group_id_comes_from_the_message_first() -> None:
    [row] = rows(
        [{"type": "group", "userId": 42, "groupId": 7001, "context": {"groupId": "ignored"}}]
    )
    assert (row[3], row[5]) == ("42", "7001")


def test_single_message_endpoints_imply_the_type() -> None:
    [row] = rows([{"userId": "u", "event": "Login", "type": "identify"}], implied_type="track")
    assert row[2] == "track"
    assert problems_of([{"userId": "u"}], implied_type="track") == [
        (None, "event", "A track message needs an event name.")
    ]


def test_a_missing_timestamp_is_the_arrival_time() -> None:
    [row] = rows([{"type": "track", "userId": "u", "event": "Login"}])
    assert row[7] == micros(ARRIVED)


def test_a_fast_device_clock_is_corrected_with_sent_at() -> None:
    """A clock three hours ahead sends timestamp and sentAt three hours ahead; the event
    happened 10 seconds before the request arrived."""
    message = {
        "type": "track",
        "userId": "u",
        "event": "Login",
        "timestamp": "2026-11-23T14:59:50Z",
        "sentAt": "2026-11-23T15:00:00Z",
    }
    [row] = rows([message])
    assert row[7] == micros(ARRIVED - timedelta(seconds=10))
    batch_level = {key: value for key, value in message.items() if key != "sentAt"}
    [row] = rows([batch_level], batch_sent_at="2026-11-23T15:00:00Z")
    assert row[7] == micros(ARRIVED - timedelta(seconds=10))


def test_timestamps_beyond_the_tolerance_are_rejected_and_within_it_accepted() -> None:
    def at(moment: datetime) -> dict[str, object]:
        return {"type": "track", "userId": "u", "event": "e", "timestamp": moment.isoformat()}

    assert rows([at(ARRIVED + timedelta(minutes=60))])
    assert problems_of([at(ARRIVED + timedelta(minutes=61))]) == [
        (
            0,
            "timestamp",
            "{field} {value} is in the future (more than {minutes} minutes after the request "
            "arrived).",
        )
    ]


def test_every_problem_of_a_batch_is_reported_with_its_index() -> None:
    found = problems_of(
        [
            {"type": "track", "userId": "u", "event": "ok"},
            {"type": "track", "event": "no user"},
            {"type": "alias", "userId": "u"},
            {"type": "track", "userId": "u", "timestamp": "yesterday", "event": "e"},
            {"type": "group", "userId": "u"},
            {"type": "track", "userId": ["u"], "event": "e"},
            "not an object",
            {"type": "track", "userId": "u", "event": "e", "properties": [1]},
            {"type": "track", "userId": "u", "event": "e", "messageId": ""},
        ]
    )
    assert found == [
        (1, "userId", "A message needs a userId or an anonymousId."),
        (2, "type", "{field} must be one of {choices}."),
        (3, "timestamp", "{field} must be an ISO 8601 date and time."),
        (4, "groupId", "A group message needs a groupId."),
        (5, "userId", "{field} must be a string."),
        (6, "", "A message must be a JSON object."),
        (7, "properties", "{field} must be a JSON object."),
        (8, "messageId", "{field} must be a string of 1 to {limit} characters."),
    ]


def test_a_message_over_32_kb_is_rejected() -> None:
    small = {"type": "track", "userId": "u", "event": "e", "properties": {"p": "x" * 32_000}}
    assert rows([small])
    large = {**small, "properties": {"p": "x" * 33_000}}
    [(index, _field, reason)] = problems_of([large])
    assert (index, reason) == (
        0,
        "The message is {size} bytes; a message may be at most {limit} bytes.",
    )


def test_a_message_without_id_gets_one_derived_from_its_content() -> None:
    message = {"type": "track", "userId": "u", "event": "e", "timestamp": "2026-11-23T01:00:00Z"}
    first, again, other = rows([message, dict(message), {**message, "event": "f"}])
    assert first[0] == again[0] != other[0]
    assert str(first[0]).startswith("derived-")


def test_batch_documents_need_a_non_empty_list() -> None:
    for document in ([], {"batch": {}}, {"batch": []}):
        with pytest.raises(TrackingRejected):
            tracking.batch_messages(document)
    assert tracking.batch_messages({"batch": [1], "sentAt": "s"}) == ([1], "s")


def test_bodies_are_gunzipped_with_a_cap() -> None:
    body = orjson.dumps({"batch": []})
    assert tracking.decode_body(gzip.compress(body), "gzip") == body
    assert tracking.decode_body(body, None) == body
    bomb = gzip.compress(b" " * (tracking.MAX_BATCH_BYTES + 10))
    assert len(bomb) < 2000
    for bad, encoding, status in [
        (bomb, "gzip", 413),
        (b"x" * (tracking.MAX_BATCH_BYTES + 1), None, 413),
        (b"not gzip", "gzip", 400),
        (gzip.compress(body)[:-8], "gzip", 400),
        (body, "br", 415),
    ]:
        with pytest.raises(TrackingRejected) as rejected:
            tracking.decode_body(bad, encoding)
        assert rejected.value.status == status


def test_malformed_json_names_the_parser_error() -> None:
    with pytest.raises(TrackingRejected) as rejected:
        tracking.parse_json(b'{"batch": [}')
    [problem] = rejected.value.problems
    assert problem.reason == "The body is not valid JSON: {error}."
    assert "line 1" in problem.params["error"]


def identifiers() -> st.SearchStrategy[object]:
    return st.one_of(
        st.none(),
        st.just(""),
        st.text(min_size=1, max_size=8),
        st.integers(min_value=0, max_value=99),
        st.just("x" * 201),
        # What a decoded request can hold: orjson reads larger integers as floats.
        st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=1),
    )


def instants() -> st.SearchStrategy[object]:
    moments = st.datetimes(
        min_value=datetime(2026, 11, 20), max_value=datetime(2026, 11, 24), timezones=st.just(UTC)
    )
    return st.one_of(st.none(), moments.map(datetime.isoformat), st.just("yesterday"), st.just(5))


WILD = {
    "type": st.sampled_from(["track", "page", "screen", "identify", "group", "alias", 3]),
    "userId": identifiers(),
    "anonymousId": identifiers(),
    "groupId": identifiers(),
    "messageId": identifiers(),
    "event": st.one_of(st.none(), st.text(max_size=6), st.just("  "), st.just(7)),
    "name": st.one_of(st.none(), st.text(max_size=6), st.just(7)),
    "context": st.one_of(
        st.none(), st.just([]), st.fixed_dictionaries({}, optional={"groupId": identifiers()})
    ),
    "properties": st.one_of(st.none(), st.just({}), st.just({"a": 1}), st.just("p")),
    "traits": st.one_of(st.none(), st.just({"name": "n"}), st.just(1)),
    "timestamp": instants(),
    "sentAt": instants(),
}
# Mostly ordinary event messages, each with a few fields (maybe none) replaced by wild values,
# so both the fast path and every rule of the general one are exercised.
ordinary = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["track", "page", "screen"]),
        "userId": st.text(min_size=1, max_size=8),
        "messageId": st.text(min_size=1, max_size=8),
        "event": st.text(min_size=1, max_size=8).filter(str.strip),
    },
    optional={
        "context": st.fixed_dictionaries({"groupId": st.text(min_size=1, max_size=8)}),
        "properties": st.just({"a": 1}),
        "timestamp": instants().filter(lambda value: isinstance(value, str)),
    },
)
messages = st.builds(
    lambda base, wild: {**base, **wild},
    ordinary,
    st.dictionaries(st.sampled_from(sorted(WILD)), st.none(), max_size=2).flatmap(
        lambda chosen: st.fixed_dictionaries({key: WILD[key] for key in chosen})
    ),
)


@given(
    st.lists(messages, min_size=1, max_size=4),
    st.one_of(st.none(), instants()),
    st.sampled_from([None, "track"]),
)
def test_the_fast_path_gives_the_rows_the_rules_give(
    batch: list[dict[str, object]], sent_at: object, implied: str | None
) -> None:
    """Every message is checked by the general rules alone (a body of unknown size never takes
    the fast path's shortcut on sizes, and a message without messageId never takes the fast
    path) and by to_rows; both accept or reject the same batches with the same rows."""

    def general() -> list[tuple[object, ...]] | list[tuple[int | None, str, str]]:
        problems: list[tracking.Problem] = []
        found = [
            tracking._to_row(
                message,
                None if implied else index,
                source_id=7,
                limits=LIMITS,
                implied_type=implied,
                batch_sent_at=sent_at,
                problems=problems,
            )
            for index, message in enumerate(batch)
        ]
        if problems:
            return sorted((p.index, p.field_path, p.reason) for p in problems)
        return found  # type: ignore[return-value]

    expected = general()
    small = len(orjson.dumps({"batch": batch}))
    try:
        got: object = rows(batch, implied_type=implied, batch_sent_at=sent_at, body_bytes=small)
    except TrackingRejected as rejected:
        got = sorted((p.index, p.field_path, p.reason) for p in rejected.problems)
    assert got == expected
