from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "anlan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import api, daily, views  # noqa: F401  (register the audit view, API and daily scheduler)
