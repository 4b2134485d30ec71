"""The duty log (接报传跟): desk roles record calls at their own desks, to the minute, audited; an entry is
closed when followed up; it becomes an incident (the intake opens filled in and the entry links back) or
a hidden hazard (the report form filled in); readers outside the desk's scope see nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.duty import log
from anlan.duty.models import LogEntry
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

JSON = "application/json"


def call(desk, actor="county_operator", **fields):
    values = {
        "kind": LogEntry.Kind.RECEIVE,
        "caller": "王建国",
        "phone": "19900001234",
        "place": "石桥村三组",
        "content": "群众报告道路塌方，约20米路面下沉，车辆无法通行",
        "requested": "请派人查看",
    } | fields
    return log.entry_create(actor=persona(actor), desk=desk, **values)


def test_a_call_is_logged_to_the_minute_and_audited(tree):
    at = timezone.now().replace(second=37) - dt.timedelta(minutes=3)
    entry = call(tree.county.code, occurred_at=at, region=tree.village)
    assert entry.occurred_at == at.replace(second=0, microsecond=0)
    assert entry.status == LogEntry.Status.OPEN and entry.recorded_by == persona("county_operator")
    assert AuditEntry.objects.filter(object_type="duty.logentry", object_id=str(entry.pk), action="create").exists()


def test_only_desk_roles_write_and_each_at_its_own_desks(tree):
    with pytest.raises(DomainError) as refused:
        call(tree.township.code, actor="department_operator")
    assert refused.value.status == 403 and "值班人员" in refused.value.message
    with pytest.raises(DomainError) as refused:
        call(tree.other_township.code, actor="township_officer")
    assert refused.value.status == 403 and "不在您的管辖范围内" in refused.value.message
    with pytest.raises(DomainError) as refused:
        call(tree.county.code, actor="township_officer")
    assert refused.value.status == 403
    with pytest.raises(DomainError) as refused:
        call(tree.village.code)
    assert refused.value.code == "duty.not_a_desk"
    assert call(tree.township.code, actor="township_officer").desk_id == tree.township.code
    assert call(tree.other_township.code).desk_id == tree.other_township.code  # the county for any township
    assert LogEntry.objects.count() == 2


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(tree):
    with pytest.raises(DomainError, match="跟进时限不能早于记录时间"):
        call(tree.township.code, actor="township_officer", follow_up_by=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(DomainError, match="所在区划应在本值班席位辖区内"):
        call(tree.township.code, actor="township_officer", region=tree.other_village)
    with pytest.raises(DomainError, match="请填写内容"):
        call(tree.township.code, actor="township_officer", content="  ")
    assert not LogEntry.objects.exists()


def test_closing_needs_what_was_done_and_is_audited(tree):
    entry = call(tree.county.code)
    officer = persona("county_operator")
    with pytest.raises(DomainError, match="办结前请填写处理情况"):
        log.entry_close(actor=officer, entry=entry)
    closed = log.entry_close(actor=officer, entry=entry, action_taken="已通知交通局设置警示，石桥镇派人值守")
    assert closed.status == LogEntry.Status.DONE
    with pytest.raises(DomainError, match="已办结"):
        log.entry_close(actor=officer, entry=closed, action_taken="再次")
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="duty_log_close").exists()


def test_readers_see_entries_of_desks_in_their_scope_only(client, tree):
    mine = call(tree.township.code, actor="township_officer")
    theirs = call(tree.other_township.code)
    client.force_login(persona("township_officer"))
    listed = client.get("/api/v1/duty/log/").json()
    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert client.get(f"/api/v1/duty/log/{theirs.pk}/").status_code == 404
    assert client.get(f"/duty/log/{theirs.pk}/").status_code == 404
    page = client.get("/duty/log/")
    assert page.status_code == 200 and mine.content[:10] in page.content.decode()
    client.force_login(persona("village_grid_worker"))
    assert client.get("/duty/log/").status_code == 403
    assert client.get("/api/v1/duty/log/").status_code == 403


def test_the_api_logs_a_call_and_closes_it(client, tree):
    client.force_login(persona("township_officer"))
    body = {"desk": tree.township.code, "kind": "receive", "caller": "李四", "content": "村民报告河水上涨漫过便桥"}
    created = client.post("/api/v1/duty/log/", body, content_type=JSON)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    outside = client.post("/api/v1/duty/log/", body | {"desk": tree.other_township.code}, content_type=JSON)
    assert outside.status_code == 400 and "desk" in outside.json()
    closed = client.post(f"/api/v1/duty/log/{pk}/close/", {"action_taken": "已通知村干部封桥"}, content_type=JSON)
    assert closed.status_code == 200 and closed.json()["status"] == "done"


def test_an_entry_becomes_an_incident_through_the_prefilled_intake(client, tree):
    kind = IncidentKind.objects.get(name="地质灾害")
    entry = call(tree.county.code, region=tree.village, event_kind=kind)
    client.force_login(persona("county_operator"))
    detail = client.get(f"/duty/log/{entry.pk}/").content.decode()
    assert f"/incidents/intake/?log={entry.pk}" in detail
    form = client.get(f"/incidents/intake/?log={entry.pk}")
    initial = form.context["form"].initial
    assert initial["caller_name"] == "王建国" and initial["region"] == tree.village.code
    assert initial["kind"] == kind and "道路塌方" in initial["description"]
    data = {
        "kind": kind.pk,
        "title": "石桥村三组道路塌方",
        "region": tree.village.code,
        "place": "石桥村三组",
        "occurred_at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "source": "public",
        "caller_name": "王建国",
        "description": entry.content,
        **dict.fromkeys(("deaths", "missing", "injured", "serious_injuries", "trapped", "direct_loss_10k_yuan"), 0),
    }
    response = client.post(f"/incidents/intake/?log={entry.pk}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(title="石桥村三组道路塌方")
    entry.refresh_from_db()
    assert entry.incident_number == incident.number
    assert entry.incident_link == reverse("incidents:workspace", kwargs={"pk": incident.pk})
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="duty_log_to_incident").exists()
    # Offered once: the entry now links to its incident instead.
    detail = client.get(f"/duty/log/{entry.pk}/").content.decode()
    assert f"?log={entry.pk}" not in detail and incident.number in detail


def test_an_entry_outside_scope_cannot_open_the_intake(client, tree):
    entry = call(tree.other_township.code)
    client.force_login(persona("township_officer"))
    assert client.get(f"/incidents/intake/?log={entry.pk}").status_code == 404


def test_an_entry_becomes_a_hidden_hazard(client, tree):
    entry = call(tree.township.code, actor="township_officer", region=tree.village, content="村民反映后山出现裂缝")
    client.force_login(persona("township_officer"))
    page = client.get(f"/duty/log/{entry.pk}/hazard/")
    assert page.status_code == 200
    initial = page.context["form"].initial
    assert "后山出现裂缝" in initial["title"] and initial["region"] == tree.village.code
    deadline = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    data = {"title": initial["title"], "description": initial["description"], "level": "general"}
    response = client.post(f"/duty/log/{entry.pk}/hazard/", data | {"region": tree.village.code, "deadline": deadline})
    assert response.status_code == 302, response.content.decode()[:1500]
    entry.refresh_from_db()
    hazard = HiddenHazard.objects.get(pk=entry.hazard_id)
    assert hazard.status == "reported" and hazard.reporter_name == "王建国"
    assert hazard.source == HiddenHazard.Source.PUBLIC_TIP
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="duty_log_to_hazard").exists()
