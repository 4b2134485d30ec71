"""URLs of the 考核 part (see urls.py): schemes, a scheme's items and steps, a unit's sheet and its scores."""

from django.urls import path

import anlan.core.converters  # noqa: F401  (registers <rowid:…> and <regioncode:…>)

from . import views_assessment as views

SHEET = "assessment/sheet/<rowid:pk>/"

urlpatterns = [
    path("assessment/", views.scheme_list, name="assessment_schemes"),
    path("assessment/<rowid:pk>/", views.scheme_detail, name="assessment_scheme"),
    path("assessment/<rowid:pk>/items/", views.item_add, name="assessment_item_add"),
    path("assessment/<rowid:pk>/items/<rowid:item_pk>/delete/", views.item_delete, name="assessment_item_delete"),
    path("assessment/<rowid:pk>/<slug:action>/", views.scheme_step, name="assessment_scheme_step"),
    path("assessment/sheet/<rowid:pk>/", views.sheet_detail, name="assessment_sheet"),
    path(SHEET + "score/<rowid:score_pk>/self/", views.score_self, name="assessment_score_self"),
    path(SHEET + "score/<rowid:score_pk>/review/", views.score_review, name="assessment_score_review"),
    path(SHEET + "score/<rowid:score_pk>/evidence/", views.score_evidence, name="assessment_evidence"),
    path(SHEET + "step/<slug:action>/", views.sheet_step, name="assessment_sheet_step"),
]
