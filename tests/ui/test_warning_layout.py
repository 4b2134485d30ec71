"""The warning editor's layout in a real browser: at a common laptop size (1440×900) the 失效时间 input
is whole, inside the window and not under the map beside it; on a phone the page still opens."""

import os

import pytest

from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("ANLAN_SCREENSHOTS", "")


def uncovered(page, selector: str) -> bool:
    """The element is what the browser hits at its centre and near both ends (nothing drawn over it)."""
    return page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            const r = el.getBoundingClientRect();
            return [r.left + 3, r.left + r.width / 2, r.right - 3].every(x => {
                const hit = document.elementFromPoint(x, r.top + r.height / 2);
                return hit === el || el.contains(hit);
            });
        }""",
        selector,
    )


def test_expiry_input_is_fully_visible_beside_the_map_at_1440(browser, live_server, demo_data):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    login(page, live_server.url, "county_operator", "/alerts/warnings/compose/")
    page.wait_for_function("() => document.querySelectorAll('#compose-map path.leaflet-interactive').length > 0")
    page.locator("#id_expires").scroll_into_view_if_needed()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/compose-1440.png")
    expires = page.locator("#id_expires").bounding_box()
    onset = page.locator("#id_onset").bounding_box()
    area = page.locator(".compose-area").bounding_box()
    assert expires["x"] >= 0 and expires["x"] + expires["width"] <= 1440
    assert expires["y"] >= 0 and expires["y"] + expires["height"] <= 900
    assert expires["x"] + expires["width"] <= area["x"]  # ends before the map's column begins
    assert expires["width"] >= 180 and onset["x"] + onset["width"] <= expires["x"]  # wide enough, side by side
    assert uncovered(page, "#id_expires") and uncovered(page, "#id_onset")
    if SHOTS:
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        login(phone, live_server.url, "county_operator", "/alerts/warnings/compose/")
        phone.locator("#id_expires").scroll_into_view_if_needed()
        box = phone.locator("#id_expires").bounding_box()
        phone.screenshot(path=f"{SHOTS}/compose-390.png")
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
