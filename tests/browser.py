"""Real Chromium for page tests: Debian's /usr/bin/chromium driven by Playwright, one browser
per test module, screenshots into test-artifacts/ for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.helpers import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's 5 s default is too short for a 2-core CI machine running two test workers: a page
# such as /docs renders the whole OpenAPI document after the server first builds it. The
# expectations themselves are unchanged; they only get longer to come true.
expect.set_options(timeout=20_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def screenshot(target: Page | Locator, name: str, database_url: str) -> None:
    """The whole page, or one part of it, as test-artifacts/NAME-DATABASE.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    backend = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    path = str(ARTIFACTS / f"{name}-{backend}.png")
    if isinstance(target, Page):
        target.screenshot(path=path, full_page=True)
    else:
        target.screenshot(path=path)


def sign_in_ja(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the Japanese sign-in form the page is showing."""
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
