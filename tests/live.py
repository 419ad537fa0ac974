"""A real hatake server on 127.0.0.1 (uvicorn in a background thread, real HTTP) for the
backend under test, and helpers to sign in to it."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
import uvicorn

from hatake.core.settings import Settings
from hatake.web.app import create_app


@dataclass(frozen=True)
class LiveServer:
    url: str
    settings: Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(settings: Settings, *, schedule_refresh: bool = False) -> Iterator[str]:
    """Run the app on a free port until the block ends; yields its base URL."""
    port = _free_port()
    application = create_app(settings, schedule_refresh=schedule_refresh)
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"hatake-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the hatake test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    with serve(settings) as url:
        yield LiveServer(url=url, settings=settings)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: httpx.Client, email: str, password: str) -> httpx.Response:
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token, "next": "/"}
    )
