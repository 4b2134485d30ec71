"""Drill mode (模拟推演) pages, under drills/mode/ in the drills namespace."""

from django.urls import path

from . import views_mode as views

urlpatterns = [
    path("mode/", views.index, name="mode_index"),
    path("mode/<int:pk>/", views.console, name="mode_console"),
    path("mode/<int:pk>/start/", views.start, name="mode_start"),
    path("mode/<int:pk>/end/", views.end, name="mode_end"),
    path("mode/<int:pk>/fire/", views.fire_due, name="mode_fire"),
    path("mode/<int:pk>/injects/<int:inject_pk>/fire/", views.fire_one, name="mode_fire_one"),
    path("mode/<int:pk>/storm/", views.storm, name="mode_storm"),
    path("mode/<int:pk>/injects/", views.inject_add, name="mode_inject_add"),
    path("mode/<int:pk>/ack/", views.acknowledge, name="mode_ack"),
]
