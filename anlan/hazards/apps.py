from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "anlan.hazards"
    label = "hazards"
    verbose_name = "隐患排查治理"

    def ready(self):
        from . import api, layers, views  # noqa: F401
