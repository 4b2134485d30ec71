"""Pages of the kpi app under /kpi/: each part its own urls module, included here as it lands."""

from django.urls import include, path

from anlan.core.views import kit_urlpatterns

from . import urls_assessment, urls_duties, urls_indicators, urls_tasks

app_name = "kpi"

urlpatterns: list = [
    path("", include(urls_indicators.urlpatterns)),
    path("", include(urls_assessment.urlpatterns)),
    path("", include(urls_duties.urlpatterns)),
    path("", include(urls_tasks.urlpatterns)),
    # The registry-kit pages of every kpi model (indicator/, yearbase/, …), included once for all parts, last so
    # that a part's own pages win where a path would match both.
    *kit_urlpatterns("kpi"),
]
