"""The duty desk in a real browser, on a phone: a call is logged and becomes an incident through the
pre-filled intake, another becomes a hidden hazard, and the shift is handed over and confirmed by the
incoming officer."""

import pytest

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.duty.models import Handover, LogEntry
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import PASSWORD
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def log_call(page, village, content, **extra):
    page.goto(page.url.split("/duty/")[0] + "/duty/log/add/")
    page.select_option("#id_kind", "receive")
    page.fill("#id_caller", extra.get("caller", "王建国"))
    page.fill("#id_phone", "19900001234")
    page.select_option("#id_event_kind", str(IncidentKind.objects.get(name=extra.get("kind", "地质灾害")).pk))
    page.fill("#id_place", extra.get("place", "三组"))
    page.select_option("#id_region", village.code)
    page.fill("#id_content", content)
    page.fill("#id_requested", "请尽快派人查看")
    page.click("#log-form button[type=submit]")
    page.wait_for_selector("#entry-status")
    return LogEntry.objects.get(content=content)


def test_a_call_becomes_an_incident_and_the_shift_is_handed_over(browser, live_server, demo_data):
    township, village = demo_data.township, demo_data.village
    context = browser.new_context(**PHONE)
    page = context.new_page()
    login(page, live_server.url, "township_officer", "/duty/log/")
    page.click("#log-add")
    page.wait_for_selector("#log-form")
    assert page.locator("#log-form").bounding_box()["width"] <= 390  # fits the phone
    entry = log_call(page, village, "群众报告道路塌方，约20米路面下沉，有车辆被困")
    assert entry.desk_id == township.code and page.inner_text("#entry-status") == "待跟进"

    # 转为事件: the intake opens filled in from the entry.
    page.click("a.button:has-text('转为事件')")
    page.wait_for_selector("#intake-form")
    assert page.input_value("#id_caller_name") == "王建国"
    assert "道路塌方" in page.input_value("#id_description")
    assert page.input_value("#id_region") == village.code
    page.fill("#id_title", "三组道路塌方")
    page.click("#intake-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/incidents/*/")
    incident = Incident.objects.get(title="三组道路塌方")
    assert incident.caller_name == "王建国" and incident.region_id == village.code
    page.goto(f"{live_server.url}/duty/log/{entry.pk}/")
    assert page.inner_text("#entry-incident") == incident.number
    assert page.locator("a.button:has-text('转为事件')").count() == 0

    # 转为隐患: another call becomes a hidden hazard, its report form filled in.
    other = log_call(page, village, "村民反映后山出现裂缝", kind="地质灾害", caller="李秀英", place="后山")
    page.click("a.button:has-text('转为隐患')")
    page.wait_for_selector("#report-form")
    assert "后山出现裂缝" in page.input_value("#id_title")
    page.select_option("#id_level", "general")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#hazard-status")
    other.refresh_from_db()
    assert HiddenHazard.objects.get(pk=other.hazard_id).reporter_name == "李秀英"

    # 交班: the open items are listed (the incident's report clock, both entries still open).
    page.goto(f"{live_server.url}/duty/handover/write/")
    items = page.inner_text("#handover-items")
    assert incident.number in items and "道路塌方" in items and "后山出现裂缝" in items
    page.fill("#id_notes", "三组道路塌方已登记事件，首报待报；后山裂缝已转隐患")
    page.click("#handover-form button[type=submit]")
    page.wait_for_selector("#handover-status")
    assert page.inner_text("#handover-status") == "待接班确认"
    assert page.locator("#confirm-form").count() == 0  # the outgoing officer cannot confirm

    # 接班: the incoming officer of the same township confirms; afterwards nothing can be changed.
    incoming = User(username="township_officer_2", role=Role.TOWNSHIP_OPERATOR, region=township)
    incoming.must_change_password = False
    incoming.set_password(PASSWORD)
    incoming.save()
    handover = Handover.objects.get()
    second = browser.new_context(**PHONE).new_page()
    login(second, live_server.url, "township_officer_2", f"/duty/handover/{handover.pk}/")
    assert incident.number in second.inner_text("#handover-items")
    second.fill("#id_note", "已接班，继续跟踪首报")
    second.click("#confirm-form button[type=submit]")
    second.wait_for_selector("#handover-status:has-text('已接班')")
    handover.refresh_from_db()
    assert handover.status == "confirmed" and handover.incoming == incoming
    assert second.locator("#confirm-form").count() == 0 and second.locator("#update-form").count() == 0
    context.close()
