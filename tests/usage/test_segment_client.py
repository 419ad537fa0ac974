"""The official `segment-analytics-python` client, pointed at hatake by its host setting: every
event arrives exactly once, also when the client retries after a server error."""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from segment.analytics.client import Client

from hatake.core.settings import Settings
from tests.live import serve
from tests.usage.conftest import Keys, event_rows, stored_events, wait_until_drained


@contextmanager
def losing_answers(target: str, lose: int) -> Iterator[tuple[str, list[int]]]:
    """A proxy that forwards every request to hatake but, for the first ``lose`` ones, throws
    hatake's answer away and tells the client 503, as a load balancer timing out would: the
    events are stored and the client, not knowing, sends them again."""
    statuses: list[int] = []

    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            forward = urllib.request.Request(
                target + self.path,
                data=body,
                headers={k: v for k, v in self.headers.items() if k.lower() != "host"},
                method="POST",
            )
            with urllib.request.urlopen(forward, timeout=30) as answer:
                status, payload = answer.status, answer.read()
            if len(statuses) < lose:
                status, payload = 503, b'{"code":"unavailable","message":"lost"}'
            statuses.append(status)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: object) -> None:
            return

    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_address[1]}", statuses
    finally:
        proxy.shutdown()
        proxy.server_close()


def send_with_the_client(host: str, write_key: str, count: int, prefix: str) -> list[str]:
    errors: list[Exception] = []
    client = Client(
        write_key,
        host=host,
        gzip=True,
        upload_size=100,
        max_retries=5,
        on_error=lambda error, _batch: errors.append(error),
    )
    sent = []
    for n in range(count):
        message_id = f"{prefix}-{n}"
        if n % 10 == 0:
            client.group(
                f"user-{n % 7}",
                f"account-{n % 3}",
                {"name": f"Account {n % 3}"},
                message_id=f"{message_id}-group",
            )
        client.track(f"user-{n % 7}", "Report Exported", {"n": n}, message_id=message_id)
        sent.append(message_id)
    client.flush()
    client.join()
    assert errors == []
    return sent


def test_every_event_from_the_official_client_arrives_exactly_once(
    settings: Settings, keys: Keys
) -> None:
    with serve(settings) as url:
        sent = send_with_the_client(url, keys.write_key, 1000, "c")
        wait_until_drained(url, keys)
    counts = stored_events(settings)
    assert set(counts) == set(sent)
    assert set(counts.values()) == {1}
    assert {row[1] for row in event_rows(settings)} == {"account-0", "account-1", "account-2"}


def test_client_retries_after_a_server_error_are_stored_once(
    settings: Settings, keys: Keys
) -> None:
    with serve(settings) as url, losing_answers(url, lose=3) as (proxy, statuses):
        sent = send_with_the_client(proxy, keys.write_key, 500, "r")
        wait_until_drained(url, keys)
    assert statuses[:3] == [503, 503, 503]
    assert set(statuses[3:]) == {200}
    counts = stored_events(settings)
    assert set(counts) == set(sent)
    assert set(counts.values()) == {1}
