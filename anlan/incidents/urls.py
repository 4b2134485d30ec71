from django.urls import path, re_path
from django.views.generic import RedirectView

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "incidents"

urlpatterns = [
    path("intake/", views.intake, name="intake"),
    path("intake/alarm/<int:pk>/", views.intake_from_alarm, name="intake_from_alarm"),
    path("intake/hazard/<int:pk>/", views.intake_from_hazard, name="intake_from_hazard"),
    path("<int:pk>/", views.workspace, name="workspace"),
    path("<int:pk>/map/", views.command_map, name="command_map"),
    path("<int:pk>/situation.json", views.situation_json, name="situation"),
    path("<int:pk>/brief.docx", views.brief_docx, name="brief"),
    path("<int:pk>/reports/<int:report_pk>.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/attachments/<int:entry_pk>/", views.attachment, name="attachment"),
    path("orders/<int:pk>/feedback/", views.order_feedback, name="order_feedback"),
    # Incident kinds moved to plans (ARCHITECTURE.md): old links and bookmarks still arrive.
    re_path(
        r"^incidentkind/(?P<rest>.*)$",
        RedirectView.as_view(url="/plans/incidentkind/%(rest)s", permanent=True, query_string=True),
    ),
    *kit_urlpatterns("incidents"),
]
