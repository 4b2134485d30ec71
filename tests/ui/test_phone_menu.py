"""On a phone (390×844) the menu is a drawer behind the 菜单 button: field roles reach their jobs by tapping,
and every page they reach fits the phone (a one-line header, nothing wider than the screen)."""

import re

import pytest

from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
MENU_BUTTON = "button[data-menu-toggle]"


def open_menu(page):
    button = page.locator(MENU_BUTTON)
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#sidebar").is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.locator("#sidebar").is_visible()


# What each field role comes to do on a phone, by its label in the menu (which items a role's menu lists is
# decided by core.context_processors.navigation; this is what the field needs of it).
FIELD_JOBS = {
    "village_grid_worker": ["上报隐患", "巡查打卡", "隐患台账", "预警", "消息"],
    "township_officer": ["隐患台账", "上报隐患", "巡查记录", "拟制预警", "接报登记", "突发事件", "消息"],
    "enterprise_user": ["上报隐患", "隐患台账", "风险点", "消息"],
    "team_leader": ["突发事件", "救援队伍", "消息"],
}


def reach_by_menu(page, base_url: str, label: str, path: str | None = None):
    """Tap the menu's `label` and land on its page: a heading, and the menu marks where the user is."""
    open_menu(page)
    # A count badge (消息 3) is part of the link's name.
    link = page.locator("#sidebar").get_by_role("link", name=re.compile(rf"^{re.escape(label)}( \d+)?$")).first
    path = path or link.get_attribute("href")
    with page.expect_navigation() as navigation:
        link.click()
    assert navigation.value.status == 200, f"{label} → {path}: {navigation.value.status}"
    page.wait_for_url(f"{base_url}{path}")
    assert page.locator("h1").first.is_visible(), f"{label}: no heading"
    assert page.locator("#sidebar a.active").first.inner_text().startswith(label)


def assert_fits_the_phone(page):
    width = page.viewport_size["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{page.url} is {overflow} px wide on a {width}-px phone"
    header = page.locator(".topbar").bounding_box()["height"]
    assert header <= 56, f"{page.url}: the header wraps ({header} px high)"


def test_menu_closes_by_button_and_escape_and_is_keyboard_operable(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "county_operator", "/")
    button = page.locator(MENU_BUTTON)
    open_menu(page)
    page.locator("[data-menu-close]").click()
    assert button.get_attribute("aria-expanded") == "false"
    assert not page.locator("#sidebar").is_visible()

    button.focus()
    page.keyboard.press("Enter")
    assert page.locator("#sidebar").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#sidebar").is_visible()
    page.wait_for_function("() => document.activeElement.hasAttribute('data-menu-toggle')")

    open_menu(page)
    page.mouse.click(370, 600)  # the dimmed page beside the 300-px drawer
    assert not page.locator("#sidebar").is_visible()


def test_desktop_keeps_the_sidebar_and_hides_the_menu_button(browser, live_server, demo_data):
    page = browser.new_page(**DESKTOP)
    login(page, live_server.url, "county_operator", "/")
    assert page.locator("#sidebar").is_visible()
    assert not page.locator(MENU_BUTTON).is_visible()


@pytest.mark.parametrize("username", FIELD_JOBS)
def test_each_field_role_reaches_each_of_its_jobs_from_the_phone_menu(browser, live_server, demo_data, username):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, username, "/")
    assert_fits_the_phone(page)
    for label in FIELD_JOBS[username]:
        reach_by_menu(page, live_server.url, label)
        assert_fits_the_phone(page)


def test_the_phone_header_keeps_the_inbox_and_moves_the_account_into_the_drawer(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "township_officer", "/")
    assert page.locator("#inbox-link").is_visible()
    assert page.locator(".brand .bureau").inner_text() == "巫山县应急管理局"
    assert not page.locator("#account-link").is_visible()
    open_menu(page)
    account = page.locator("#drawer-account")
    assert "township_officer" in account.inner_text()
    account.get_by_role("button", name="退出登录").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/**")
