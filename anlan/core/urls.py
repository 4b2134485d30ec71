from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from . import csp, views

app_name = "core"


class FaviconView(RedirectView):
    """/favicon.ico, for browsers and tools that ask for it instead of reading the page's <link rel="icon">."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("anlan/favicon-32.png")


def healthz(request):
    """Liveness for a load balancer, a supervisor or `anlan bench api` (its ceiling): the process answers.
    No database, no session, no template: the cheapest request the server can answer."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """Readiness: the process answers and reaches its database (503 with the reason otherwise)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return JsonResponse({"status": "database_unavailable", "detail": str(error)[:200]}, status=503)
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    # The registry-kit pages of core's own registrations (the 节假日与调休 calendar): /system/calendarday/ …
    path("system/", include(views.kit_urlpatterns("core"))),
]
