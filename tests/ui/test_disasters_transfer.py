"""避险转移 on the phone (390×844): the 包保责任人 opens 我的转移任务, marks a household 已转移 with the
phone's position, and sees the site's transfer rate change; the warning page shows the same rate."""

import pytest

from anlan.disasters.models import TransferActivation, TransferMark
from tests.alerts.helpers import issue_warning
from tests.disasters.transfer_helpers import make_site
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_guardian_marks_a_household_transferred_on_the_phone(browser, live_server, demo_data):
    tree = demo_data
    site = make_site(tree.village, code="TEST-UI-1")  # 3, 4 and 2 people
    warning = issue_warning(tree, regions=[tree.village])
    activation = TransferActivation.objects.get(site=site)
    here = {"longitude": tree.village.center_lon, "latitude": tree.village.center_lat}
    context = browser.new_context(**PHONE, geolocation=here, permissions=["geolocation"])
    page = context.new_page()
    login(page, live_server.url, "village_grid_worker", "/disasters/transfer/mine/")
    card = page.locator(f"#activation-{activation.pk}")
    assert card.locator(".rate").inner_text() == "0%"
    page.wait_for_selector("#locate-status[data-ready='1']")  # the position is in the forms before the tap
    household = site.households.get(head_name="户主2")
    box = page.locator(f"#household-{household.pk}")
    button = box.get_by_role("button", name="已转移")
    assert button.bounding_box()["height"] >= 44  # a thumb-sized target
    with page.expect_navigation():
        button.click()
    card = page.locator(f"#activation-{activation.pk}")
    assert card.locator(".rate").inner_text() == "44%"  # 4 of 9 people
    assert "已转移" in page.locator(f"#household-{household.pk} .badge.state").inner_text()
    assert "户主2户：已转移" in page.locator(".flash").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    mark = TransferMark.objects.get(household=household)
    assert mark.lon == pytest.approx(tree.village.center_lon, abs=1e-5)
    assert mark.lat == pytest.approx(tree.village.center_lat, abs=1e-5)
    # The county sees the same rate on the warning it issued.
    officer = browser.new_context().new_page()
    login(officer, live_server.url, "county_operator", f"/alerts/warnings/{warning.pk}/steps/")
    assert officer.locator("#transfer-panel #transfer-rate").inner_text() == "44%"
