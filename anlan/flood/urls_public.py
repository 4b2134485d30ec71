"""The public 防汛责任人 公示 (no login), mounted at /p/flood/: /p/flood/<county code>/."""

from django.urls import path

from . import views

app_name = "flood_public"

urlpatterns = [
    path("<str:code>/", views.public_board, name="board"),
]
