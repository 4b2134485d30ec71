"""Warning-driven response: issuing a warning creates the tasks of the active plans' response tables for the
assignees in its area (departments once, each township and village reached, a team once), an Update that
raises or lowers it adds or closes tasks, a Cancel or the expiry closes them, assignees confirm through the
API, their page and the 叫应 link, and the task list is scoped and costs the same queries for 5 or 50 tasks."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anlan.alerts import services, tasks
from anlan.alerts.models import Warning, WarningTask
from anlan.core.models import AuditEntry
from anlan.geo.models import Region
from anlan.plans.models import Plan, PlanAction
from anlan.registry.models import Department, Person
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.alerts.test_escalation import drain, gateways  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

FLOOD = "县防汛抗旱应急预案"


def flood_rows(county, level=None):
    rows = PlanAction.objects.filter(plan__name=FLOOD, plan__region=county, warning_event="暴雨")
    return rows.filter(warning_level__in=level) if level else rows


def rain(tree, level="red", regions=None, **fields):
    return issue_warning(
        tree,
        regions=regions or [tree.township],
        event="暴雨",
        level=level,
        headline=f"暴雨{level}预警",
        measures={"responsible": "值守并巡查", "resident": "立即转移到安置点"},
        **fields,
    )


def api_tasks(client, warning, user="county_operator"):
    client.force_login(persona(user))
    return client.get(f"/api/v1/warnings/{warning.pk}/tasks/")


def test_red_rainstorm_for_a_township_creates_the_flood_table_tasks(client, tree):
    rows = list(flood_rows(tree.county))
    assert {r.warning_level for r in rows} == {"blue", "yellow", "orange", "red"}  # the demo table
    warning = rain(tree)
    response = api_tasks(client, warning)
    assert response.status_code == 200
    got = response.json()
    villages = list(Region.objects.filter(parent=tree.township).values_list("code", flat=True))
    departments = {r.department.code for r in rows if r.assignee_kind == "department"}
    expected = (
        len(departments and [r for r in rows if r.assignee_kind == "department"])
        + sum(1 for r in rows if r.assignee_kind == "township")
        + sum(len(villages) for r in rows if r.assignee_kind == "village")
        + sum(1 for r in rows if r.assignee_kind == "team")
    )
    assert len(got) == expected
    assert {t["assignee"]["code"] for t in got if t["assignee"]["kind"] == "department"} == departments
    assert {t["assignee"]["code"] for t in got if t["assignee"]["kind"] == "region"} == {tree.township.code, *villages}
    # CONTRACT.md's shape, and the due time is sent + the row's hours.
    first = got[0]
    assert {"id", "assignee", "title", "due", "status"} <= set(first)
    assert set(first["assignee"]) >= {"kind", "code"} and first["status"] == "assigned"
    task = WarningTask.objects.select_related("action").get(pk=first["id"])
    warning.refresh_from_db()
    assert task.due_at == warning.sent + dt.timedelta(hours=task.action.hours)
    # A village row for residents carries the warning's own measures for that audience.
    resident_task = WarningTask.objects.filter(warning=warning, action__audience="resident").first()
    assert resident_task.measures == "立即转移到安置点"
    assert AuditEntry.objects.filter(action="warning_tasks", object_id=str(warning.pk)).exists()
    # The other township's villages have none.
    assert not WarningTask.objects.filter(warning=warning, region__code__startswith=tree.other_township.code[:9])


def test_township_tasks_are_confirmed_through_the_ack_link(client, gateways, tree):  # noqa: F811
    sms, _ = gateways
    warning = rain(tree)
    drain(timezone.now())
    head = Person.objects.filter(region=tree.township, department__isnull=True, enterprise__isnull=True)
    head = next(p for p in head.order_by("pk") if any(m["to"] == p.phone for m in sms.received.values()))
    link = next(m for m in sms.received.values() if m["to"] == head.phone)["text"].split("：")[-1]
    path = link.removeprefix("https://yjj.example.gov.cn")
    page = client.get(path)
    mine = WarningTask.objects.filter(warning=warning, region=tree.township, status="assigned")
    assert mine.exists()
    body = page.content.decode()
    assert "需要您落实的任务" in body and all(t.title in body for t in mine)
    # Another township's or a department's task cannot be confirmed with this token.
    foreign = WarningTask.objects.filter(warning=warning, assignee_kind="department").first()
    refused = client.post(path, {"task": foreign.pk})
    assert "不在您的待落实任务中" in refused.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == "assigned"
    for task in mine:
        done = client.post(path, {"task": task.pk, "note": "已通知各村"})
        assert done.status_code == 200 and "已确认落实" in done.content.decode()
    confirmed = WarningTask.objects.filter(warning=warning, region=tree.township)
    assert set(confirmed.values_list("status", flat=True)) == {"confirmed"}
    assert confirmed.first().confirmed_by == f"{head.name}（叫应链接）" and confirmed.first().note == "已通知各村"
    assert AuditEntry.objects.filter(action="warning_task_confirm", object_id=str(warning.pk)).count() == len(confirmed)
    rates = tasks.completion(warning)
    assert rates["confirmed"] == len(confirmed) and rates["total"] > rates["confirmed"]


def test_raising_adds_only_the_new_rows_lowering_closes_cancel_closes_all(tree):
    officer = persona("county_operator")
    warning = rain(tree, level="yellow")
    yellow = set(WarningTask.objects.filter(warning=warning).values_list("action_id", "region_id", "department_id"))
    assert yellow and not WarningTask.objects.filter(warning=warning, action__warning_level__in=["orange", "red"])
    water_task = WarningTask.objects.filter(warning=warning, department__code__endswith="-SL").first()
    tasks.task_confirm(actor=persona("department_operator"), task=water_task, note="已巡查")

    raised = services.warning_follow_up(
        actor=officer, warning=warning, msg_type=Warning.MsgType.UPDATE, changes={"level": "red"}
    )
    held = WarningTask.objects.filter(warning=raised)
    assert not WarningTask.objects.filter(warning=warning).exists()  # the tasks follow the message in force
    keys = list(held.values_list("action_id", "region_id", "department_id", "team_id"))
    assert len(keys) == len(set(keys))  # no duplicates
    assert yellow <= {k[:3] for k in keys}
    assert held.filter(action__warning_level="red").exists()
    assert held.get(pk=water_task.pk).status == "confirmed"

    lowered = services.warning_follow_up(
        actor=officer, warning=raised, msg_type=Warning.MsgType.UPDATE, changes={"level": "blue"}
    )
    held = WarningTask.objects.filter(warning=lowered)
    closed = held.filter(status="closed")
    assert closed.exists() and set(closed.values_list("close_reason", flat=True)) == {"预警降级"}
    assert not held.filter(status="assigned").exclude(action__warning_level="blue").exists()
    assert held.get(pk=water_task.pk).status == "confirmed"  # done stays done

    cancel = services.warning_follow_up(actor=officer, warning=lowered, msg_type=Warning.MsgType.CANCEL)
    held = WarningTask.objects.filter(warning=cancel)
    assert not held.filter(status="assigned").exists()
    assert "预警解除" in set(held.values_list("close_reason", flat=True))


def test_expiry_closes_open_tasks(tree):
    warning = rain(tree, level="blue")
    assert WarningTask.objects.filter(warning=warning, status="assigned").exists()
    assert tasks.close_expired(now=timezone.now()) == 0
    later = warning.expires + dt.timedelta(minutes=1)
    closed = tasks.close_expired(now=later)
    assert closed == WarningTask.objects.filter(warning=warning, close_reason="预警解除").count() > 0
    assert tasks.close_expired(now=later) == 0


def test_scope_other_township_sees_none_and_outside_warning_is_404(client, tree):
    warning = rain(tree)
    # A township does not read the county's warnings, but reads its own tasks of one.
    mine = api_tasks(client, warning, "township_officer").json()
    assert mine and all(t["assignee"]["code"].startswith(tree.township.code[:9]) for t in mine)
    # Another township holds no task of it and cannot read it: outside its scope.
    assert api_tasks(client, warning, "other_township_officer").status_code == 404
    water = api_tasks(client, warning, "department_operator")
    assert water.status_code == 200, water.content
    water = water.json()
    assert water and {t["assignee"]["code"] for t in water} == {f"{tree.county.code[:6]}-SL"}
    client.force_login(persona("other_township_officer"))
    page = client.get("/alerts/warnings/tasks/mine/")
    assert page.status_code == 200 and "当前没有待落实的预警任务" in page.content.decode()


def test_department_confirms_through_api_and_page(client, tree):
    warning = rain(tree)
    user = persona("department_operator")
    client.force_login(user)
    task = WarningTask.objects.filter(warning=warning, department=user.department).first()
    url = f"/api/v1/warnings/{warning.pk}/tasks/{task.pk}/confirm/"
    done = client.post(url, {"note": "已巡查水库"}, content_type="application/json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "confirmed" and done.json()["note"] == "已巡查水库"
    again = client.post(url, {}, content_type="application/json")
    assert again.status_code == 400 and "status" in again.json().get("errors", again.json())
    other = WarningTask.objects.filter(warning=warning, assignee_kind="region").first()
    assert client.post(f"/api/v1/warnings/{warning.pk}/tasks/{other.pk}/confirm/").status_code == 404
    client.force_login(persona("viewer"))
    assert client.post(f"/api/v1/warnings/{warning.pk}/tasks/{other.pk}/confirm/").status_code == 403
    client.force_login(user)
    page = client.get("/alerts/warnings/tasks/mine/")
    text = page.content.decode()
    assert page.status_code == 200 and "已巡查水库" in text
    nxt = WarningTask.objects.filter(warning=warning, department=user.department, status="assigned").first()
    if nxt:
        client.post("/alerts/warnings/tasks/mine/", {"task": nxt.pk, "note": "好"})
        nxt.refresh_from_db()
        assert nxt.status == "confirmed"


def test_warning_page_shows_completion(client, tree):
    warning = rain(tree)
    client.force_login(persona("county_operator"))
    from anlan.alerts.views import reverse_detail

    page = client.get(reverse_detail(warning)).content.decode()
    assert "预警任务落实" in page and "落实率" in page


def test_task_list_queries_do_not_grow_with_tasks(client, tree):
    def queries_for(regions):
        warning = rain(tree, regions=regions)
        client.force_login(persona("county_operator"))
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/warnings/{warning.pk}/tasks/").status_code == 200
        return len(ctx), WarningTask.objects.filter(warning=warning).count()

    small, n_small = queries_for([tree.village])
    large, n_large = queries_for([tree.county])
    assert n_large > n_small * 3
    assert large == small


def test_only_rows_of_the_event_and_active_plans_apply(tree):
    plan = Plan.objects.get(name=FLOOD, region=tree.county)
    Plan.objects.filter(pk=plan.pk).update(active=False)
    warning = rain(tree)
    assert not WarningTask.objects.filter(warning=warning, action__plan=plan).exists()
    Plan.objects.filter(pk=plan.pk).update(active=True)
    other = issue_warning(tree, regions=[tree.township], event="大风", level="blue", headline="大风蓝色预警")
    events = set(WarningTask.objects.filter(warning=other).values_list("action__warning_event", flat=True))
    assert events == {"大风"}
    assert Department.objects.filter(code__endswith="-SL").exists()
