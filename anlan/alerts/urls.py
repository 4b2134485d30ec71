from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "alerts"

urlpatterns = [
    path("warnings/compose/", views.compose_view, name="compose"),
    path("warnings/<int:pk>/compose/", views.compose_view, name="compose_edit"),
    path("warnings/<int:pk>/steps/", views.steps_view, name="warning_steps"),
    path("warnings/<int:pk>/steps/<str:action>/", views.step_action, name="warning_step"),
    path("warnings/<int:pk>/cap.xml", views.cap_view, name="warning_cap"),
    path("warnings/<int:pk>/board/", views.board_view, name="warning_board"),
    path("warnings/tasks/mine/", views.my_tasks, name="my_tasks"),
    *kit_urlpatterns("alerts"),
]
