from anlan.core.views import kit_urlpatterns

from .urls_response import urlpatterns as response_urlpatterns

app_name = "plans"

urlpatterns = [*response_urlpatterns, *kit_urlpatterns("plans")]
