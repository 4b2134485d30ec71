"""On a phone (390×844, Chromium): a village worker applies for a field fire with the position taken by the
phone and the point tapped on the map, the county approves it; a ranger reports a fire inside that burn with a
photo, and the incident is in intake with the photo and the in-permit flag (issue 22). Every page fits the
phone's width."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.forestfire.models import BurnPermit, DangerLevel, FireSeason, Ranger
from anlan.incidents.models import Incident
from anlan.registry.models import Person
from anlan.testing.personas import persona
from tests.ui.conftest import assert_fits, browser, login, module_browser  # noqa: F401  (the browser fixtures)
from tests.ui.test_hazard_flow import PHONE, png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_apply_for_a_burn_then_a_ranger_reports_a_fire_inside_it(browser, live_server, demo_data):  # noqa: F811
    DangerLevel.objects.all().delete()
    FireSeason.objects.all().delete()
    village = demo_data.village
    where = {"longitude": village.center_lon, "latitude": village.center_lat}
    worker = browser.new_context(**PHONE, permissions=["geolocation"], geolocation=where)
    page = worker.new_page()
    login(page, live_server.url, "village_grid_worker", "/forestfire/permits/apply/")
    assert page.locator("#permit-form").bounding_box()["width"] <= 390
    page.wait_for_function("() => document.getElementById('id_lon').value !== ''")
    assert_fits(page)
    located = (page.input_value("#id_lon"), page.input_value("#id_lat"))
    # The burn is not where the phone stands: a tap on the map moves the point (the map centred on the phone).
    box = page.locator("#permit-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 6, box["y"] + box["height"] / 2 + 4)
    page.wait_for_function(f"() => document.getElementById('id_lon').value !== '{located[0]}'")
    tapped = (float(page.input_value("#id_lon")), float(page.input_value("#id_lat")))
    assert tapped != tuple(map(float, located))
    assert abs(tapped[0] - village.center_lon) < 0.01 and abs(tapped[1] - village.center_lat) < 0.01
    page.fill("#id_applicant", "钱满仓")
    page.fill("#id_applicant_phone", "13911112222")
    page.fill("#id_person_in_charge", "钱满仓")
    page.select_option("#id_purpose", "agriculture")
    page.fill("#id_place", "屋后田埂")
    page.fill("#id_radius_m", "400")
    start = timezone.localtime()  # the server's time zone decides what a datetime-local value means
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_safety_measures", "开设隔离带，4 人看守")
    page.click("#permit-form button[type=submit]")
    page.wait_for_selector("h1:has-text('野外用火')")
    permit = BurnPermit.objects.get(applicant="钱满仓")
    assert permit.status == BurnPermit.Status.PENDING and "县级人民政府" in page.inner_text("main")
    assert (round(permit.lon, 6), round(permit.lat, 6)) == tapped  # the tapped point, not the phone's
    assert permit.safety_measures == "开设隔离带，4 人看守" and permit.ends_at - permit.starts_at == dt.timedelta(
        hours=4
    )
    assert_fits(page)

    county = browser.new_context(**PHONE).new_page()
    login(county, live_server.url, "county_operator", f"/forestfire/permits/{permit.pk}/view/")
    county.fill("#reason", "同意，熄灭后看守 2 小时")
    county.click("#decide-form button[value=approve]")
    county.wait_for_selector("h1:has-text('已批准')")

    person = Person.objects.create(name="孙护林", region=village, phone="13933334444")
    Ranger.objects.create(person=person, region=village, user=persona("village_grid_worker"))
    page.goto(f"{live_server.url}/forestfire/fire-report/")
    page.wait_for_function("() => document.querySelector('#fire-form .lon').value !== ''")
    page.fill("#id_text", "田埂火越界烧到林边，约 30 米")
    page.set_input_files("#id_photo", {"name": "fire.png", "mimeType": "image/png", "buffer": png_bytes()})
    page.click("#fire-form button[type=submit]")
    page.wait_for_selector(".flash:has-text('火情已报告')")
    assert "位于已批准用火范围内" in page.inner_text(".flash.success, .flash")
    incident = Incident.objects.get(caller_name="孙护林")
    assert incident.kind.name == "森林草原火灾"
    assert f"许可证号 {permit.number}" in incident.description
    assert incident.timeline.filter(attachment__endswith=".png").exists()
    assert_fits(page)

    # In intake: the duty officer opens the incident (here on the phone too) and sees the burn it lies in and the
    # ranger's photo, which opens as the image sent.
    county.goto(f"{live_server.url}/incidents/{incident.pk}/")
    panel = county.locator("#forestfire-permit-panel")
    assert permit.number in panel.inner_text() and "用火范围内" in panel.inner_text()
    photo = county.locator("a:has-text('fire.png'), a:has-text('现场照片')").first
    href = photo.get_attribute("href")
    shown = county.request.get(f"{live_server.url}{href}")
    assert shown.status == 200 and shown.headers["content-type"].startswith("image/")
    assert_fits(county)
