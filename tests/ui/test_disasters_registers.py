"""The registers on a phone in Chromium: a township officer registers a damaged house picked from the
threatened-household roster, uploads a photo into the gallery, and reads the process's charts."""

import pytest
from django.utils import timezone

from anlan.disasters.models import DamagedHouse, DisasterPhoto
from anlan.sites.models import HazardSite, Household
from anlan.testing.helpers import image_bytes
from tests.disasters.registers_data import add_report, make_process
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_house_from_the_roster_photo_and_charts_on_a_phone(browser, live_server, demo_data, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tree = demo_data
    process = make_process(tree)
    add_report(process, {tree.township: {"affected_people": 40, "severely_damaged_rooms": 2}}, stage="initial")
    add_report(process, {tree.township: {"affected_people": 60, "severely_damaged_rooms": 2}}, at=timezone.now())
    site = HazardSite.objects.create(
        code="UI-REG-SITE", name="界面测试滑坡", kind="landslide", region=tree.village, lon=109.88, lat=31.07
    )
    household = Household.objects.create(
        site=site, region=tree.village, head_name="严家旺", phone="19900004321", people=3, address="五组 8 号"
    )

    page = browser.new_context(**PHONE).new_page()
    login(page, live_server.url, "township_officer", f"/disasters/{process.pk}/registers/")
    assert "核报材料不全" in page.text_content(".materials-notice")
    page.wait_for_selector("[data-chart][data-ready='1']", state="attached", timeout=20_000)

    page.goto(f"{live_server.url}/disasters/{process.pk}/registers/houses/add/")
    page.select_option("select[name=household]", str(household.pk))
    page.click(".household-pick button[type=submit]")
    assert page.input_value("#id_head_name") == "严家旺"
    assert page.input_value("#id_address") == "五组 8 号"
    page.select_option("#id_degree", "severe")
    page.fill("#id_rooms", "2")
    page.click("form.edit button.primary")
    page.wait_for_url(f"{live_server.url}/disasters/{process.pk}/registers/houses/")
    assert "五组 8 号" in page.text_content("table.register-rows")
    assert DamagedHouse.objects.get(process=process).household_id == household.pk

    page.goto(f"{live_server.url}/disasters/{process.pk}/photos/")
    page.set_input_files(
        "#id_image", files=[{"name": "桥.jpg", "mimeType": "image/jpeg", "buffer": image_bytes("JPEG")}]
    )
    page.fill("#id_caption", "冲毁的便桥")
    page.select_option("#id_region", tree.village.code)
    page.click("form.edit button.primary")
    page.wait_for_selector(".gallery figure img")
    # The photo is served (in scope, as an image the page's CSP allows) and decoded by the browser.
    # A function, as the other UI tests pass: a bare expression is re-evaluated by the page with eval() while it
    # polls, which the CSP (no unsafe-eval) refuses when the image is not decoded at the first check.
    page.wait_for_function("() => document.querySelector('.gallery figure img').naturalWidth > 0", timeout=20_000)
    assert DisasterPhoto.objects.filter(process=process).count() == 1
