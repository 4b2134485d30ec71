"""End to end in Debian's Chromium through Playwright: log in, open the map, see the county."""

import os

import pytest

from anlan.core.testing.personas import PASSWORD
from tests.conftest import require_binary

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    chromium = require_binary("/usr/bin/chromium", "Chromium (Debian package chromium)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo_data(transactional_db):
    """Transactional tests start from the session data but flush it afterwards; reload when missing."""
    from anlan.accounts.models import User
    from anlan.core.testing.personas import create_personas, demo_tree
    from anlan.demo.loader import load_demo
    from anlan.geo.models import Region

    if not Region.objects.exists():
        load_demo(county6="500237", seed=42, with_users=False)
    if not User.objects.filter(username="township_officer").exists():
        create_personas(demo_tree())
    return demo_tree()


def test_login_open_map_see_county_boundary_and_township_label(browser, live_server, demo_data):
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(f"{live_server.url}/geo/map/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text("[role=alert]")

    page.fill("input[name=username]", "county_admin")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)

    assert page.locator("#map").get_attribute("data-error") is None
    # The county outline and the township outlines are drawn as SVG paths.
    assert page.locator("path.leaflet-interactive").count() >= 27
    labels = page.locator(".map-label-townships").all_inner_texts()
    assert demo_data.township.name in labels
    assert "县界（1）" in page.inner_text(".leaflet-control-layers")

    outside = {url for url in requested if not url.startswith(live_server.url)}
    assert not outside, f"the browser fetched addresses outside the server: {outside}"


def test_township_user_sees_only_its_township_on_the_map(browser, live_server, demo_data):
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next=/geo/map/")
    page.fill("input[name=username]", "township_officer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    labels = page.locator(".map-label-townships").all_inner_texts()
    assert labels == [demo_data.township.name]
