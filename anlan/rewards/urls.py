from anlan.core.views import kit_urlpatterns

app_name = "rewards"

urlpatterns = [
    *kit_urlpatterns("rewards"),
]
