"""URLs of the 核心指标 part: the board, an indicator's page, 重新计算, evidence (the kit pages of every kpi model are
included once, in kpi/urls.py)."""

from django.urls import path

from . import views_indicators as views

urlpatterns = [
    path("indicators/", views.indicator_board, name="indicator_board"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator_page"),
    path("indicators/recompute/", views.indicator_recompute, name="indicator_recompute"),
    path("indicators/<int:pk>/values/<int:value_pk>/evidence/", views.value_evidence, name="value_evidence"),
]
