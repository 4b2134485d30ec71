from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "anlan.sites"
    label = "sites"
    verbose_name = "灾害隐患点与巡查"

    def ready(self):
        from anlan.core.daily import register_daily_job

        from . import api, layers, services, views  # noqa: F401

        register_daily_job("巡查任务", services.patrols_job)
