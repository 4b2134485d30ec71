"""The division table page (filters, overdue in red, bounded queries), the export, create/edit by the county
only (milestones inline, atomic), and the read-only API with its filters."""

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.kpi import services_tasks as services
from anlan.kpi.models import KeyTask
from anlan.testing.personas import persona

from .tasks_helpers import make_task, other_department

pytestmark = pytest.mark.django_db


def _several(tree):
    today = timezone.localdate()
    late = make_task(tree, number="8.1", deadline=today - dt.timedelta(days=10))
    late.title = "逾期的任务"
    late.save()
    ok = make_task(tree, number="8.2")
    services.task_report(actor=persona("department_operator"), task=ok, progress=60, text="推进顺利")
    for i in range(3, 13):
        make_task(tree, number=f"8.{i}")
    return late, ok


def test_the_list_marks_overdue_filters_and_runs_a_bounded_number_of_queries(
    client, tree, django_assert_max_num_queries
):
    late, ok = _several(tree)
    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(25):
        page = client.get("/kpi/tasks/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="late"' in html and "已逾期" in html and "推进顺利" in html and "60%" in html
    only_late = client.get("/kpi/tasks/?overdue=1").content.decode()
    assert "逾期的任务" in only_late and f"/kpi/tasks/{ok.pk}/" not in only_late
    by_township = client.get(f"/kpi/tasks/?township={tree.other_township.code}").content.decode()
    assert f"/kpi/tasks/{late.pk}/" not in by_township
    cancelled = client.get("/kpi/tasks/?status=cancelled").content.decode()
    assert "没有符合条件的任务" in cancelled


def test_the_export_has_the_progress_table(client, tree):
    _several(tree)
    client.force_login(persona("township_officer"))
    response = client.get("/kpi/tasks/?export=xlsx")
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "序号",
        "任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "进度（%）",
        "状态",
        "最新进展",
        "是否逾期",
    ]
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["8.1"][8] == "逾期 10 天"
    assert by_number["8.2"][5] == 60 and by_number["8.2"][6] == "推进中" and "推进顺利" in by_number["8.2"][7]
    assert by_number["8.2"][2] == persona("department_operator").department.name
    assert by_number["8.2"][3] == other_department(tree).name
    assert by_number["8.2"][8] == "否"


def test_the_county_creates_a_task_with_milestones_and_others_may_not(client, tree):
    client.force_login(persona("department_operator"))
    assert client.get("/kpi/tasks/new/").status_code == 403
    client.force_login(persona("county_operator"))
    year = timezone.localdate().year
    data = {
        "year": year, "number": "7.1", "title": "建设应急物资储备库", "lead_department": other_department(tree).pk,
        "deadline": f"{year}-12-31", "townships": [tree.township.code],
        "milestones_text": "6月30日前 完成选址\n9月30日前 主体完工",
    }  # fmt: skip
    response = client.post("/kpi/tasks/new/", data)
    task = KeyTask.objects.get(number="7.1", year=year)
    assert response.status_code == 302
    assert [m.title for m in task.milestones.all()] == ["完成选址", "主体完工"]
    assert AuditEntry.objects.filter(action="kpi_task_create", object_id=str(task.pk)).exists()
    bad = {**data, "number": "7.2", "milestones_text": "明年 再说"}
    response = client.post("/kpi/tasks/new/", bad)
    assert response.status_code == 400 and "应写成" in response.content.decode()
    late_node = {**data, "number": "7.3", "deadline": f"{year}-08-31"}
    response = client.post("/kpi/tasks/new/", late_node)
    assert response.status_code == 400 and "晚于任务完成时限" in response.content.decode()
    assert not KeyTask.objects.filter(number__in=["7.2", "7.3"], year=year).exists()


def test_the_api_lists_tasks_and_reports_read_only_with_filters(client, tree):
    late, ok = _several(tree)
    client.force_login(persona("viewer"))
    body = client.get("/api/v1/kpi/tasks/?overdue=true").json()
    items = body["results"] if isinstance(body, dict) else body
    mine = [t for t in items if t["id"] in (late.pk, ok.pk)]
    assert [t["number"] for t in mine] == ["8.1"] and all(t["overdue"] for t in items)
    assert mine[0]["lead_name"] == persona("department_operator").department.name
    reports = client.get(f"/api/v1/kpi/task-reports/?task={ok.pk}").json()
    reports = reports["results"] if isinstance(reports, dict) else reports
    assert [r["progress"] for r in reports] == [60]
    assert client.post("/api/v1/kpi/tasks/", {}).status_code in (403, 405)


def test_the_workbench_counts_match_the_lists_they_open(client, tree):
    from anlan.overview.items import items_for

    today = timezone.localdate()
    late, _ok = _several(tree)
    soon = make_task(tree, number="8.99", deadline=today + dt.timedelta(days=5))
    for name, key in (("department_operator", "kpi_tasks_mine"), ("township_officer", "kpi_tasks_mine")):
        user = persona(name)
        shown = next(i for i in items_for(user) if i.key == key).show(user, None)
        client.force_login(user)
        html = client.get(shown.url).content.decode()
        assert f"/kpi/tasks/{late.pk}/" in html and f"/kpi/tasks/{soon.pk}/" in html
        assert shown.count == len(set(re.findall(r'href="/kpi/tasks/(\d+)/"', html)))
    user = persona("county_operator")
    shown = next(i for i in items_for(user) if i.key == "kpi_tasks_overdue").show(user, None)
    assert shown.count == KeyTask.objects.filter(services.overdue_q(today)).count() >= 1
    client.force_login(user)
    assert f"/kpi/tasks/{late.pk}/" in client.get(shown.url).content.decode()
    assert f"/kpi/tasks/{soon.pk}/" not in client.get(shown.url).content.decode()


def test_a_township_sees_the_townships_by_name_and_not_another_townships_reports_through_the_api(client, tree):
    from anlan.kpi.models import TaskReport

    task = make_task(tree)
    task.townships.add(tree.other_township)
    other = persona("other_township_officer")
    services.task_report(actor=other, task=task, progress=30, text="上营街道的进展")
    client.force_login(persona("township_officer"))
    body = client.get(f"/api/v1/kpi/tasks/{task.pk}/").json()
    assert body["townships"] == [tree.township.name, tree.other_township.name]
    assert tree.other_township.code[:9] not in json.dumps(body)
    reports = client.get(f"/api/v1/kpi/task-reports/?task={task.pk}").json()
    reports = reports["results"] if isinstance(reports, dict) else reports
    assert reports == []
    assert TaskReport.objects.filter(task=task).count() == 1
    assert "上营街道的进展" not in client.get(f"/kpi/tasks/{task.pk}/").content.decode()
    client.force_login(persona("county_operator"))
    reports = client.get(f"/api/v1/kpi/task-reports/?task={task.pk}").json()
    reports = reports["results"] if isinstance(reports, dict) else reports
    assert [r["township"] for r in reports] == [tree.other_township.code]
