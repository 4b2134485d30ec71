"""Browser fixtures: Debian's Chromium through Playwright, and demo data for transactional tests."""

import os

import pytest

from tests.conftest import require_binary

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def module_browser():
    """One Chromium per test module (starting one costs a second or two of the 2-core machine per test);
    each test still gets fresh pages and contexts (cookies, storage), see `browser`."""
    chromium = require_binary("/usr/bin/chromium", "Chromium (Debian package chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(module_browser):
    """The module's Chromium; the pages and contexts a test opened are closed after it, so the next test
    starts with no cookie, session or open page of this one."""
    yield module_browser
    for context in module_browser.contexts:
        context.close()


def login(page, base_url: str, username: str, next_path: str = "/"):
    """Log in through the real form and land on `next_path`."""
    from anlan.testing.personas import PASSWORD

    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    otp_step(page, base_url, username)
    page.wait_for_url(f"{base_url}{next_path}")


def otp_step(page, base_url: str, username: str):
    """Second login step for a persona with an authenticator (county_admin): type its current code."""
    from anlan.testing.personas import otp_code

    page.wait_for_load_state()
    if page.url.startswith(f"{base_url}/accounts/login/otp/"):
        page.fill("input[name=code]", otp_code(username))
        page.click("button[type=submit]")


def assert_fits(page):
    """The page is no wider than the viewport. Waits for the page to finish loading first: a click that
    navigates returns once the new document is committed, when `document.documentElement` can still be null."""
    page.wait_for_load_state("load")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} is wider than the screen"
