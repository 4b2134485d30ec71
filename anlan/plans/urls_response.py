from django.urls import path

from . import views_response as views

urlpatterns = [
    path("response/", views.response_tables, name="response_tables"),
    path("<int:pk>/response/", views.response_table, name="response_table"),
    path("<int:pk>/response/add/", views.row_add, name="response_row_add"),
    path("<int:pk>/response/<int:row_pk>/edit/", views.row_edit, name="response_row_edit"),
    path("<int:pk>/response/<int:row_pk>/delete/", views.row_delete, name="response_row_delete"),
    path("<int:pk>/response/export.xlsx", views.table_export, name="response_export"),
    path("<int:pk>/response/import/", views.table_import, name="response_import"),
]
