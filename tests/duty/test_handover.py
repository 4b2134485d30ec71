"""交接班: the open items are gathered from every source (an incident whose report clock runs, an alarm not
closed, a warning awaiting signing, a log entry not followed up); what is still open at the next handover
is listed again as carried; the incoming officer confirms, and then nothing changes (400, audited)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.duty import handover, log
from anlan.duty.models import Handover
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

JSON = "application/json"


def incident_in(region):
    incident = Incident(
        title="早阳村山体滑坡",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=region,
        occurred_at=timezone.now() - dt.timedelta(minutes=20),
        received_at=timezone.now() - dt.timedelta(minutes=10),
        description="滑坡体约两千方，堵塞村道",
    )
    return incident_services.incident_create(actor=persona("county_operator"), incident=incident)


def alarm_in(prefix):
    sensor = Sensor.objects.filter(region__pk__startswith=prefix).order_by("pk").first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    return Alarm.objects.create(sensor=sensor, rule=rule, level="red", value=9.0, opened_at=timezone.now())


def keys(items):
    return {item["key"] for item in items}


def test_open_items_are_listed_and_carried_until_closed(tree):
    officer, other = persona("county_operator"), persona("county_admin")
    incident = incident_in(tree.village)
    alarm = alarm_in(tree.county.code[:6])
    entry = log.entry_create(actor=officer, desk=tree.county.code, content="气象局传真：未来6小时暴雨橙色预警")
    done = log.entry_create(actor=officer, desk=tree.county.code, content="向市局报送汛情", action_taken="已报送")
    log.entry_close(actor=officer, entry=done)

    first = handover.handover_write(actor=officer, desk=tree.county.code, notes="夜间降雨持续，注意监测")
    expected = {f"incident:{incident.pk}", f"alarm:{alarm.pk}", f"log:{entry.pk}"}
    assert expected <= keys(first.items) and f"log:{done.pk}" not in keys(first.items)
    item = next(i for i in first.items if i["key"] == f"incident:{incident.pk}")
    assert "首报" in item["title"] and item["link"] == reverse("incidents:workspace", kwargs={"pk": incident.pk})
    assert not any(i["carried"] for i in first.items)
    handover.handover_confirm(actor=other, handover=first, note="已接班")

    # The alarm closes during the next shift; the incident and the log entry stay open.
    Alarm.objects.filter(pk=alarm.pk).update(status=Alarm.Status.CLOSED, closed_at=timezone.now())
    second = handover.handover_write(actor=other, desk=tree.county.code)
    carried = {i["key"]: i for i in second.items}
    assert f"alarm:{alarm.pk}" not in carried
    assert carried[f"incident:{incident.pk}"]["carried"] and carried[f"log:{entry.pk}"]["carried"]
    assert carried[f"log:{entry.pk}"]["carried_since"] == first.written_at.isoformat()
    # A third shift still sees when it was first handed over.
    handover.handover_confirm(actor=officer, handover=second)
    log.entry_close(actor=officer, entry=entry, action_taken="已转发各乡镇")
    third = handover.handover_write(actor=officer, desk=tree.county.code)
    carried = {i["key"]: i for i in third.items}
    assert f"log:{entry.pk}" not in carried
    assert carried[f"incident:{incident.pk}"]["carried_since"] == first.written_at.isoformat()


def test_correcting_a_written_handover_does_not_mark_its_own_items_as_carried(tree):
    officer = persona("county_operator")
    incident = incident_in(tree.village)
    written = handover.handover_write(actor=officer, desk=tree.county.code, notes="夜间降雨")
    corrected = handover.handover_update(actor=officer, handover=written, notes="夜间降雨持续，注意监测")
    item = next(i for i in corrected.items if i["key"] == f"incident:{incident.pk}")
    assert not item["carried"] and item["carried_since"] is None


def test_a_township_desk_lists_only_its_own(tree):
    incident_in(tree.other_village)
    theirs = log.entry_create(actor=persona("county_operator"), desk=tree.other_township.code, content="来电")
    written = handover.handover_write(actor=persona("township_officer"), desk=tree.township.code)
    assert f"log:{theirs.pk}" not in keys(written.items)
    assert not any(i["kind"] == "incident" for i in written.items)


def test_a_confirmed_handover_cannot_change(client, tree):
    officer, other = persona("county_operator"), persona("county_admin")
    written = handover.handover_write(actor=officer, desk=tree.county.code, notes="无异常")
    with pytest.raises(DomainError) as refused:
        handover.handover_confirm(actor=officer, handover=written)
    assert refused.value.status == 403 and "交班人不能自己确认" in refused.value.message
    handover.handover_confirm(actor=other, handover=written, note="收到")
    with pytest.raises(DomainError) as refused:
        handover.handover_update(actor=officer, handover=written, notes="补充")
    assert refused.value.status == 400 and "不能修改" in refused.value.message
    written.refresh_from_db()
    assert written.notes == "无异常" and written.status == Handover.Status.CONFIRMED
    actions = set(AuditEntry.objects.filter(object_id=str(written.pk)).values_list("action", flat=True))
    assert {"handover_write", "handover_confirm"} <= actions and "handover_update" not in actions

    client.force_login(officer)
    page = client.post(f"/duty/handover/{written.pk}/", {"action": "update", "notes": "补充"})
    assert page.status_code == 400 and "不能修改" in page.content.decode()
    client.force_login(other)
    again = client.post(f"/api/v1/duty/handovers/{written.pk}/confirm/", {}, content_type=JSON)
    assert again.status_code == 400 and "已确认" in again.json()["detail"]


def test_one_handover_awaits_confirmation_at_a_time(tree):
    officer = persona("county_operator")
    written = handover.handover_write(actor=officer, desk=tree.county.code, notes="第一稿")
    with pytest.raises(DomainError, match="尚待接班确认"):
        handover.handover_write(actor=officer, desk=tree.county.code)
    updated = handover.handover_update(actor=officer, handover=written, notes="第二稿")
    assert updated.notes == "第二稿" and Handover.objects.count() == 1
    with pytest.raises(DomainError) as refused:
        handover.handover_update(actor=persona("county_admin"), handover=written, notes="别人改")
    assert refused.value.status == 403


def test_the_api_writes_and_confirms(client, tree):
    client.force_login(persona("township_officer"))
    created = client.post("/api/v1/duty/handovers/", {"desk": tree.township.code, "notes": "正常"}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "written" and created.json()["outgoing"] == "township_officer"
    client.force_login(persona("county_operator"))  # the county may take over a township desk
    confirmed = client.post(f"/api/v1/duty/handovers/{created.json()['id']}/confirm/", {}, content_type=JSON)
    assert confirmed.status_code == 200 and confirmed.json()["incoming"] == "county_operator"
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/api/v1/duty/handovers/{created.json()['id']}/").status_code == 404


def test_warnings_awaiting_signing_and_unanswered_acks_are_open_items(tree):
    from anlan.alerts import services as alert_services
    from anlan.alerts.models import Warning
    from tests.alerts.helpers import issue_warning

    officer = persona("county_operator")
    draft = alert_services.warning_create(
        actor=officer,
        warning=Warning(
            region_id=tree.county.code,
            event="暴雨",
            category="Met",
            level="orange",
            urgency="Expected",
            severity="Severe",
            certainty="Likely",
            headline="暴雨橙色预警",
            description="d",
            expires=timezone.now() + dt.timedelta(hours=6),
        ),
        regions=[tree.township],
    )
    alert_services.warning_submit(actor=officer, warning=draft)
    issued = issue_warning(tree, regions=[tree.township], headline="山洪红色预警")
    items = {i["key"]: i for i in handover.gather(tree.county.code)}
    assert "待签发" in items[f"warning:{draft.pk}"]["title"]
    assert "未叫应" in items[f"ack:{issued.pk}"]["title"] and "山洪红色预警" in items[f"ack:{issued.pk}"]["title"]
    assert not any(key.startswith(("warning:", "ack:")) for key in keys(handover.gather(tree.other_township.code)))


def test_handover_pages(client, tree):
    log.entry_create(actor=persona("township_officer"), desk=tree.township.code, content="村民报告停电")
    client.force_login(persona("township_officer"))
    page = client.get("/duty/handover/write/")
    assert page.status_code == 200 and "村民报告停电" in page.content.decode()
    response = client.post("/duty/handover/write/", {"desk": tree.township.code, "notes": "夜间平稳"})
    assert response.status_code == 302
    written = Handover.objects.get()
    detail = client.get(f"/duty/handover/{written.pk}/").content.decode()
    assert "待接班确认" in detail and 'id="confirm-form"' not in detail and 'id="update-form"' in detail
    assert "夜间平稳" in client.get("/duty/handover/").content.decode()
    client.force_login(persona("county_operator"))
    confirmed = client.post(f"/duty/handover/{written.pk}/", {"action": "confirm", "note": "收到"})
    assert confirmed.status_code == 302
    written.refresh_from_db()
    assert written.status == "confirmed"
    client.force_login(persona("township_officer"))
    refused = client.post(f"/duty/handover/{written.pk}/", {"action": "update", "notes": "改"})
    assert refused.status_code == 400 and "不能修改" in refused.content.decode()
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/duty/handover/{written.pk}/").status_code == 404
