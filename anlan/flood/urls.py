from anlan.core.views import kit_urlpatterns

app_name = "flood"

urlpatterns = [
    *kit_urlpatterns("flood"),
]
