from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "anlan.sites"
    label = "sites"
    verbose_name = "灾害隐患点与巡查"

    def ready(self):
        from . import api, layers, views  # noqa: F401
