"""避险转移 pages, mounted at disasters/transfer/ (namespace "transfer")."""

from django.urls import path

from . import views_transfer as views

app_name = "transfer"

urlpatterns = [
    path("", views.board, name="board"),
    path("mine/", views.my_tasks, name="my_tasks"),
    path("open/", views.open_site, name="open_site"),
    path("<int:pk>/", views.activation_detail, name="activation"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/households/<int:household_pk>/mark/", views.mark, name="mark"),
    path("incident/<int:pk>/open/", views.open_incident, name="open_incident"),
]
