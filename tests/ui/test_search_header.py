"""The header search in a real browser: in the bar on a desktop, at the top of the menu drawer on a 390-px
phone, both landing on grouped results that fit the screen."""

import pytest

from tests.ui.conftest import login
from tests.ui.test_phone_menu import DESKTOP, PHONE, assert_fits_the_phone, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, {"viewport": {"width": 1366, "height": 768}}])
def test_desktop_header_search_lands_on_grouped_results(browser, live_server, demo_data, viewport):
    page = browser.new_page(**viewport)
    login(page, live_server.url, "county_operator", "/")
    box = page.locator(".topsearch input[name=q]")
    assert box.is_visible()
    # The box fits the one-line header beside the menu, the on-duty line and the account.
    assert page.locator(".topbar").bounding_box()["height"] <= 56
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["viewport"]["width"]
    box.fill(demo_data.township.name)
    with page.expect_navigation():
        box.press("Enter")
    assert page.locator("h1").inner_text() == "搜索"
    assert page.locator(".search-group h2").first.is_visible()
    assert demo_data.township.name in page.locator(".search-group").first.inner_text()


def test_phone_searches_from_the_menu_drawer(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "township_officer", "/")
    assert not page.locator(".topsearch").is_visible()  # the one-line phone header stays as it was
    open_menu(page)
    box = page.locator(".drawer-search input[name=q]")
    box.fill(demo_data.village.name)
    with page.expect_navigation():
        page.locator(".drawer-search button").click()
    assert page.locator(".search-group").first.is_visible()
    assert_fits_the_phone(page)
    page.goto(f"{live_server.url}/search/?q=x")
    assert "请至少输入 2 个字" in page.locator(".search-note").inner_text()
