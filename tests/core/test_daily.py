"""Daily jobs: all registered jobs run from one command or the scheduler (test_schedule.py); a failing one
does not stop the others."""

import datetime as dt

import pytest
from django.core.management import call_command

from anlan.core import daily


def test_the_day_due_changes_once_a_day_at_the_hour():
    assert daily.daily_period(dt.datetime(2026, 7, 15, 0, 5), 1) == dt.date(2026, 7, 14)  # yesterday's run
    assert daily.daily_period(dt.datetime(2026, 7, 15, 1, 0), 1) == dt.date(2026, 7, 15)
    assert daily.daily_period(dt.datetime(2026, 7, 15, 23, 0), 1) == dt.date(2026, 7, 15)
    assert daily.daily_period(dt.datetime(2026, 7, 16, 0, 30), 1) == dt.date(2026, 7, 15)


@pytest.mark.django_db
def test_command_runs_the_hazard_and_patrol_jobs(capsys):
    assert {"隐患逾期", "巡查任务"} <= set(daily.daily_jobs())
    call_command("daily_jobs")
    out = capsys.readouterr().out
    assert "隐患逾期：新增逾期隐患" in out and "巡查任务：漏巡" in out


def test_a_failing_job_is_reported_and_the_rest_still_run(monkeypatch):
    ran = []

    def broken(today):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(daily, "_JOBS", {"坏任务": broken, "好任务": lambda today: ran.append(today) or "完成"})
    results = dict(daily.run_daily_jobs(dt.date(2026, 7, 15)))
    assert results == {"坏任务": "失败：磁盘已满", "好任务": "完成"} and ran == [dt.date(2026, 7, 15)]
