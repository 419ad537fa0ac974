"""A server killed with SIGKILL in the middle of a load loses nothing it acknowledged and
stores nothing twice, once restarted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import orjson

from hatake.core.settings import Settings
from tests.live import _free_port
from tests.usage.conftest import Keys, stored_events, wait_until_drained

SENDERS = 4
BATCH = 100


@contextmanager
def hatake_server(
    port: int, extra_env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """`hatake serve` in its own process (so it can be killed), draining every 50 ms to make a
    kill in the middle of a drain likely."""
    env = {**os.environ, "HATAKE_INGEST_DRAIN_INTERVAL_SECONDS": "0.05", **(extra_env or {})}
    hatake = str(Path(sys.executable).parent / "hatake")
    server = subprocess.Popen(
        [hatake, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
            break
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise AssertionError("hatake serve did not start") from None
            time.sleep(0.1)
    try:
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=60)


def batch_of(sender: int, number: int) -> list[dict[str, object]]:
    return [
        {
            "type": "track",
            "userId": f"user-{sender}-{n % 20}",
            "event": "Report Exported",
            "context": {"groupId": f"account-{sender}"},
            "messageId": f"s{sender}-b{number}-{n}",
        }
        for n in range(BATCH)
    ]


def test_every_acknowledged_event_survives_a_kill_exactly_once(
    settings: Settings, keys: Keys
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    acknowledged: list[str] = []
    unanswered: list[list[dict[str, object]]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def send(sender: int) -> None:
        with httpx.Client(auth=(keys.write_key, ""), timeout=10) as client:
            number = 0
            while not stop.is_set():
                batch = batch_of(sender, number)
                number += 1
                try:
                    answer = client.post(f"{url}/v1/batch", content=orjson.dumps({"batch": batch}))
                    answered = answer.status_code == 200
                except httpx.TransportError:
                    answered = False
                with lock:
                    if answered:
                        acknowledged.extend(str(m["messageId"]) for m in batch)
                    else:
                        unanswered.append(batch)
                if not answered:
                    time.sleep(0.05)

    with hatake_server(port) as server:
        senders = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
        for thread in senders:
            thread.start()
        while len(acknowledged) < 20_000:
            time.sleep(0.01)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
        killed_with = len(acknowledged)
        time.sleep(0.3)
        stop.set()
        for thread in senders:
            thread.join(timeout=30)
    assert unanswered, "the kill should have cut some requests off"
    assert len(acknowledged) == killed_with

    with hatake_server(port):
        # A real sender retries what was not acknowledged; some of it may already be stored.
        with httpx.Client(auth=(keys.write_key, ""), timeout=30) as client:
            for batch in unanswered:
                answer = client.post(f"{url}/v1/batch", content=orjson.dumps({"batch": batch}))
                assert answer.status_code == 200
        wait_until_drained(url, keys)

    counts = stored_events(settings)
    assert set(counts.values()) == {1}
    assert set(acknowledged) <= set(counts)
    retried = {str(m["messageId"]) for batch in unanswered for m in batch}
    assert set(counts) == set(acknowledged) | retried


def test_refresh_moves_what_a_stopped_server_left_in_the_buffer(
    settings: Settings, keys: Keys
) -> None:
    """Events acknowledged by a server killed before its drain ran are moved by the next
    `hatake refresh`."""
    from typer.testing import CliRunner

    from hatake.cli import app

    port = _free_port()
    env = {"HATAKE_INGEST_DRAIN_INTERVAL_SECONDS": "3600"}
    with hatake_server(port, extra_env=env) as server:
        batch = batch_of(9, 0)
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v1/batch",
            content=orjson.dumps({"batch": batch}),
            auth=(keys.write_key, ""),
        )
        assert answer.status_code == 200
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    refreshed = CliRunner().invoke(app, ["refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    assert set(stored_events(settings)) == {str(m["messageId"]) for m in batch}
