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


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("csp-report/", csp.csp_report, name="csp_report"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("audit/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    # The registry-kit pages of core's own registrations (the 节假日与调休 calendar): /system/calendarday/ …
    path("system/", include(views.kit_urlpatterns("core"))),
]
