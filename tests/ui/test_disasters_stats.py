"""灾情统计 in a browser: the village 灾害信息员 enters his village's figures on a phone (the form fits the screen,
a broken nesting rule is shown under its field and nothing is saved), the township sums and reviews."""

import pytest

from anlan.disasters.models import TownshipReturn, VillageEntry
from tests.disasters.helpers import new_process
from tests.ui.conftest import login
from tests.ui.test_phone_menu import PHONE, assert_fits_the_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_village_worker_enters_figures_on_the_phone_and_the_township_sums_them(browser, live_server, demo_data):
    tree = demo_data
    process = new_process(tree)
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "village_grid_worker", "/disasters/villages/")
    page.get_by_role("link", name=f"{tree.village.name}（去填报）").click()
    page.wait_for_selector("#village-form")
    assert_fits_the_phone(page)
    page.fill("#id_injured", "1")
    page.fill("#id_seriously_injured", "2")
    page.click("#village-save")
    assert "不能大于" in page.locator(".figure .error").first.inner_text()
    assert not VillageEntry.objects.filter(process=process).exists()
    page.fill("#id_seriously_injured", "1")
    page.fill("#id_affected_people", "36")
    page.fill("#id_note", "村道塌方两处")
    page.click("#village-save")
    page.wait_for_url(f"{live_server.url}/disasters/villages/")
    assert VillageEntry.objects.get(process=process, region=tree.village).affected_people == 36

    page = browser.new_page(**PHONE)
    login(page, live_server.url, "township_officer", f"/disasters/{process.pk}/townships/{tree.township.code}/")
    page.click("#sum-villages")
    page.wait_for_selector("#return-status")
    assert page.input_value("#id_affected_people") == "36"
    page.click("#step-review")
    page.wait_for_selector("#return-timeline")
    assert page.locator("#return-status").inner_text() == "乡镇已审核"
    assert_fits_the_phone(page)
    assert TownshipReturn.objects.get(process=process, region=tree.township).status == "reviewed"


def test_the_county_pages_fit_a_phone(browser, live_server, demo_data):
    tree = demo_data
    process = new_process(tree)
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "county_operator", "/disasters/")
    assert_fits_the_phone(page)
    for path in (f"/disasters/{process.pk}/", f"/disasters/{process.pk}/report/", "/disasters/owed/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").first.is_visible()
        assert_fits_the_phone(page)
