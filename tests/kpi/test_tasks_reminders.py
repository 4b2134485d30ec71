"""Reminders on a controlled clock: 7 and 1 days before a date, on the day, weekly once it is overdue; to the
lead department and the named township; never twice; never for a done task."""

import datetime as dt

import pytest

from anlan.core.daily import daily_jobs
from anlan.inbox.models import Notification
from anlan.kpi import reminders
from anlan.kpi import services_tasks as services
from anlan.kpi.models import KeyTask
from anlan.testing.personas import persona

from .tasks_helpers import make_task

pytestmark = pytest.mark.django_db
DEADLINE = dt.date(2027, 6, 30)


def _sent(task) -> list[Notification]:
    return list(Notification.objects.filter(category=reminders.CATEGORY, link=f"/kpi/tasks/{task.pk}/"))


def _for(user, task) -> list[Notification]:
    return [n for n in _sent(task) if n.recipient_id == user.pk]


def test_the_stage_of_a_date():
    due = DEADLINE
    assert reminders.stage(due, due - dt.timedelta(days=7), (7, 1)) == "before7"
    assert reminders.stage(due, due - dt.timedelta(days=3), (7, 1)) is None
    assert reminders.stage(due, due, (7, 1)) == "today"
    assert reminders.stage(due, due + dt.timedelta(days=1), (7, 1)) is None
    assert reminders.stage(due, due + dt.timedelta(days=14), (7, 1)) == "late14"


def test_reminders_go_out_on_time_to_the_lead_and_the_township_and_not_twice(tree):
    task = make_task(tree, deadline=DEADLINE)
    lead, township = persona("department_operator"), persona("township_officer")
    other = persona("other_township_officer")
    for day in (DEADLINE - dt.timedelta(days=8), DEADLINE - dt.timedelta(days=3)):
        reminders.send_reminders(day)
        assert _sent(task) == []
    reminders.send_reminders(DEADLINE - dt.timedelta(days=7))
    assert len(_for(lead, task)) == 1 and len(_for(township, task)) == 1 and _for(other, task) == []
    assert "还有 7 天" in _for(lead, task)[0].body
    reminders.send_reminders(DEADLINE - dt.timedelta(days=7))  # the job run twice the same day
    assert len(_for(lead, task)) == 1
    reminders.send_reminders(DEADLINE - dt.timedelta(days=1))
    reminders.send_reminders(DEADLINE)
    bodies = [n.body for n in _for(lead, task)]
    assert any("还有 1 天" in b for b in bodies) and any("今天" in b for b in bodies)
    reminders.send_reminders(DEADLINE + dt.timedelta(days=3))
    assert len(_for(lead, task)) == 3
    reminders.send_reminders(DEADLINE + dt.timedelta(days=7))
    late = [n for n in _for(lead, task) if "逾期" in n.title]
    assert len(late) == 1 and "已逾期 7 天" in late[0].body
    reminders.send_reminders(DEADLINE + dt.timedelta(days=14))
    assert len([n for n in _for(lead, task) if "逾期" in n.title]) == 2


def test_a_milestone_has_its_own_reminders_until_it_is_done(tree):
    due = DEADLINE - dt.timedelta(days=30)
    task = make_task(tree, deadline=DEADLINE, milestones=[services.MilestoneRow("完成排查", due)])
    lead = persona("department_operator")
    reminders.send_reminders(due)
    assert any("节点“完成排查”" in n.body for n in _for(lead, task))
    task.milestones.update(done_on=due)
    reminders.send_reminders(due + dt.timedelta(days=7))
    assert not any("逾期" in n.title for n in _for(lead, task))


def test_no_reminder_for_a_done_task(tree):
    task = make_task(tree, deadline=DEADLINE)
    services.task_report(actor=persona("department_operator"), task=task, progress=100, text="已完成")
    assert KeyTask.objects.get(pk=task.pk).status == KeyTask.Status.DONE
    for day in (DEADLINE - dt.timedelta(days=7), DEADLINE, DEADLINE + dt.timedelta(days=7)):
        reminders.send_reminders(day)
    assert _sent(task) == []


def test_a_task_the_county_leads_reminds_the_county_operators(tree):
    task = make_task(tree, deadline=DEADLINE, lead=None)
    task.lead_department = None
    task.lead_text = "县应急管理局"
    task.save()
    reminders.send_reminders(DEADLINE)
    assert len(_for(persona("county_operator"), task)) == 1
    assert _for(persona("department_operator"), task) == []


def test_the_daily_job_is_registered_and_the_days_are_a_setting(tree, settings):
    assert "重点任务提醒" in daily_jobs()
    settings.ANLAN_KPI_TASK_REMIND_DAYS = (3,)
    task = make_task(tree, deadline=DEADLINE)
    daily_jobs()["重点任务提醒"](DEADLINE - dt.timedelta(days=7))
    assert _sent(task) == []
    assert "发送重点任务提醒" in daily_jobs()["重点任务提醒"](DEADLINE - dt.timedelta(days=3))
    assert len(_for(persona("department_operator"), task)) == 1
