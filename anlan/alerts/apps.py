from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "anlan.alerts"
    label = "alerts"
    verbose_name = "预警发布"

    def ready(self):
        from . import api, outbox, views  # noqa: F401
