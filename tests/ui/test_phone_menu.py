"""On a phone (390×844) the menu is a drawer behind the 菜单 button: field roles reach their jobs by tapping."""

import os
from pathlib import Path

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


def reach_by_menu(page, base_url: str, label: str, path: str):
    open_menu(page)
    page.locator("#sidebar").get_by_role("link", name=label, exact=True).click()
    page.wait_for_url(f"{base_url}{path}")
    assert page.locator("h1").first.is_visible()


def test_village_worker_reaches_report_and_patrols_from_the_phone_menu(browser, live_server, demo_data, tmp_path):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "village_grid_worker", "/")
    reach_by_menu(page, live_server.url, "上报隐患", "/hazards/report/")
    assert page.locator("form").first.is_visible()
    reach_by_menu(page, live_server.url, "巡查打卡", "/sites/patrols/")


def test_township_officer_reaches_its_hazard_list_from_the_phone_menu(browser, live_server, demo_data):
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "township_officer", "/")
    reach_by_menu(page, live_server.url, "隐患台账", "/hazards/hiddenhazard/")
    assert page.locator("table").first.is_visible()


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


def test_screenshots_of_the_phone_menu_and_desktop(browser, live_server, demo_data, tmp_path):
    """Pictures to look at (ANLAN_SCREENSHOTS=dir keeps them, e.g. docs/screenshots)."""
    target = Path(os.environ.get("ANLAN_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    phone = browser.new_page(**PHONE)
    login(phone, live_server.url, "village_grid_worker", "/")
    phone.screenshot(path=str(target / "home-390.png"))
    open_menu(phone)
    phone.screenshot(path=str(target / "phone-menu-390.png"))
    desktop = browser.new_page(**DESKTOP)
    login(desktop, live_server.url, "village_grid_worker", "/")
    desktop.screenshot(path=str(target / "home-1440.png"))
    assert (target / "phone-menu-390.png").stat().st_size > 0
