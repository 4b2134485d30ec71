"""Pages of the drills app: each part has its own urls module, included here."""

app_name = "drills"

urlpatterns: list = []
