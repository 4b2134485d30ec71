from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "anlan.geo"
    label = "geo"
    verbose_name = "行政区划与地图"

    def ready(self):
        from anlan.core.regions import register_region_model

        from . import api, layers, views  # noqa: F401  (register API, map layers, registry views)
        from .models import Region

        register_region_model(Region)
