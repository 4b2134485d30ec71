from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anlan.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from anlan.core.daily import register_daily_job

        from . import api, layers, mqtt, services, views, watch  # noqa: F401

        register_daily_job("监测数据保留", services.retention_job)
