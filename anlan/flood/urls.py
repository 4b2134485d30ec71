from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "flood"

urlpatterns = [
    path("board/", views.board, name="board"),
    path("duty/", views.duty, name="duty"),
    path("duty/import/", views.duty_import, name="duty_import"),
    path("duty/template/", views.duty_template, name="duty_template"),
    path("duty/export/", views.duty_export, name="duty_export"),
    path("duty/<int:pk>/remove/", views.duty_remove, name="duty_remove"),
    path("reservoir/<int:pk>/duty/", views.reservoir_duty, name="reservoir_duty"),
    path("dike/<int:pk>/duty/", views.dike_duty, name="dike_duty"),
    path("zone/<int:pk>/duty/", views.site_duty, name="site_duty"),
    path("thresholds/add/", views.threshold_add, name="threshold_add"),
    path("thresholds/<int:pk>/set/", views.threshold_edit, name="threshold_edit"),
    *kit_urlpatterns("flood"),
]
