"""重点任务分工 pages under /kpi/tasks/."""

from django.urls import path

from . import views_tasks as views

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/import/", views.task_import, name="task_import"),
    path("tasks/import/template/", views.task_template, name="task_template"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/report/", views.task_report, name="task_report"),
    path("tasks/<int:pk>/reports/<int:report_pk>/attachment/", views.report_attachment, name="task_report_attachment"),
]
