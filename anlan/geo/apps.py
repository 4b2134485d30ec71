from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "anlan.geo"
    label = "geo"
    verbose_name = "行政区划与地图"

    def ready(self):
        from . import api, layers, views  # noqa: F401  (register API, map layers, registry views)
