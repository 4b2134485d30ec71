from django.urls import path

from . import csp, views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
]
