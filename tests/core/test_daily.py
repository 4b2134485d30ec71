"""Daily jobs: all registered jobs run from one command or the embedded scheduler; a failing one does not
stop the others."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command

from anlan.core import daily


def test_due_once_a_day_after_the_hour():
    day = dt.date(2026, 7, 15)
    assert daily._due(None, dt.datetime(2026, 7, 15, 0, 5), 1)  # first run at start-up
    assert not daily._due(day, dt.datetime(2026, 7, 15, 23, 0), 1)
    assert not daily._due(day, dt.datetime(2026, 7, 16, 0, 30), 1)
    assert daily._due(day, dt.datetime(2026, 7, 16, 1, 0), 1)


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


def test_scheduler_runs_at_start_and_stops_on_request(monkeypatch):
    ran = threading.Event()
    monkeypatch.setattr(daily, "_JOBS", {"探针": lambda today: ran.set() or "完成"})
    monkeypatch.setattr(daily, "close_old_connections", lambda: None)
    stop = threading.Event()
    thread = threading.Thread(target=daily.scheduler, args=(stop, 0.05))
    thread.start()
    assert ran.wait(5)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
