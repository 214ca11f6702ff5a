"""What the screen tests share: per module, a stack (ERP + Shopify sandboxes, one engine worker
with a configured admin) and a Chromium; per test, a fresh page. Screenshots are cleared once
per session, so every module's screens stay side by side under var/screenshots/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from engine.web.auth import hash_password
from tests.e2e.screen import ADMIN_PASSWORD, chromium, clear_screenshots, new_page
from tests.harness import Stack, Worker
from tests.integration.conftest import stack  # noqa: F401 (the same per-module stack)


@pytest.fixture(scope="session")
def fresh_screenshots() -> None:
    clear_screenshots()


@pytest.fixture(scope="module")
def worker(stack: Stack) -> Worker:  # noqa: F811 (the fixture, by name)
    return stack.start_worker(
        PONTE_ADMIN_USER="admin", PONTE_ADMIN_PASSWORD_HASH=hash_password(ADMIN_PASSWORD)
    )


@pytest.fixture(scope="module")
def browser(fresh_screenshots: None) -> Iterator[Browser]:
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    opened = new_page(browser)
    try:
        yield opened
    finally:
        opened.context.close()
