"""Daily jobs (overdue hazards, missed patrols …): registered by apps, run by `anlan daily-jobs` from cron,
or by the embedded scheduler inside `anlan serve`: once at start (to catch up after downtime) and then
every day after ANLAN_DAILY_HOUR (local time). Every job is idempotent, so running one twice is harmless.
"""

import datetime as dt
import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .embedded import EmbeddedService, register_service

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable[[dt.date], str]] = {}


def register_daily_job(name: str, job: Callable[[dt.date], str]) -> None:
    """`job(today)` does the day's work and returns a one-line Chinese summary."""
    _JOBS[name] = job


def daily_jobs() -> dict[str, Callable[[dt.date], str]]:
    return dict(_JOBS)


def run_daily_jobs(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Run every job; one failing job is logged and reported, the others still run."""
    today = today or timezone.localdate()
    results = []
    for name, job in _JOBS.items():
        try:
            results.append((name, job(today)))
        except Exception as exc:
            log.exception("daily job %s failed", name)
            results.append((name, f"失败：{exc}"))
    return results


def _due(last_run: dt.date | None, now: dt.datetime, hour: int) -> bool:
    if last_run is None:
        return True
    return now.date() > last_run and now.hour >= hour


def scheduler(stop: threading.Event, poll_seconds: float = 60.0) -> None:
    last_run = None
    while not stop.is_set():
        now = timezone.localtime()
        if _due(last_run, now, settings.ANLAN_DAILY_HOUR):
            try:
                for name, summary in run_daily_jobs(now.date()):
                    log.warning("daily job %s: %s", name, summary)
            finally:
                close_old_connections()
            last_run = now.date()
        stop.wait(poll_seconds)


register_service(EmbeddedService("daily-jobs", scheduler, enabled=lambda: settings.ANLAN_DAILY_JOBS_EMBEDDED))
