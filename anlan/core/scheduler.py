"""The engine under core.schedule: a huey consumer (scheduler thread + worker threads) inside `anlan serve`
(embedded default, unless ANLAN_EMBEDDED_WORKER=false) and inside every `anlan worker`.

Storage: Redis when ANLAN_REDIS_URL is set (one queue shared by every process), else SQLite in the data
directory (`huey.sqlite3`, one queue per machine). Either way the database claim in core.schedule makes each
job run once per period; the queue only carries the runs to the worker threads.

huey's periodic tasks are crontab-based and checked once a minute; our periods are in seconds (the offline
watch every 60 s aligned to the clock, 2 s in the multi-process test), so the scheduler thread checks every
second and queues the (job, period) runs that `schedule.Due` says have begun. The consumer is built from
huey's own classes but started without `Consumer.run()`, which would take over the process's signals: `serve`
and `worker` own those and stop the engine through the service's stop event.
"""

import functools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from huey import Huey
from huey.api import TaskWrapper
from huey.consumer import Consumer, Scheduler

from . import schedule
from .embedded import EmbeddedService, register_service

log = logging.getLogger(__name__)

WORKER_THREADS = 2  # a long daily job does not hold up the offline watch


@dataclass(frozen=True)
class Engine:
    huey: Huey
    run_task: TaskWrapper  # run_task.s(name, period): schedule.run(name, period) on a worker thread


def run_on_worker_thread(name: str, period: int) -> str:
    """A worker thread lives as long as the process: like a request, each run starts and ends by dropping a
    connection that is broken or past ANLAN_DB_CONN_MAX_AGE."""
    close_old_connections()
    try:
        return schedule.run(name, period)
    finally:
        close_old_connections()


def make_engine(redis_url: str, data_dir: Path) -> Engine:
    if redis_url:
        from huey import RedisHuey

        huey = RedisHuey("anlan", url=redis_url, results=False)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        from huey import SqliteHuey

        huey = SqliteHuey("anlan", filename=str(data_dir / "huey.sqlite3"), results=False)
    run_task = huey.task(name="anlan.scheduled_job")(run_on_worker_thread)
    return Engine(huey, run_task)


@functools.cache
def engine() -> Engine:
    return make_engine(settings.ANLAN_REDIS_URL, settings.DATA_DIR)


class PeriodScheduler(Scheduler):
    """huey's scheduler thread (it also moves delayed tasks to the queue), checking our periods every second."""

    periodic_task_seconds = 1

    def __init__(self, *args, run_task: TaskWrapper, **kwargs):
        super().__init__(*args, **kwargs)
        self.run_task = run_task
        self.due = schedule.Due()

    def enqueue_periodic_tasks(self, now):
        # No crontab tasks are registered (apps use core.schedule), so huey's own check is not called: at a
        # one-second cadence it would queue a crontab task up to sixty times in its minute.
        try:
            for name, period in self.due():
                self.huey.enqueue(self.run_task.s(name, period))
        except Exception:
            log.exception("could not queue scheduled jobs; trying again in a second")


class EngineConsumer(Consumer):
    def __init__(self, engine: Engine, **kwargs):
        self.engine = engine
        super().__init__(engine.huey, **kwargs)

    def _create_scheduler(self):
        return PeriodScheduler(
            huey=self.huey,
            stop_flag=self.stop_flag,
            interval=self.scheduler_interval,
            periodic=True,
            run_task=self.engine.run_task,
        )


def run_scheduler(stop: threading.Event, engine_: Engine | None = None) -> None:
    """Run the engine until `stop` is set; the run in progress on each worker thread is finished."""
    consumer = EngineConsumer(
        engine_ or engine(),
        workers=WORKER_THREADS,
        worker_type="thread",
        scheduler_interval=1,
        max_delay=1.0,  # an idle worker looks at the queue at least every second
        check_worker_health=False,
        shutdown_timeout=30,
    )
    threads = [consumer.scheduler, *(thread for _, thread in consumer.worker_threads)]
    for thread in threads:
        thread.start()
    stop.wait()
    consumer.stop(graceful=True)


register_service(EmbeddedService("scheduler", run_scheduler))
