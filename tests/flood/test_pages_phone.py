"""The 防汛 pages on a phone (390×844, Chromium), issue 22's page review: the board's river state (超警戒 by how
much) is on the screen, not beyond a sideways scroll (its rows are cards); an object's 责任人 show their phone and
the 移除 button; the public 公示 shows each 责任人's masked phone and a missing post's 待公布 on the screen."""

import pytest
from django.utils import timezone

from anlan.flood.models import FloodResponsibility, Reservoir, RiverStation
from anlan.monitoring.models import Sensor
from tests.ui.conftest import assert_fits, browser, login, module_browser  # noqa: F401  (the browser fixtures)
from tests.ui.test_hazard_flow import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on_screen(page, selector, text=None):
    found = page.locator(selector, has_text=text) if text else page.locator(selector)
    box = found.first.bounding_box()
    assert box is not None, f"{selector} is not shown on {page.url}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{selector} is off the phone's screen on {page.url}"


def test_the_board_an_objects_duty_and_the_public_page_fit_the_phone(browser, live_server, demo_data):  # noqa: F811
    station = RiverStation.objects.select_related("sensor").order_by("pk").first()
    Sensor.objects.filter(pk=station.sensor_id).update(last_value=0.46, last_ts=timezone.now())  # 警戒 0.00
    county = browser.new_context(**PHONE).new_page()
    login(county, live_server.url, "county_operator", "/flood/board/")
    _on_screen(county, "#board-rivers td", "超警戒 0.46 米")
    assert_fits(county)

    reservoir = Reservoir.objects.get(name="白岩水库")  # the demo leaves its 技术责任人 unnamed
    patrol = FloodResponsibility.objects.get(reservoir=reservoir, post="patrol").person
    county.goto(f"{live_server.url}/flood/reservoir/{reservoir.pk}/duty/")
    _on_screen(county, "#duty-table td", patrol.phone)  # the county operator calls them: the full number
    _on_screen(county, "#duty-table button", "移除")
    assert_fits(county)

    public = browser.new_context(**PHONE).new_page()  # no login
    public.goto(f"{live_server.url}/p/flood/{reservoir.region_id[:6]}000000/")
    masked = patrol.phone[:3] + "****" + patrol.phone[-4:]
    _on_screen(public, "#public-reservoirs td", masked)
    _on_screen(public, "#public-reservoirs article", "白岩水库")
    block = public.locator("#public-reservoirs article", has_text="白岩水库").first
    assert "技术责任人" in block.inner_text() and "责任人待公布" in block.inner_text()
    assert_fits(public)
