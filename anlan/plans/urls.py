from django.urls import path

from anlan.core import converters  # noqa: F401  (rowid)
from anlan.core.views import kit_urlpatterns

from . import views_lifecycle as v
from .urls_response import urlpatterns as response_urlpatterns

app_name = "plans"

# The plan pages of the life cycle (views_lifecycle) keep the registry kit's URL names (plan_list, plan_detail,
# plan_add, plan_edit) so links made before them still work; incident kinds and actions stay on the kit.
urlpatterns = [
    path("plan/", v.plan_list, name="plan_list"),
    path("plan/add/", v.plan_form, name="plan_add"),
    path("plan/<rowid:pk>/", v.plan_detail, name="plan_detail"),
    path("plan/<rowid:pk>/edit/", v.plan_form, name="plan_edit"),
    path("plan/<rowid:pk>/versions/", v.version_add, name="version_add"),
    path("plan/<rowid:pk>/versions/<int:number>/", v.version_file, name="version_file"),
    path("plan/<rowid:pk>/publish/", v.plan_publish, name="plan_publish"),
    path("plan/<rowid:pk>/evaluations/", v.evaluation_add, name="evaluation_add"),
    path("plan/<rowid:pk>/triggers/", v.trigger_add, name="trigger_add"),
    path("plan/<rowid:pk>/filings/", v.filing_submit, name="filing_submit"),
    path("evaluations/<rowid:pk>/report/", v.evaluation_report, name="evaluation_report"),
    path("filings/", v.filing_queue, name="filing_queue"),
    path("filings/<rowid:pk>/form.docx", v.registration_form, name="registration_form"),
    path("filings/<rowid:pk>/<str:step>/", v.filing_check, name="filing_check"),
    *response_urlpatterns,
    *kit_urlpatterns("plans"),
]
