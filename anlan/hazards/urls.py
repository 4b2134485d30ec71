from anlan.core.views import kit_urlpatterns

app_name = "hazards"

urlpatterns = [*kit_urlpatterns("hazards")]
