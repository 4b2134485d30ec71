"""Pages of the consultations app: each part has its own urls module, included here."""

app_name = "consultations"

urlpatterns: list = []
