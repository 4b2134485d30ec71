"""Pages of the consultations app (会商研判)."""

from django.urls import path

from . import views

app_name = "consultations"

urlpatterns: list = [
    path("", views.consultation_list, name="list"),
    path("start/", views.consultation_start, name="start"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/record/", views.consultation_record, name="record"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/decisions/<int:decision_pk>/link/", views.decision_link, name="decision_link"),
    path("<int:pk>/decisions/<int:decision_pk>/deploy/", views.decision_deploy, name="decision_deploy"),
    path("<int:pk>/close/", views.consultation_close, name="close"),
    path("<int:pk>/minutes.docx", views.minutes_docx, name="minutes"),
]
