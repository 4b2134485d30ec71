from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anlan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.conf import settings

        from . import api, checks, imports, schedule, scheduler, views, views_calendar  # noqa: F401  (audit, API, workers, calendar, checks)
        from .audit import checkpoint_job
        from .daily import register_daily_job

        register_daily_job("定时任务记录清理", schedule.prune_job)
        # A signed checkpoint a day, outside the database, bounds what a truncation could hide to one day.
        register_daily_job("审计链检查点", checkpoint_job)
        if settings.ANLAN_SCHEDULE_PROBE:
            schedule.register_periodic_job(
                "调度探针", schedule.probe_job, seconds=settings.ANLAN_SCHEDULE_PROBE_SECONDS
            )
