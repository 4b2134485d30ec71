from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "anlan.risk"
    label = "risk"
    verbose_name = "风险分级"

    def ready(self):
        from . import api, layers, views  # noqa: F401
