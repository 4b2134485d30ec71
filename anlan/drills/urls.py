"""Pages of the drills app: each part has its own urls module, included here (urls_drills: drills, problems,
compliance; drill mode adds urls_mode)."""

from django.urls import include, path

from . import urls_drills
from .urls_mode import urlpatterns as mode_patterns

app_name = "drills"

urlpatterns: list = [
    path("", include(urls_drills.urlpatterns)),
    *mode_patterns,
]
