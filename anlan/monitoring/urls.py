from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "monitoring"

urlpatterns = [
    path("sensor/<int:pk>/chart/", views.sensor_chart, name="sensor_chart"),
    path("alarm/<int:pk>/chart/", views.alarm_chart, name="alarm_chart"),
    path("alarm/<int:pk>/acknowledge/", views.alarm_acknowledge, name="alarm_acknowledge"),
    *kit_urlpatterns("monitoring"),
]
