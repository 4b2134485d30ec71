"""Scheduled jobs: apps register them at `ready()`; the scheduler runs each once per period.

Apps use two interfaces and never see the engine: `register_periodic_job(name, func, seconds=…)` here
(offline watch, 叫应 escalation) and `core.daily.register_daily_job` (once a day after ANLAN_DAILY_HOUR).
The engine is huey (core.scheduler), run inside `anlan serve` in the embedded default and inside every
`anlan worker`.

Once per period, however many processes
---------------------------------------
Every process that runs the scheduler decides on its own that a job's period has begun (`Due`) and queues
a run of (job, period) on its huey queue. The run first inserts JobRun(job, period); the unique constraint
on that pair lets exactly one insert succeed and every other process's run of the same period is skipped
(`claim`). The guarantee therefore rests on the database all processes already share, not on the queue:
it holds with huey's SQLite storage (one queue per machine, as in a PostgreSQL deployment without Redis),
with one Redis queue shared by every process, across restarts and on SQLite and PostgreSQL alike. huey's
own lock was not enough: it lives in huey's storage (per machine without Redis) and only keeps two runs
from overlapping — it cannot tell that this period's run has already happened.

Periods are aligned to the clock so that every process computes the same number: a job every S seconds is
in period ⌊unix time / S⌋; a daily job's period is the day whose ANLAN_DAILY_HOUR has last passed
(`daily.daily_period`), so a process starting after downtime runs a missed day once, and one restarting
later the same day does not run it again.

A failing job is logged and its claim marked failed; the next period is a new claim, so it is retried
then, and the other jobs are not affected (each run is its own task). A process killed during a run
leaves the claim unfinished: that period is lost, the next one runs. Jobs must be idempotent (cron's
`anlan daily-jobs` may also run the daily ones).
"""

import contextvars
import datetime as dt
import functools
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import daily
from .models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # unique (also among the daily jobs), Chinese, shown in logs and in JobRun
    func: Callable[[], object]  # idempotent: it may also run after a missed period
    seconds: int  # period


_PERIODIC: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, func: Callable[[], object], *, seconds: int) -> None:
    """Run `func()` every `seconds` (at most once per period however many processes serve)."""
    if seconds <= 0:
        raise ValueError("period must be positive")
    _PERIODIC[name] = PeriodicJob(name, func, seconds)


def periodic_jobs() -> dict[str, PeriodicJob]:
    return dict(_PERIODIC)


def run_periodic_job(name: str) -> object:
    """Run one job now, outside the schedule (a failure is logged and re-raised)."""
    job = _PERIODIC[name]
    try:
        return job.func()
    except Exception:
        log.exception("periodic job %s failed", name)
        raise


# ---------------------------------------------------------------- what the engine runs


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    period_of: Callable[[dt.datetime], int]  # the period an aware moment falls in
    run: Callable[[], object]


def _every(seconds: int, now: dt.datetime) -> int:
    return int(now.timestamp() // seconds)


def _day(now: dt.datetime) -> int:
    return daily.daily_period(timezone.localtime(now), settings.ANLAN_DAILY_HOUR).toordinal()


def _run_daily(name: str) -> str:
    """Run a daily job for the day it was claimed for (a catch-up run at start before ANLAN_DAILY_HOUR is
    yesterday's run, not a second run of today's)."""
    period = current_period()
    day = dt.date.fromordinal(period) if period is not None else timezone.localdate()
    return daily.run_daily_job(name, day)


def scheduled_jobs() -> dict[str, ScheduledJob]:
    """Every job the scheduler runs: the periodic ones, and the daily ones unless cron runs those
    (ANLAN_DAILY_JOBS_EMBEDDED=false)."""
    jobs = {
        name: ScheduledJob(name, functools.partial(_every, job.seconds), job.func) for name, job in _PERIODIC.items()
    }
    if settings.ANLAN_DAILY_JOBS_EMBEDDED:
        for name in daily.daily_jobs():
            jobs[name] = ScheduledJob(name, _day, functools.partial(_run_daily, name))
    return jobs


class Due:
    """One process's view of which periods have begun. Each (job, period) is returned once per process;
    the first call returns every job (a process that starts runs what is owed, if no one else has)."""

    def __init__(self):
        self._queued: dict[str, int] = {}

    def __call__(self, now: dt.datetime | None = None) -> list[tuple[str, int]]:
        now = now or timezone.now()
        due = []
        for name, job in scheduled_jobs().items():
            period = job.period_of(now)
            if self._queued.get(name) != period:
                self._queued[name] = period
                due.append((name, period))
        return due


def claim(name: str, period: int) -> bool:
    """Take (job, period) for this process; False when another process (or an earlier run) has it."""
    try:
        with transaction.atomic():
            JobRun.objects.create(job=name, period=period)
    except IntegrityError:
        return False
    return True


_current_period: contextvars.ContextVar[int | None] = contextvars.ContextVar("period", default=None)


def current_period() -> int | None:
    """The period the running job was claimed for (None outside the scheduler)."""
    return _current_period.get()


def run(name: str, period: int) -> str:
    """Run one queued (job, period) if this process wins the claim: 'ran', 'skipped' or 'failed'."""
    job = scheduled_jobs().get(name)
    if job is None:  # registered in the process that queued it, not in this one (or turned off since)
        log.warning("scheduled job %s is not known here; skipped", name)
        return "skipped"
    try:
        if not claim(name, period):
            return "skipped"
        token = _current_period.set(period)
        try:
            result, ok = job.run(), True
        except Exception as exc:
            log.exception("scheduled job %s failed (period %s); it runs again next period", name, period)
            result, ok = f"失败：{exc}", False
        finally:
            _current_period.reset(token)
        JobRun.objects.filter(job=name, period=period).update(
            finished_at=timezone.now(), ok=ok, summary="" if result is None else str(result)[:2000]
        )
        if ok and result:
            log.info("scheduled job %s: %s", name, result)
        return "ran" if ok else "failed"
    except Exception:  # the database itself failed (claim or record): the next period tries again
        log.exception("scheduled job %s could not be claimed or recorded (period %s)", name, period)
        return "failed"


def prune_job(today: dt.date) -> str:
    """Daily: forget runs older than 30 days (the offline watch alone adds 1440 a day)."""
    deleted, _ = JobRun.objects.filter(started_at__lt=timezone.now() - dt.timedelta(days=30)).delete()
    return f"删除 {deleted} 条定时任务运行记录"


def probe_job() -> None:
    """ANLAN_SCHEDULE_PROBE=FILE: append "period pid" per run, to see which process ran which period (the
    multi-process test reads it; an operator can too)."""
    with open(settings.ANLAN_SCHEDULE_PROBE, "a", encoding="utf-8") as out:
        out.write(f"{current_period()} {os.getpid()}\n")
