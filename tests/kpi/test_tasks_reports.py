"""Progress reports: only the units a task names report; the lead's 100 % completes the task, a cooperating
unit's does not; a bad attachment writes nothing; every report is audited."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from anlan.accounts.models import User
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.core.roles import Role
from anlan.kpi import services_tasks as services
from anlan.kpi.models import KeyTask, TaskReport
from anlan.testing.personas import persona

from .tasks_helpers import make_task, other_department

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _cooperator(tree) -> User:
    return User.objects.create(
        username="coop_officer", role=Role.DEPARTMENT_OPERATOR, region=tree.county, department=other_department(tree)
    )


@pytest.mark.parametrize("name", ["other_township_officer", "viewer", "village_grid_worker", "enterprise_user"])
def test_a_unit_the_task_does_not_name_is_refused_in_chinese(tree, name):
    task = make_task(tree)
    with pytest.raises(NotAllowed) as refused:
        services.task_report(actor=persona(name), task=task, progress=50, text="已完成一半")
    assert "未将您的单位列为" in refused.value.message
    assert not TaskReport.objects.filter(task=task).exists()
    assert not services.may_report(persona(name), task)


def test_a_department_not_named_is_refused(tree):
    task = make_task(tree)
    task.cooperating.clear()
    with pytest.raises(NotAllowed):
        services.task_report(actor=_cooperator(tree), task=task, progress=10, text="x")


def test_the_lead_reports_and_the_task_follows_and_100_percent_completes_it(tree):
    task = make_task(tree, milestones=[services.MilestoneRow("完成排查", task_deadline_minus(tree))])
    lead = persona("department_operator")
    report = services.task_report(actor=lead, task=task, progress=40, text="已排查 12 处")
    task.refresh_from_db()
    assert (task.status, task.progress) == (KeyTask.Status.IN_PROGRESS, 40)
    assert report.unit_name == task.lead_department.name
    services.task_report(actor=lead, task=task, progress=100, text="全部完成", milestone=task.milestones.first())
    task.refresh_from_db()
    assert task.status == KeyTask.Status.DONE and task.completed_on is not None
    assert not task.milestones.filter(done_on__isnull=True).exists()
    assert AuditEntry.objects.filter(action="kpi_task_report", object_id=str(task.pk)).count() == 2
    with pytest.raises(DomainError, match="已完成"):
        services.task_report(actor=lead, task=task, progress=100, text="再报一次")


def task_deadline_minus(tree):
    import datetime as dt

    from django.utils import timezone

    return timezone.localdate() + dt.timedelta(days=30)


def test_a_cooperating_unit_and_a_township_report_their_share_without_completing_the_task(tree):
    task = make_task(tree)
    coop = _cooperator(tree)
    services.task_report(actor=coop, task=task, progress=100, text="配合部分完成")
    r = services.task_report(actor=persona("township_officer"), task=task, progress=100, text="本镇完成")
    task.refresh_from_db()
    assert task.status == KeyTask.Status.IN_PROGRESS and task.progress == 0
    assert r.unit_name == tree.township.name and r.township_id == tree.township.code


def test_an_attachment_is_checked_and_a_bad_one_writes_nothing(tree):
    task = make_task(tree)
    lead = persona("department_operator")
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    with pytest.raises(DomainError) as refused:
        services.task_report(actor=lead, task=task, progress=30, text="附佐证", attachment=bad)
    assert "只接受" in refused.value.message
    assert not TaskReport.objects.filter(task=task).exists()
    task.refresh_from_db()
    assert task.progress == 0
    good = SimpleUploadedFile("排查台账.pdf", PDF, content_type="application/pdf")
    report = services.task_report(actor=lead, task=task, progress=30, text="附佐证", attachment=good)
    assert report.attachment_name.endswith(".pdf") and report.attachment


def test_progress_outside_0_100_and_empty_text_are_refused(tree):
    task = make_task(tree)
    lead = persona("department_operator")
    with pytest.raises(DomainError, match="0 到 100"):
        services.task_report(actor=lead, task=task, progress=120, text="x")
    with pytest.raises(DomainError, match="进展情况"):
        services.task_report(actor=lead, task=task, progress=20, text="  ")


def test_the_report_page_refuses_an_unnamed_township_and_takes_the_leads_report(client, tree):
    task = make_task(tree)
    client.force_login(persona("other_township_officer"))
    page = client.get(f"/kpi/tasks/{task.pk}/")
    assert page.status_code == 200 and "report-form" not in page.content.decode()
    response = client.post(f"/kpi/tasks/{task.pk}/report/", {"progress": 50, "text": "越权报送"})
    assert response.status_code == 403
    client.force_login(persona("department_operator"))
    assert "report-form" in client.get(f"/kpi/tasks/{task.pk}/").content.decode()
    response = client.post(f"/kpi/tasks/{task.pk}/report/", {"progress": 50, "text": "已完成一半"}, follow=True)
    assert "已报送进展（50%）" in response.content.decode()
    assert TaskReport.objects.filter(task=task).count() == 1
