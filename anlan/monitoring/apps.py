from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anlan.monitoring"
    label = "monitoring"
    verbose_name = "监测预警"

    def ready(self):
        from anlan.core.daily import register_daily_job
        from anlan.core.schedule import register_periodic_job

        from . import api, duty_items, layers, mqtt, services, views  # noqa: F401

        duty_items.register()  # alarms not closed: open items of a duty handover; the day's alarms

        register_daily_job("监测数据保留", services.retention_job)
        # PostgreSQL: the raw readings' monthly partitions, the current month and three ahead.
        register_daily_job("监测数据分区", services.partition_job)
        # Sensors silent longer than their offline rule open an offline alarm (data arriving closes it again,
        # in the ingest path).
        register_periodic_job("监测离线检查", services.offline_check, seconds=60)
