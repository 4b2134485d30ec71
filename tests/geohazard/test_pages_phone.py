"""The 地质灾害 pages in the field, on a phone (390×844, Chromium in Chinese as the county's phones are): the
群测群防员's check form fits the screen with today's date filled in and its submit button in reach, the
township's 险情 form shows each choice beside its label, the campaign's progress does not widen the page, and
the public page of a card's QR fits without a login (issue 22's page review)."""

import pytest
from django.utils import timezone

from anlan.geohazard import services
from anlan.geohazard.models import SiteCheck
from anlan.testing.personas import persona
from tests.ui.conftest import assert_fits, browser, login, module_browser  # noqa: F401  (the browser fixtures)
from tests.ui.test_hazard_flow import PHONE

from .helpers import campaign, household, site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CHINESE_PHONE = {**PHONE, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


def _within_screen(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown on {page.url}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{selector} is off the phone's screen on {page.url}"
    return box


def test_the_field_pages_fit_a_phone(browser, live_server, demo_data):  # noqa: F811
    s = site(demo_data.village, "T-PH-1", warning_signal="鸣锣", evacuation_route="沿村道向东 500 米至村委会")
    h = household(s, head="王守田", people=4)
    c = campaign(persona("county_operator"), demo_data.county)
    check = SiteCheck.objects.get(campaign=c, site=s)

    village = browser.new_context(**CHINESE_PHONE).new_page()
    login(village, live_server.url, "village_grid_worker", "/geohazard/checks/mine/")
    task = _within_screen(village, f"#my-checks a[href='/geohazard/checks/{check.pk}/fill/']")
    assert task["height"] >= 44, "a task is a line of link text, too small to tap in the field"
    village.click(f"#my-checks a[href='/geohazard/checks/{check.pk}/fill/']")
    assert_fits(village)
    assert village.input_value("#id_checked_on") == f"{timezone.localdate():%Y-%m-%d}"  # not an empty date
    _within_screen(village, "#check-form button[type=submit]")
    _within_screen(village, "#id_state")
    assert village.locator("text=返回我的三查任务").count() == 1

    town = browser.new_context(**CHINESE_PHONE).new_page()
    login(town, live_server.url, "township_officer", f"/geohazard/sites/{s.pk}/event/")
    assert_fits(town)
    danger = _within_screen(town, "#event-form input[type=radio][value=danger]")
    assert danger["width"] < 40, "the radio button is stretched across the form, its label squeezed beside it"
    label = _within_screen(town, "#event-form label:has(input[type=radio][value=danger])")
    assert label["height"] < 40, "the choice's label is broken over several lines"
    town.goto(f"{live_server.url}/geohazard/campaigns/{c.pk}/view/")
    assert_fits(town)  # the progress table scrolls inside itself, the page does not
    town.goto(f"{live_server.url}/geohazard/sites/{s.pk}/cards/")  # no 包保责任人: the card lacks one
    assert_fits(town)
    warning = town.locator(".flash.warning").first
    assert "王守田户的明白卡缺少" in warning.inner_text()
    assert warning.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(254, 245, 231)"  # not success green

    public = browser.new_context(**CHINESE_PHONE).new_page()
    public.goto(f"{live_server.url}{services.card_path(h)}")
    assert_fits(public)
    assert "当前无转移行动" in public.inner_text("body")
