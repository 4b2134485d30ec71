"""URLs of the drills part (see urls.py): drills, their steps, problems and the compliance table."""

from django.urls import path

from . import views_drills as views

urlpatterns = [
    path("", views.drill_list, name="drill_list"),
    path("add/", views.drill_create, name="drill_create"),
    path("<int:pk>/", views.drill_detail, name="drill_detail"),
    path("<int:pk>/edit/", views.drill_edit, name="drill_edit"),
    path("<int:pk>/record/", views.drill_record, name="drill_record"),
    path("<int:pk>/cancel/", views.drill_cancel, name="drill_cancel"),
    path("<int:pk>/log/", views.log_add, name="log_add"),
    path("<int:pk>/log/<int:entry_pk>/photo/", views.log_photo, name="log_photo"),
    path("<int:pk>/evaluate/", views.drill_evaluate, name="drill_evaluate"),
    path("<int:pk>/problems/", views.problem_add, name="problem_add"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/<int:problem_pk>/done/", views.problem_done, name="problem_done"),
    path("compliance/", views.compliance_page, name="compliance"),
]
