"""Pages of the kpi app under /kpi/: each part its own urls module, included here as it lands."""

from django.urls import include, path

from . import urls_assessment, urls_duties

app_name = "kpi"

urlpatterns: list = [
    path("", include(urls_assessment.urlpatterns)),
    path("", include(urls_duties.urlpatterns)),
]
