"""Shared set-up of the 重点任务分工 tests: a task in the demo county led by the department persona's
department, with a cooperating department and the township persona's township."""

import datetime as dt

from django.utils import timezone

from anlan.kpi import services_tasks as services
from anlan.kpi.models import KeyTask
from anlan.registry.models import Department
from anlan.testing.personas import persona


def other_department(tree) -> Department:
    water = persona("department_operator").department_id
    return Department.objects.filter(code__startswith=tree.county.code[:6]).exclude(pk=water).order_by("code").first()


def make_task(tree, *, number="9.1", deadline=None, milestones=(), lead=None, status=None) -> KeyTask:
    today = timezone.localdate()
    task = KeyTask(
        region=tree.county,
        year=today.year,
        number=number,
        title="开展汛前地质灾害隐患排查",
        deadline=deadline or today + dt.timedelta(days=60),
        lead_department_id=lead if lead is not None else persona("department_operator").department_id,
    )
    if status:
        task.status = status
    return services.task_save(
        actor=persona("county_operator"),
        task=task,
        cooperating=[other_department(tree)],
        townships=[tree.township],
        milestones=list(milestones),
    )
