from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "anlan.alerts"
    label = "alerts"
    verbose_name = "预警发布"

    def ready(self):
        from anlan.core.daily import register_daily_job

        from . import api, outbox, public, views  # noqa: F401

        register_daily_job("公众订阅清理", public.unconfirmed_cleanup_job)
