from django.apps import AppConfig


class KpiConfig(AppConfig):
    """考核与任务: the plan's core indicators computed from the apps below (or entered), the 重点任务分工 with
    progress reports and reminders, the annual 考核 sheets, and the 职责清单/工作清单 with the public 公示 of
    responsible persons. It reads every domain app (above them), below the 工作台 that shows its figures."""

    name = "anlan.kpi"
    label = "kpi"
    verbose_name = "考核与任务"

    def ready(self):
        import importlib
        import pkgutil

        from . import calculators

        # Every module in kpi/calculators registers its calculators (kpi.computed) when imported.
        for module in pkgutil.iter_modules(calculators.__path__):
            importlib.import_module(f"{calculators.__name__}.{module.name}")

        # 重点任务分工: pages and API routes, the daily reminders (kpi.reminders).
        from anlan.core.daily import register_daily_job

        from . import api_tasks, reminders, views_tasks  # noqa: F401

        register_daily_job("重点任务提醒", reminders.reminder_job)
