from anlan.core.views import kit_urlpatterns

app_name = "plans"

urlpatterns = [*kit_urlpatterns("plans")]
