"""Pages of the kpi app under /kpi/: each part its own urls module, included here as it lands."""

app_name = "kpi"

urlpatterns: list = []
