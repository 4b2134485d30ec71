"""Planning a roster (排班) in a real browser: a township plans its own desk for a month no one has planned,
sees the missing leader flagged, completes the day, and the header of every page names the county's
people on duty."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.duty.models import Shift
from anlan.duty.selectors import on_duty
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_plans_a_day_and_the_missing_leader_is_flagged_until_it_is_filled(browser, live_server, demo_data):
    township = demo_data.township
    later = (timezone.localdate().replace(day=1) + dt.timedelta(days=100)).replace(day=1)  # not planned by the demo
    month = later.strftime("%Y-%m")
    day = later.replace(day=10)
    page = browser.new_page()
    login(page, live_server.url, "township_officer", "/duty/roster/")

    # The header shows who is on duty at the county desk now (the demo roster).
    county_officer = on_duty(demo_data.county.code).officers[0]
    assert str(county_officer) in page.inner_text("#on-duty-header")

    page.goto(f"{live_server.url}/duty/roster/?desk={township.code}&month={month}")
    assert "未排班" in page.inner_text(f"td[data-date='{day:%Y-%m-%d}']")

    def add(username, post):
        user = persona(username)
        page.select_option("#id_user", str(user.pk))
        page.select_option("#id_post", post)
        page.fill("#id_starts", f"{day:%Y-%m-%d}T08:30")
        page.fill("#id_ends", f"{day + dt.timedelta(days=1):%Y-%m-%d}T08:30")
        page.click("#shift-add button[type=submit]")
        page.wait_for_load_state()

    add("village_grid_worker", "officer")
    cell = page.locator(f"td[data-date='{day:%Y-%m-%d}']")
    assert "值班员" in cell.inner_text() and "无带班领导" in cell.inner_text()
    assert "无带班领导" in page.inner_text("#roster-conflicts")

    add("township_officer", "leader")
    cell = page.locator(f"td[data-date='{day:%Y-%m-%d}']")
    assert "带班领导" in cell.inner_text() and "无带班领导" not in cell.inner_text()
    assert page.locator("#roster-conflicts").count() == 0
    planned = Shift.objects.filter(desk=township, starts__date__gte=day - dt.timedelta(days=1), starts__month=day.month)
    assert {(s.user.username, s.post) for s in planned} == {
        ("village_grid_worker", "officer"),
        ("township_officer", "leader"),
    }

    # The printable 值班表 lists the day.
    page.click("#roster-print")
    page.wait_for_selector("#duty-sheet")
    assert "值班表" in page.inner_text("#duty-sheet h1")
