from django.urls import include, path

app_name = "duty"

urlpatterns = [
    path("", include("anlan.duty.urls_log")),
]
