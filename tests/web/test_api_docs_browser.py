"""/docs shows the whole API (the tracking API and every REST resource) in real Chromium, with
Swagger UI served by hatake itself: the page asks nothing of any other host."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, expect

from tests.browser import screenshot
from tests.live import LiveServer

pytestmark = pytest.mark.browser


def test_the_api_reference_renders_from_local_assets(
    browser: Browser, live_server: LiveServer
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    page.goto(f"{live_server.url}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("hatake API")
    for path in ("/v1/batch", "/v1/group", "/api/v1/usage/sources", "/api/v1/tasks",
                 "/api/v1/health/scores", "/api/v1/subscriptions"):  # fmt: skip
        expect(page.locator(f'.opblock-summary-path[data-path="{path}"]').first).to_be_visible()
    expect(page.locator(".opblock-tag-section h3").filter(has_text="tracking")).to_be_visible()
    screenshot(page, "api-docs", live_server.settings.database_url or "sqlite")
    assert hosts == {urlparse(live_server.url).netloc}
