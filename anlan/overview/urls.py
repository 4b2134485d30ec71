from django.urls import path

from . import views_screen

app_name = "overview"

urlpatterns: list = [
    path("screen/", views_screen.screen_page, name="screen"),
    path("screen/data/", views_screen.screen_data, name="screen_data"),
    path("screen/boundaries/", views_screen.screen_boundaries, name="screen_boundaries"),
]
