"""End to end in Debian's Chromium through Playwright: log in, open the map, see the county."""

import pytest

from anlan.testing.personas import PASSWORD
from tests.ui.conftest import otp_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    otp_step(page, live_server.url, "county_admin")
    page.wait_for_url(f"{live_server.url}/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)

    assert page.locator("#map").get_attribute("data-error") is None
    # The county outline and the township outlines are drawn as SVG paths.
    assert page.locator("path.leaflet-interactive").count() >= 27
    labels = page.locator(".map-label-townships").all_inner_texts()
    assert demo_data.township.name in labels
    assert "县界（1）" in page.inner_text(".map-panel")

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
