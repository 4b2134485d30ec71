"""救灾救助 in a real browser on a phone: a villager reads the 公示 (masked names) and objects; the township
officer sees the objection on the programme page and resolves it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from anlan.demo.disaster_relief import storm_relief
from anlan.disasters import services
from anlan.disasters.models import ReliefObjection, ReliefProgramme
from anlan.testing.personas import persona
from tests.ui.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_public_notice_objection_and_township_resolution_on_a_phone(browser, live_server, demo_data, settings):
    settings.ANLAN_TIP_MIN_SECONDS = 0  # a robot check for people; the browser here types at once
    # The storm's 过渡期 programme in 公示, as the scenario makes it (anlan/demo/disaster_relief.storm_relief).
    county = persona("county_operator")
    process = services.create_process(
        actor=county, name="测试暴雨洪涝", hazard="flood", started_at=timezone.now() - dt.timedelta(hours=3),
        regions=[demo_data.township.code],
    )  # fmt: skip
    programme = storm_relief(actor=county, process=process)
    assert programme.status == ReliefProgramme.Status.NOTICE
    listed = programme.recipients.filter(status="checked").select_related("region").order_by("region", "pk")
    target = listed.filter(region__parent=demo_data.township).first()
    assert target is not None, "the demo lists households of the township officer's township"

    villager = browser.new_context(**PHONE).new_page()
    villager.goto(f"{live_server.url}/p/relief/{programme.pk}/")
    table = villager.locator("#notice-table")
    text = table.inner_text()
    assert target.head_name not in text and f"{target.head_name[0]}*" in text
    # The page fits the phone: nothing wider than the screen but the table's own scroller.
    assert villager.evaluate("document.documentElement.scrollWidth") <= 390
    villager.select_option("#id_recipient", str(target.pk))
    villager.fill("#id_text", "该户灾后一直住在亲戚家，房屋仅轻微受损")
    villager.fill("#id_name", "王村民")
    villager.fill("#id_phone", "13712345678")
    a, b = (int(x) for x in re.findall(r"(\d+) \+ (\d+)", villager.inner_text("label[for=id_answer]"))[0])
    villager.fill("#id_answer", str(a + b))
    villager.click("#objection-form button[type=submit]")
    villager.wait_for_selector("text=已收到您的异议")
    objection = ReliefObjection.objects.get(recipient=target, text__startswith="该户灾后")

    officer = browser.new_context(**PHONE).new_page()
    login(officer, live_server.url, "township_officer", f"/disasters/relief/{programme.pk}/")
    row = officer.locator(f"#objection-{objection.pk}")
    assert "该户灾后一直住在亲戚家" in row.inner_text()
    row.locator("select[name=upheld]").select_option("0")
    row.locator("textarea[name=resolution]").fill("经入户核查，房屋严重损坏属实")
    row.locator("button[type=submit]").click()
    officer.wait_for_selector(".flash:has-text('已处理异议')")
    objection.refresh_from_db()
    assert objection.status == "rejected" and objection.resolved_by.username == "township_officer"
