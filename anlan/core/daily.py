"""Daily jobs (overdue hazards, missed patrols …): registered by apps, run by `anlan daily-jobs` from cron,
or by the scheduler (core.schedule, inside `anlan serve` and `anlan worker`) once per day after
ANLAN_DAILY_HOUR (local time), catching up at start when a day's run was missed. Every job is idempotent,
so running one twice (cron and the scheduler, say) is harmless.
"""

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone

log = logging.getLogger(__name__)

_JOBS: dict[str, Callable[[dt.date], str]] = {}


def register_daily_job(name: str, job: Callable[[dt.date], str]) -> None:
    """`job(today)` does the day's work and returns a one-line Chinese summary."""
    _JOBS[name] = job


def daily_jobs() -> dict[str, Callable[[dt.date], str]]:
    return dict(_JOBS)


def run_daily_job(name: str, today: dt.date | None = None) -> str:
    return _JOBS[name](today or timezone.localdate())


def run_daily_jobs(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Run every job; one failing job is logged and reported, the others still run."""
    today = today or timezone.localdate()
    results = []
    for name in _JOBS:
        try:
            results.append((name, run_daily_job(name, today)))
        except Exception as exc:
            log.exception("daily job %s failed", name)
            results.append((name, f"失败：{exc}"))
    return results


def daily_period(now: dt.datetime, hour: int) -> dt.date:
    """The day whose run is due at `now`: today once the local hour has come, else yesterday. A process
    starting at 00:30 with hour 1 therefore still owes yesterday's run if nobody made it (catch-up)."""
    return now.date() if now.hour >= hour else now.date() - dt.timedelta(days=1)
