"""The scheduler's rules, in one process: each process sees a period begin once, the claim in the
database lets one process run it, a daily job owed after downtime runs at start, and a failing job is
recorded and tried again next period without holding up the others. (Real processes:
test_schedule_processes.py.)"""

import datetime as dt
import zoneinfo

import pytest
from django.test import override_settings

from anlan.core import daily, schedule, scheduler
from anlan.core.models import JobRun

LOCAL = zoneinfo.ZoneInfo("Asia/Shanghai")  # settings.TIME_ZONE


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL)


@pytest.fixture
def jobs(monkeypatch):
    """Only the jobs a test registers."""
    monkeypatch.setattr(schedule, "_PERIODIC", {})
    monkeypatch.setattr(daily, "_JOBS", {})
    return monkeypatch


def test_each_process_sees_a_period_begin_once(jobs):
    schedule.register_periodic_job("每分钟", lambda: None, seconds=60)
    due = schedule.Due()
    start = at(2026, 7, 15, 10, 0, 5)
    period = int(start.timestamp() // 60)
    assert due(start) == [("每分钟", period)]  # at start: what is owed
    assert due(start + dt.timedelta(seconds=50)) == []  # same minute
    assert due(start + dt.timedelta(seconds=56)) == [("每分钟", period + 1)]  # 10:01:01
    # Periods are aligned to the clock, so another process that started elsewhere agrees on the number.
    assert schedule.Due()(start + dt.timedelta(seconds=30)) == [("每分钟", period)]


def test_a_period_runs_once_however_many_processes_queue_it(db, jobs):
    ran = []
    schedule.register_periodic_job("探针", lambda: ran.append(schedule.current_period()), seconds=2)
    first, second = schedule.Due(), schedule.Due()  # two processes
    now = at(2026, 7, 15, 10, 0, 0)
    queued = first(now) + second(now)
    assert len(queued) == 2 and queued[0] == queued[1]
    assert [schedule.run(*run) for run in queued] == ["ran", "skipped"]
    (period,) = {p for _, p in queued}
    assert ran == [period]
    later = now + dt.timedelta(seconds=2)
    assert [schedule.run(*run) for run in first(later) + second(later)] == ["ran", "skipped"]
    assert ran == [period, period + 1]
    assert JobRun.objects.filter(job="探针", ok=True).count() == 2


@override_settings(ANLAN_DAILY_HOUR=1, ANLAN_DAILY_JOBS_EMBEDDED=True)
def test_a_daily_job_missed_during_downtime_runs_at_start_and_not_again_that_day(db, jobs):
    days = []
    daily.register_daily_job("隐患逾期", lambda today: days.append(today) or "完成")

    def start_process(now):
        return [schedule.run(*run) for run in schedule.Due()(now)]

    assert start_process(at(2026, 7, 15, 9, 0)) == ["ran"]  # 15 July's run
    assert start_process(at(2026, 7, 15, 14, 0)) == ["skipped"]  # restarted the same day: already done
    # Down from the 15th to the 17th at 00:30, before the hour: the 16th's run is owed and made now.
    assert start_process(at(2026, 7, 17, 0, 30)) == ["ran"]
    periods = sorted(JobRun.objects.filter(job="隐患逾期").values_list("period", flat=True))
    assert periods == [dt.date(2026, 7, 15).toordinal(), dt.date(2026, 7, 16).toordinal()]
    # Then the 17th's run comes after the hour, once.
    due = schedule.Due()
    due(at(2026, 7, 17, 0, 30))
    assert due(at(2026, 7, 17, 0, 59)) == []
    assert due(at(2026, 7, 17, 1, 0)) == [("隐患逾期", dt.date(2026, 7, 17).toordinal())]
    assert days == [dt.date(2026, 7, 15), dt.date(2026, 7, 16)]  # each run does its own day's work


def test_a_failing_job_is_recorded_does_not_stop_the_others_and_runs_again_next_period(db, jobs):
    calls = {"坏任务": 0, "好任务": 0}

    def broken():
        calls["坏任务"] += 1
        raise RuntimeError("磁盘已满")

    def good():
        calls["好任务"] += 1
        return "完成"

    schedule.register_periodic_job("坏任务", broken, seconds=60)
    schedule.register_periodic_job("好任务", good, seconds=60)
    due = schedule.Due()
    now = at(2026, 7, 15, 10, 0, 0)
    assert {name: schedule.run(name, p) for name, p in due(now)} == {"坏任务": "failed", "好任务": "ran"}
    failed = JobRun.objects.get(job="坏任务")
    assert failed.ok is False and failed.summary == "失败：磁盘已满" and failed.finished_at is not None
    assert JobRun.objects.get(job="好任务").summary == "完成"
    # The next period is a new claim: the failed job is tried again.
    assert {name: schedule.run(name, p) for name, p in due(now + dt.timedelta(minutes=1))} == {
        "坏任务": "failed",
        "好任务": "ran",
    }
    assert calls == {"坏任务": 2, "好任务": 2}


@override_settings(ANLAN_DAILY_JOBS_EMBEDDED=False)
def test_daily_jobs_are_left_to_cron_when_turned_off(jobs):
    schedule.register_periodic_job("每分钟", lambda: None, seconds=60)
    daily.register_daily_job("隐患逾期", lambda today: "完成")
    assert list(schedule.scheduled_jobs()) == ["每分钟"]


def test_the_apps_register_the_offline_watch_every_minute():
    job = schedule.periodic_jobs()["监测离线检查"]
    assert job.seconds == 60
    assert {"隐患逾期", "巡查任务", "监测数据保留", "定时任务记录清理"} <= set(daily.daily_jobs())


def test_runs_older_than_thirty_days_are_forgotten(db):
    old = JobRun.objects.create(job="监测离线检查", period=1)
    JobRun.objects.filter(pk=old.pk).update(started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    recent = JobRun.objects.create(job="监测离线检查", period=2)
    assert schedule.prune_job(dt.date.today()) == "删除 1 条定时任务运行记录"
    assert list(JobRun.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_queue_is_redis_when_configured_and_sqlite_in_the_data_directory_otherwise(tmp_path):
    from huey import RedisHuey, SqliteHuey

    assert isinstance(scheduler.make_engine("redis://127.0.0.1:6379/0", tmp_path).huey, RedisHuey)
    embedded = scheduler.make_engine("", tmp_path / "data")
    assert isinstance(embedded.huey, SqliteHuey) and (tmp_path / "data" / "huey.sqlite3").exists()
