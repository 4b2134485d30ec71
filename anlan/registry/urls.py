from anlan.core.views import kit_urlpatterns

app_name = "registry"

urlpatterns = kit_urlpatterns("registry")
