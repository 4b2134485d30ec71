"""Pages on a phone (390×844): lists scroll sideways instead of squeezing names to one character a line, and
the 一张图's layer list waits behind its 图层 button instead of covering the map."""

import pytest

from tests.ui.conftest import login
from tests.ui.test_phone_menu import DESKTOP, PHONE, assert_fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_long_list_scrolls_sideways_and_keeps_names_readable(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "township_officer", "/hazards/hiddenhazard/")
    assert_fits_the_phone(page)
    table = page.locator("table.grid").first
    scroll_width, client_width = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
    assert scroll_width > client_width, "the list should scroll inside its own box"
    name_cell = table.locator("tbody td").first
    assert name_cell.bounding_box()["width"] >= 100, "the name column is squeezed"
    # An inline element has one client rectangle per line it takes.
    lines = name_cell.locator("a").evaluate("a => a.getClientRects().length")
    assert lines <= 3, f"a name takes {lines} lines"
    heading_lines = table.locator("th a, th").evaluate_all("hs => hs.map(h => h.getClientRects().length)")
    assert heading_lines and max(heading_lines) == 1, "a column heading wraps"

    table.evaluate("t => { t.scrollLeft = t.scrollWidth; }")
    assert table.evaluate("t => t.scrollLeft") > 0
    assert page.evaluate("window.scrollX") == 0  # the list moved, not the page


def test_the_map_keeps_its_layer_list_behind_a_button_on_phones(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "county_operator", "/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    layers = page.locator(".map-panel .map-box-body")
    toggle = page.get_by_role("button", name="图层")
    assert toggle.is_visible() and not layers.is_visible()
    assert_fits_the_phone(page)

    toggle.tap()
    assert layers.is_visible()
    assert "县界（1）" in layers.inner_text()
    map_box = page.locator("#map").bounding_box()
    # A tap on the map (bottom centre: the legend's button sits bottom left, the scale bottom right) folds it.
    page.mouse.click(map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] - 12)
    page.wait_for_function("() => document.querySelector('.map-panel.folded')")
    assert not layers.is_visible()
    assert not page.locator(".map-legend .map-box-body").is_visible()  # the legend waits behind 图例 too


def test_the_map_shows_its_layer_list_open_on_a_desktop(browser, live_server, demo_data):
    page = browser.new_page(**DESKTOP)
    login(page, live_server.url, "county_operator", "/geo/map/")
    page.wait_for_selector("#map[data-ready='1']", state="attached", timeout=30_000)
    layers = page.locator(".map-panel .map-box-body")
    assert layers.is_visible() and page.locator(".map-legend .map-box-body").is_visible()
    page.get_by_role("button", name="图层").click()  # folded on demand, to see more of the map
    assert not layers.is_visible()
