from anlan.core.views import kit_urlpatterns

app_name = "alerts"

urlpatterns = [*kit_urlpatterns("alerts")]
