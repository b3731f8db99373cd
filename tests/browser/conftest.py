"""A headless browser for the end-to-end tests, one per test module."""

import os
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download).

    Skipped with a message where Chromium is absent, except where REQUIRE_BROWSER
    is set (CI sets it): there a missing browser is a failure, never a skip.
    """
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package to run browser tests."
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread while the browser is open; the test
    # database is still only touched synchronously, by the test and the live server. Django is told
    # so for this module's tests only, and the browser is closed before the next module's.
    with pytest.MonkeyPatch.context() as environment, sync_playwright() as playwright:
        environment.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


# A page that closes sends what it sends on leaving (the story form says its writer has gone): the live
# server must have answered that before the test's database is emptied, or the two collide on SQLite.
LEAVING_SECONDS = 0.3


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    time.sleep(LEAVING_SECONDS)


@pytest.fixture
def served_media(settings):
    """Uploaded pictures served by the live server (DEBUG is off in tests, so Django serves no media)."""
    settings.ROOT_URLCONF = "tests.browser.media_urls"
