"""Pages of the drills app: each part has its own urls module, included here."""

from .urls_mode import urlpatterns as mode_patterns

app_name = "drills"

urlpatterns: list = [*mode_patterns]
