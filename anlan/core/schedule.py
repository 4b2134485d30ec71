"""Periodic jobs: apps register them at `ready()`; the scheduler runs each once per period.

This module is the one interface apps use (`register_periodic_job`); how jobs are run (embedded thread,
task queue) is decided below it, so an app never knows which engine runs it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # unique, Chinese, shown in logs and `anlan daily-jobs`
    func: Callable[[], object]  # idempotent: running it twice in one period is harmless
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
    """Run one job now (the engine calls this; a failure is logged and re-raised to the engine)."""
    job = _PERIODIC[name]
    try:
        return job.func()
    except Exception:
        log.exception("periodic job %s failed", name)
        raise
