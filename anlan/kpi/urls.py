"""Pages of the kpi app under /kpi/: each part its own urls module, included here as it lands."""

from django.urls import include, path

from anlan.core.views import kit_urlpatterns

from . import urls_indicators

app_name = "kpi"

urlpatterns: list = [
    path("", include(urls_indicators.urlpatterns)),
    # The registry-kit pages of every kpi model (indicator/, yearbase/, …), included once for all parts.
    *kit_urlpatterns("kpi"),
]
