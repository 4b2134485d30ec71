"""URLs of the cases part (penalty cases, under /enforcement/cases/)."""

from django.urls import path

from . import views_cases

urlpatterns = [
    path("cases/", views_cases.case_list, name="case_list"),
    path("cases/due/", views_cases.case_list, {"due": True}, name="case_due"),
    path("cases/new/", views_cases.case_create, name="case_create"),
    path("cases/<int:pk>/", views_cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/<slug:action>/", views_cases.case_step, name="case_step"),
]
