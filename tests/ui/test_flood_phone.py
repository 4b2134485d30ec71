"""On a phone (390×844, Chromium): the county names a reservoir's missing 技术责任人 from the 三个责任人 page (its
status goes from 缺技术 to 责任人完整), then the reservoir's 巡查责任人, without an account, opens the county's
public 公示 and finds the reservoir with his name and a masked phone — no full number on the page."""

import pytest

from anlan.flood.models import FloodResponsibility, Reservoir
from anlan.registry.models import Person
from tests.ui.conftest import login
from tests.ui.test_hazard_flow import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_county_completes_a_reservoir_and_its_patrol_person_sees_the_public_page(browser, live_server, demo_data):
    reservoir = Reservoir.objects.get(name="白岩水库")  # the demo leaves its 技术责任人 unnamed
    technical = Person.objects.filter(
        region_id=reservoir.region_id[:9] + "000", duty_roles__code="flood_technical"
    ).first()
    patrol = FloodResponsibility.objects.get(reservoir=reservoir, post="patrol").person

    county = browser.new_context(**PHONE).new_page()
    login(county, live_server.url, "county_operator", "/flood/duty/")
    row = county.locator("#duty-reservoir tr", has_text="白岩水库")
    assert "缺技术" in row.inner_text()
    row.locator("a").click()
    county.wait_for_selector("#duty-status:has-text('缺技术')")
    assert county.locator("#assign-form").bounding_box()["width"] <= 390
    county.select_option("#id_post", "technical")
    county.select_option("#id_person", str(technical.pk))
    county.click("#assign-form button[type=submit]")
    county.wait_for_selector("#duty-status:has-text('责任人完整')")
    assert technical.name in county.inner_text("#duty-table")

    public = browser.new_context(**PHONE).new_page()  # the patrol person: no account, no login
    public.goto(f"{live_server.url}/p/flood/{reservoir.region_id[:6]}000000/")
    row = public.locator("#public-reservoirs tr", has_text=patrol.name).first
    assert "巡查责任人" in row.inner_text()
    masked = patrol.phone[:3] + "****" + patrol.phone[-4:]
    assert masked in row.inner_text()
    html = public.content()
    assert patrol.phone not in html and technical.phone not in html and technical.name in html
