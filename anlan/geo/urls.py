from django.urls import path, re_path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "geo"

urlpatterns = [
    path("map/", views.map_view, name="map"),
    path("map/search/", views.map_search, name="map_search"),
    *kit_urlpatterns("geo"),
]

tile_urlpatterns = [re_path(r"^tiles/(?P<path>.+)$", views.tile, name="tile")]
