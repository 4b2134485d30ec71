"""URLs of 一公开 and credit (names prefixed credit_ / the kit's <model>_…): /enforcement/credit/ (the
严重失信主体名单, 信用修复, the publication desk) and /enforcement/violations/ (违法行为信息库)."""

from django.urls import path

from anlan.core import converters  # noqa: F401  (rowid)

from . import views_credit as views

urlpatterns = [
    path("credit/add/", views.listing_add, name="credit_listing_add"),
    path("credit/<rowid:pk>/decision/", views.listing_decision, name="credit_listing_decision"),
    path("credit/<rowid:pk>/repair/", views.repair_apply, name="credit_repair_apply"),
    path("credit/repairs/<rowid:pk>/decide/", views.repair_decide, name="credit_repair_decide"),
    path("credit/publication/", views.publication, name="credit_publication"),
    path("credit/publication/<rowid:pk>/publish/", views.publish, name="credit_publish"),
    *views.kit_paths(),
]
