"""URLs of the inspections part (see urls.py): /enforcement/inspections/… and the checklist kit pages
/enforcement/checklist/…, /enforcement/checklistitem/…."""

from django.urls import path

from anlan.core.kit import config_for
from anlan.core.views import model_urlpatterns

from . import views_inspections as views
from .models import Checklist, ChecklistItem

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/start/", views.inspection_start, name="inspection_start"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/answers/", views.inspection_answers, name="inspection_answers"),
    path("inspections/<int:pk>/findings/add/", views.finding_edit, name="inspection_finding_add"),
    path("inspections/<int:pk>/findings/<int:finding_pk>/", views.finding_edit, name="inspection_finding_edit"),
    path(
        "inspections/<int:pk>/findings/<int:finding_pk>/delete/",
        views.finding_delete,
        name="inspection_finding_delete",
    ),
    path("inspections/<int:pk>/sign/", views.inspection_sign, name="inspection_sign"),
    path("inspections/<int:pk>/refuse/", views.inspection_refuse, name="inspection_refuse"),
    path("inspections/<int:pk>/complete/", views.inspection_complete, name="inspection_complete"),
    path("inspections/<int:pk>/close/", views.inspection_close, name="inspection_close"),
    path("inspections/photos/<int:photo_pk>/", views.finding_photo, name="inspection_photo"),
    path("inspections/signatures/<int:signature_pk>/", views.signature_image, name="inspection_signature"),
    *model_urlpatterns(config_for(Checklist)),
    *model_urlpatterns(config_for(ChecklistItem)),
]
