"""The incident workspace in Chromium: tabs switch in place (and still work as plain links without
JavaScript), the summary stays on top while scrolling, and grading returns to its tab with a message."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def flash_flood(village) -> Incident:
    """An incident of a kind graded by people (地质灾害 and 森林火灾 are graded by their calculators)."""
    return services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="早阳村山洪",
            kind=IncidentKind.objects.get(name="水旱灾害"),
            region=village,
            place="三组",
            lon=village.center_lon,
            lat=village.center_lat,
            occurred_at=timezone.now(),
            description="山洪冲毁便道，3 人被困",
        ),
    )


def selected_tab(page) -> str:
    return page.get_attribute("[role=tab][aria-selected=true]", "data-tab")


def test_grading_returns_to_its_tab_with_a_message(browser, live_server, demo_data):
    case = flash_flood(demo_data.village)
    for hour in range(30):  # a long timeline, to scroll
        services.note_add(actor=persona("county_operator"), incident=case, text=f"第 {hour + 1} 次现场回报")
    page = browser.new_page(**DESKTOP)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server.url, "county_operator", f"/incidents/{case.pk}/")
    assert selected_tab(page) == "overview"
    assert page.is_visible("#area-map") and not page.is_visible("#grade-form")

    page.evaluate("window.notReloaded = true")
    page.click("#tab-response")
    assert selected_tab(page) == "response" and page.is_visible("#grade-form")
    assert not page.is_visible("#area-map")
    assert page.url.endswith(f"/incidents/{case.pk}/?tab=response")
    assert page.evaluate("window.notReloaded === true")  # switched in place

    assert page.input_value("#grade-form select[name=level]") == ""  # nothing preselected
    page.select_option("#grade-form select[name=level]", "III")
    page.fill("#grade-form input[name=basis]", "会商研判：威胁 3 户 12 人")
    page.click("#grade-form button[type=submit]")
    page.wait_for_selector(".flash.success")
    assert page.inner_text(".flash.success") == "已定级为较大（III级）"
    assert selected_tab(page) == "response" and page.is_visible("#grade-form")
    assert page.inner_text("#incident-level") == "较大（III级）"
    case.refresh_from_db()
    assert case.level == "III"

    # Scrolled to the end of a long tab, the summary with the report clock is still in view.
    page.click("#tab-timeline")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") > 300
    box = page.locator("#incident-summary").bounding_box()
    assert box["y"] == 0 and page.is_visible("#report-clock")
    assert errors == []


def test_tabs_are_plain_links_when_scripts_do_not_run(browser, live_server, demo_data):
    case = flash_flood(demo_data.village)
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    login(page, live_server.url, "county_operator", f"/incidents/{case.pk}/")
    page.click("#tab-reports")
    page.wait_for_url(f"{live_server.url}/incidents/{case.pk}/?tab=reports")
    assert selected_tab(page) == "reports"
    assert page.is_visible("#panel-reports") and not page.is_visible("#panel-overview")
    context.close()


def test_screenshots_of_the_workspace(browser, live_server, demo_data, tmp_path):
    """Pictures to look at (ANLAN_SCREENSHOTS=dir keeps them)."""
    target = Path(os.environ.get("ANLAN_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    case = flash_flood(demo_data.village)
    services.grade_set(actor=persona("county_operator"), incident=case, level="III", basis="会商研判")
    for name, size in (("1440", DESKTOP), ("390", PHONE)):
        page = browser.new_page(**size)
        login(page, live_server.url, "county_operator", f"/incidents/{case.pk}/")
        page.screenshot(path=str(target / f"incident-overview-{name}.png"))
        page.click("#tab-response")
        page.screenshot(path=str(target / f"incident-response-{name}.png"))
        page.select_option("#grade-form select[name=level]", "II")
        page.fill("#grade-form input[name=basis]", "险情扩大")
        page.click("#grade-form button[type=submit]")
        page.wait_for_selector(".flash.success")
        page.screenshot(path=str(target / f"incident-graded-{name}.png"))
        page.click("#tab-dispatch")
        page.evaluate("window.scrollTo(0, 700)")
        page.wait_for_timeout(200)
        page.screenshot(path=str(target / f"incident-dispatch-scrolled-{name}.png"))
        # Nothing wider than the screen on a phone: the page does not scroll sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["viewport"]["width"]
        page.close()
