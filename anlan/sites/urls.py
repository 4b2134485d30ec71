from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "sites"

urlpatterns = [
    path("patrols/", views.patrols, name="patrols"),
    path("patrols/<int:pk>/check-in/", views.check_in, name="check_in"),
    *kit_urlpatterns("sites"),
]
