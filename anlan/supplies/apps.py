from django.apps import AppConfig


class SuppliesConfig(AppConfig):
    name = "anlan.supplies"
    label = "supplies"
    verbose_name = "应急物资"

    def ready(self):
        from . import api, layers, views  # noqa: F401
