from anlan.core.views import kit_urlpatterns

app_name = "geohazard"

urlpatterns = [
    *kit_urlpatterns("geohazard"),
]
