"""URLs of the 考核 part (see urls.py): schemes, a scheme's items and steps, a unit's sheet and its scores."""

from django.urls import path

from . import views_assessment as views

urlpatterns = [
    path("assessment/", views.scheme_list, name="assessment_schemes"),
    path("assessment/<int:pk>/", views.scheme_detail, name="assessment_scheme"),
    path("assessment/<int:pk>/items/", views.item_add, name="assessment_item_add"),
    path("assessment/<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="assessment_item_delete"),
    path("assessment/<int:pk>/<slug:action>/", views.scheme_step, name="assessment_scheme_step"),
    path("assessment/sheet/<int:pk>/", views.sheet_detail, name="assessment_sheet"),
    path("assessment/sheet/<int:pk>/score/<int:score_pk>/self/", views.score_self, name="assessment_score_self"),
    path("assessment/sheet/<int:pk>/score/<int:score_pk>/review/", views.score_review, name="assessment_score_review"),
    path("assessment/sheet/<int:pk>/score/<int:score_pk>/evidence/", views.score_evidence, name="assessment_evidence"),
    path("assessment/sheet/<int:pk>/step/<slug:action>/", views.sheet_step, name="assessment_sheet_step"),
]
