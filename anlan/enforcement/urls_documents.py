"""URLs of the enforcement documents (see urls.py): the list, the Word download, the 文书编号规则."""

from django.urls import path

from . import views_documents as views

urlpatterns = [
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/numbering/", views.document_numbering, name="document_numbering"),
]
