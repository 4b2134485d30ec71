"""URLs of the duty log, handovers, daily reports and the 值班日报 (included by duty/urls.py)."""

from django.urls import path

from . import views_log as views

urlpatterns = [
    path("log/", views.log_list, name="log_list"),
    path("log/add/", views.log_add, name="log_add"),
    path("log/<int:pk>/", views.log_detail, name="log_detail"),
    path("log/<int:pk>/edit/", views.log_edit, name="log_edit"),
    path("log/<int:pk>/hazard/", views.log_hazard, name="log_hazard"),
    path("handover/", views.handover_list, name="handover_list"),
    path("handover/write/", views.handover_write, name="handover_write"),
    path("handover/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("daily/", views.daily_reports, name="daily_reports"),
    path("daily/day/", views.duty_day, name="duty_day"),
]
