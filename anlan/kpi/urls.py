"""Pages of the kpi app under /kpi/: each part its own urls module, included here as it lands."""

from django.urls import include, path

from . import urls_tasks

app_name = "kpi"

urlpatterns: list = [
    path("", include(urls_tasks.urlpatterns)),
]
