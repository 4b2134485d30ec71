"""An inspection filled on a phone (390×844): start, checklist, a finding, two officers and the principal
signing on the canvas, 签字确认 — and every page fits the screen."""

import pytest
from django.utils import timezone

from anlan.enforcement.models import Inspection
from anlan.testing.personas import persona
from tests.ui.conftest import assert_fits, browser, login, module_browser  # noqa: F401  (the browser fixtures)

from .conftest import make_inspectors

# sqlite_only: pages, script and canvas; PostgreSQL runs the same services in the client tests.
pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _draw_signature(page):
    box = page.locator("#sign-pad").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 60)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(box["x"] + 20 + step * 22, box["y"] + 60 + (25 if step % 2 else -25))
    page.mouse.up()


def test_fill_an_inspection_on_a_phone(browser, live_server, demo_data):  # noqa: F811
    officers = make_inspectors(demo_data.county, count=2, prefix="b_inspector")
    enterprise = persona("enterprise_user").enterprise
    page = browser.new_page(**PHONE)
    login(page, live_server.url, "county_operator", "/enforcement/inspections/")
    page.goto(f"{live_server.url}/enforcement/inspections/start/?enterprise={enterprise.pk}")
    assert_fits(page)
    for officer in officers:
        page.check(f"input[name=inspectors][value='{officer.pk}']")
    page.click("#start-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/enforcement/inspections/*/")
    inspection = Inspection.objects.get(enterprise=enterprise, inspected_on=timezone.localdate())
    assert_fits(page)
    # The first item: 不符合 → a finding is proposed from it.
    page.locator(".check-item").first.locator("input[value=problem]").check()
    page.click("#answers-save")
    assert page.locator("#findings .finding").count() == 1
    page.click("#finding-add")
    assert_fits(page)
    page.fill("#id_title", "安全出口堵塞")
    page.click("#finding-form button[type=submit]")
    assert page.locator("#findings .finding").count() == 2
    for officer in officers:
        page.click(f"#sign-inspector-{officer.pk}")
        assert_fits(page)
        _draw_signature(page)
        page.click("#sign-submit")
        page.wait_for_url(f"{live_server.url}/enforcement/inspections/{inspection.pk}/#signatures")
    page.click("#sign-principal")
    page.fill("#id_name", "张三")
    _draw_signature(page)
    page.click("#sign-submit")
    page.wait_for_url(f"{live_server.url}/enforcement/inspections/{inspection.pk}/#signatures")
    assert page.locator(".sig-thumb").count() == 3
    page.click("#complete")
    page.wait_for_load_state()
    assert page.locator("#inspection-status").inner_text() == "已签字"
    assert "应急检记" in page.locator("#documents").inner_text()
    assert page.locator("#hazards tbody tr").count() == 2
    assert_fits(page)
    inspection.refresh_from_db()
    assert inspection.status == "signed" and inspection.signatures.count() == 3
