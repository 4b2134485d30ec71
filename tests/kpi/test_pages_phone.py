"""The kpi pages on a phone (390×844, Chromium): the indicator's status, a task's progress and status, and a
sheet's self-assessment form are on the screen, not beyond a sideways scroll; an indicator's trend is drawn
(issue 19's page review)."""

import datetime as dt
from decimal import Decimal

import pytest

from anlan.kpi.models import Assessment, Indicator, IndicatorValue
from anlan.testing.personas import persona
from tests.ui.conftest import browser, login, module_browser  # noqa: F401  (the browser fixtures)
from tests.ui.test_hazard_flow import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _on_screen(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown on {page.url}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{selector} is off the phone's screen on {page.url}"


def test_status_progress_and_the_self_assessment_fit_the_phone(browser, live_server, demo_data):  # noqa: F811
    today = dt.date.today()
    ind = Indicator.objects.create(
        region=demo_data.county, code="overdue", name="工矿商贸就业人员十万人生产安全事故死亡率", unit="人/10万人",
        direction="lte", target=Decimal("1"),
    )  # fmt: skip
    IndicatorValue.objects.create(
        indicator=ind, period_start=today.replace(month=1, day=1), period_end=today.replace(month=12, day=31),
        value=Decimal("1.8"),
    )  # fmt: skip
    county = browser.new_context(**PHONE).new_page()
    login(county, live_server.url, "county_operator", "/kpi/indicators/")
    _on_screen(county, "table.kpi-table td .badge")
    assert county.evaluate("document.documentElement.scrollWidth") <= 390
    county.click(f"table.kpi-table a[href='/kpi/indicators/{ind.pk}/']")  # the chart page, not the definition
    county.wait_for_selector(".chart-box[data-ready='1']", timeout=30_000)  # the trend is drawn (its scripts load)
    assert "1.8" in county.inner_text("main")

    dept = browser.new_context(**PHONE).new_page()
    login(dept, live_server.url, "department_operator", "/kpi/tasks/")
    _on_screen(dept, "#task-table tbody td .badge")
    _on_screen(dept, "#task-table tbody .bar")
    assert "牵头：" in dept.inner_text("#task-table tbody tr")

    # The demo's first townships are still self-assessing (anlan/demo/kpi_assessment.py).
    sheet = Assessment.objects.get(region=persona("township_officer").region, status="open")
    town = browser.new_context(**PHONE).new_page()
    login(town, live_server.url, "township_officer", f"/kpi/assessment/sheet/{sheet.pk}/")
    _on_screen(town, "#score-table .score-form button")
    _on_screen(town, "#score-table .score-form input[name=points]")
    assert town.evaluate("document.documentElement.scrollWidth") <= 390
