"""Public pages (no login): 一公开 results and the 严重失信主体名单."""

from django.urls import path

from . import views_credit as views

app_name = "enforcement_public"

urlpatterns = [
    path("", views.public_results, name="results"),
    path("credit/", views.public_credit, name="credit"),
]
