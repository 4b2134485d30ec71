from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "supplies"

urlpatterns = [
    path("move/", views.movement_create, name="move"),
    path("alerts/", views.alerts, name="alerts"),
    path("adequacy/", views.adequacy, name="adequacy"),
    *kit_urlpatterns("supplies"),
]
