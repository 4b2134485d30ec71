from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "resources"

urlpatterns = [
    path("shelter/<int:pk>/checks/", views.shelter_checks, name="shelter_checks"),
    *kit_urlpatterns("resources"),
]
