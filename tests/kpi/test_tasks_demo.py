"""The demo county's 重点任务分工: about 30 of seed 003's tasks at every stage, some overdue, with reports."""

import pytest
from django.utils import timezone

from anlan.kpi import services_tasks as services
from anlan.kpi.models import KeyTask, TaskReport

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_the_division_table_at_every_stage(tree):
    tasks = KeyTask.objects.filter(region=tree.county, year=timezone.localdate().year, synthetic=True)
    assert 28 <= tasks.count() <= 40
    assert tasks.filter(title="地质灾害避险搬迁和排危除险", lead_department__name__contains="规划和自然资源局").exists()
    statuses = set(tasks.values_list("status", flat=True))
    assert KeyTask.Status.IN_PROGRESS in statuses
    assert tasks.filter(townships__isnull=False).distinct().count() > 20
    assert tasks.filter(cooperating__isnull=False).distinct().count() > 10
    assert TaskReport.objects.filter(task__in=tasks).exclude(attachment_name="").exists()
    assert all(t.milestones.count() == 2 for t in tasks)
    if timezone.localdate().month >= 4:  # deadlines from March on: by April some have passed
        assert tasks.filter(status=KeyTask.Status.DONE).exists()
        assert tasks.filter(services.overdue_q(timezone.localdate())).exists()
