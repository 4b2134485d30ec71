from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anlan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import api, daily, views  # noqa: F401  (register the audit view, API and daily scheduler)
        from .audit import checkpoint_job

        # core.daily rather than core.schedule: the daily runner (cron `anlan daily-jobs`, embedded in
        # `anlan serve`) exists today; a checkpoint a day bounds what truncation could hide to one day.
        daily.register_daily_job("审计链检查点", checkpoint_job)
