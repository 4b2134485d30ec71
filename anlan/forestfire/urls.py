from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "forestfire"

urlpatterns = [
    path("levels/", views.levels, name="levels"),
    path("levels/<int:pk>/warning/", views.level_warning, name="level_warning"),
    path("permits/apply/", views.permit_apply, name="permit_apply"),
    path("permits/<int:pk>/view/", views.permit, name="permit"),
    path("permits/<int:pk>/decide/", views.permit_decide, name="permit_decide"),
    path("fire-report/", views.fire_report, name="fire_report"),
    path("missed/", views.missed, name="missed"),
    *kit_urlpatterns("forestfire"),
]
