from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anlan.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from anlan.core.daily import register_daily_job

        from . import api, layers, services, views  # noqa: F401

        register_daily_job("隐患逾期", services.overdue_job)
