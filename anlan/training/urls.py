"""Pages of the training app under /training/."""

app_name = "training"

urlpatterns: list = []
