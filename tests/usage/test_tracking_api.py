"""The tracking API over real HTTP: durable, deduplicated, all-or-nothing, on both backends."""

from __future__ import annotations

import gzip
import uuid

import httpx
import orjson
from sqlalchemy import select

from hatake.accounts.models import Account, Contact
from hatake.core.db import transaction
from hatake.core.runtime import open_runtime
from hatake.core.settings import Settings
from hatake.team import service as team_service
from hatake.usage import sources
from tests.live import serve
from tests.usage.conftest import Keys, event_rows, stored_events, wait_until_drained


def track(message_id: str, user: str = "u-1", **extra: object) -> dict[str, object]:
    return {
        "type": "track",
        "userId": user,
        "event": "Report Exported",
        "messageId": message_id,
        "timestamp": "2026-11-23T01:00:00Z",
        **extra,
    }


def post(url: str, key: str, path: str, document: object, **headers: str) -> httpx.Response:
    body = document if isinstance(document, bytes) else orjson.dumps(document)
    return httpx.post(f"{url}{path}", content=body, auth=(key, ""), headers=headers, timeout=30)


def test_a_retried_batch_is_stored_once(settings: Settings, keys: Keys) -> None:
    batch = {"batch": [track(f"m-{n}", context={"groupId": "acme"}) for n in range(50)]}
    with serve(settings) as url:
        for _attempt in range(3):
            answer = post(url, keys.write_key, "/v1/batch", batch)
            assert (answer.status_code, answer.json()) == (200, {"success": True})
        wait_until_drained(url, keys)
    counts = stored_events(settings)
    assert len(counts) == 50
    assert set(counts.values()) == {1}


def test_gzip_bodies_single_endpoints_and_write_key_in_the_body(
    settings: Settings, keys: Keys
) -> None:
    with serve(settings) as url:
        zipped = gzip.compress(orjson.dumps({"batch": [track("g-1")]}))
        answer = httpx.post(
            f"{url}/v1/batch",
            content=zipped,
            auth=(keys.write_key, ""),
            headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
        )
        assert answer.status_code == 200
        single = {"userId": "u-1", "event": "Login", "messageId": "t-1"}
        assert post(url, keys.write_key, "/v1/track", single).status_code == 200
        page = {"userId": "u-1", "name": "/home", "messageId": "p-1", "writeKey": keys.write_key}
        assert httpx.post(f"{url}/v1/page", json=page).status_code == 200
        wait_until_drained(url, keys)
    assert [(row[0], row[3]) for row in event_rows(settings)] == [
        ("g-1", "Report Exported"),
        ("p-1", "page:/home"),
        ("t-1", "Login"),
    ]


def test_group_and_identify_create_the_account_and_contact_and_attribute_earlier_events(
    settings: Settings, keys: Keys
) -> None:
    with serve(settings) as url:
        early = [
            track("e-1", user="u-9"),
            {
                "type": "identify",
                "userId": "u-9",
                "traits": {"name": "山田 花子", "email": "hanako@acme.example"},
            },
        ]
        assert post(url, keys.write_key, "/v1/batch", {"batch": early}).status_code == 200
        wait_until_drained(url, keys)
        group = {
            "userId": "u-9",
            "groupId": "acme",
            "traits": {"name": "株式会社アクメ", "industry": "製造", "employees": 320},
            "messageId": "g-9",
        }
        assert post(url, keys.write_key, "/v1/group", group).status_code == 200
        late = {"batch": [track("e-2", user="u-9")]}
        assert post(url, keys.write_key, "/v1/batch", late).status_code == 200
        wait_until_drained(url, keys)
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            account = session.scalars(select(Account)).one()
            contact = session.scalars(select(Contact)).one()
            assert (account.external_id, account.name, account.industry) == (
                "acme",
                "株式会社アクメ",
                "製造",
            )
            assert account.employee_count == 320
            assert (contact.external_id, contact.name, contact.email) == (
                "u-9",
                "山田 花子",
                "hanako@acme.example",
            )
            assert contact.account_id == account.id
    finally:
        runtime.close()
    assert [(row[0], row[1]) for row in event_rows(settings)] == [("e-1", "acme"), ("e-2", "acme")]


def test_a_batch_with_one_bad_message_is_rejected_whole_in_the_senders_language(
    settings: Settings, keys: Keys
) -> None:
    bad = {"batch": [track("ok-1"), {"type": "track", "event": "no user", "messageId": "x"}]}
    with serve(settings) as url:
        answer = post(url, keys.write_key, "/v1/batch", bad, **{"Accept-Language": "ja"})
        assert answer.status_code == 400
        body = answer.json()
        assert body["success"] is False
        assert body["code"] == "invalid_request"
        assert body["errors"] == [
            {
                "index": 1,
                "field": "userId",
                "value": None,
                "reason": "メッセージには userId か anonymousId が必要です。",
            }
        ]
        assert body["message"].startswith("batch[1].userId: ")
        english = post(url, keys.write_key, "/v1/batch", b"{", **{"Accept-Language": "en"})
        assert english.status_code == 400
        assert english.json()["message"].startswith("The body is not valid JSON")
        assert post(url, keys.write_key, "/v1/batch", {"batch": [track("ok-2")]}).is_success
        wait_until_drained(url, keys)
    assert set(stored_events(settings)) == {"ok-2"}


def test_size_limits(settings: Settings, keys: Keys) -> None:
    big_message = track("big", properties={"blob": "x" * 33_000})
    many = {"batch": [track(str(uuid.uuid4()), properties={"b": "x" * 20_000}) for _ in range(30)]}
    with serve(settings) as url:
        answer = post(url, keys.write_key, "/v1/batch", {"batch": [big_message]})
        assert answer.status_code == 400
        assert answer.json()["errors"][0]["reason"] == (
            "メッセージが 33135 バイトあります。1件の上限は 32768 バイトです。"
        )
        assert post(url, keys.write_key, "/v1/batch", many).status_code == 413


def test_unknown_and_revoked_write_keys_are_refused(settings: Settings, keys: Keys) -> None:
    with serve(settings) as url:
        unknown = post(url, "wk_nope", "/v1/batch", {"batch": [track("a")]})
        assert unknown.status_code == 401
        assert unknown.json()["code"] == "unauthorized"
        anonymous = httpx.post(f"{url}/v1/batch", json={"batch": [track("a")]})
        assert anonymous.status_code == 401
        runtime = open_runtime(settings)
        try:
            with transaction(runtime.sessions) as session:
                _source, other_key = sources.create_source(session, name="mobile")
                sources.revoke_source(session, name="mobile")
        finally:
            runtime.close()
        assert post(url, other_key, "/v1/batch", {"batch": [track("a")]}).status_code == 401


def test_the_tracking_api_is_in_the_openapi_document(settings: Settings) -> None:
    with serve(settings) as url:
        document = httpx.get(f"{url}/openapi.json").json()
    for name in ("batch", "track", "identify", "group", "page", "screen"):
        operation = document["paths"][f"/v1/{name}"]["post"]
        assert operation["requestBody"]["content"]["application/json"]["example"]
        assert {"200", "400", "401", "413"} <= set(operation["responses"])


def test_sources_are_managed_over_the_api_with_the_ingest_scope(
    settings: Settings, keys: Keys
) -> None:
    runtime = open_runtime(settings)
    try:
        with transaction(runtime.sessions) as session:
            _token, reader = team_service.create_token(session, name="r", scopes=["read"])
    finally:
        runtime.close()
    ingest = {"Authorization": f"Bearer {keys.ingest_token}"}
    with serve(settings) as url:
        refused = httpx.get(
            f"{url}/api/v1/usage/sources", headers={"Authorization": f"Bearer {reader}"}
        )
        assert refused.status_code == 403
        created = httpx.post(f"{url}/api/v1/usage/sources", json={"name": "mobile"}, headers=ingest)
        assert created.status_code == 201
        key = created.json()["write_key"]
        assert key.startswith(created.json()["key_prefix"])
        assert post(url, key, "/v1/track", {"userId": "u", "event": "e"}).status_code == 200
        taken = httpx.post(f"{url}/api/v1/usage/sources", json={"name": "mobile"}, headers=ingest)
        assert taken.status_code == 409
        listed = httpx.get(f"{url}/api/v1/usage/sources", headers=ingest).json()
        assert [(s["name"], s["revoked_at"]) for s in listed] == [
            ("web-app", None),
            ("mobile", None),
        ]
        assert listed[1]["last_used_at"] is not None
        revoked = httpx.delete(f"{url}/api/v1/usage/sources/mobile", headers=ingest)
        assert revoked.json()["revoked_at"] is not None
        assert "write_key" not in revoked.json()
