"""URLs of the registers, photos and exports of a process (names in the "disasters" namespace; the app's
urls.py includes this module with one line)."""

from django.urls import path, re_path

from . import views_registers as views

# /disasters/<process>/registers/victims/… and …/houses/…
REGISTER = r"^(?P<pk>\d+)/registers/(?P<kind>victims|houses)/"

urlpatterns = [
    path("<int:pk>/registers/", views.hub, name="registers"),
    path("<int:pk>/quick-report.xlsx", views.quick_report, name="quick_report_xlsx"),
    re_path(REGISTER + r"$", views.register_list, name="register_list"),
    re_path(REGISTER + r"add/$", views.register_edit, name="register_add"),
    re_path(REGISTER + r"import/$", views.register_import, name="register_import"),
    re_path(REGISTER + r"template\.xlsx$", views.register_template, name="register_template"),
    re_path(REGISTER + r"(?P<item>\d+)/$", views.register_edit, name="register_edit"),
    re_path(REGISTER + r"(?P<item>\d+)/delete/$", views.register_delete, name="register_delete"),
    path("<int:pk>/photos/", views.photos, name="photo_list"),
    path("<int:pk>/photos/<int:item>/", views.photo_file, name="photo_file"),
    path("<int:pk>/photos/<int:item>/delete/", views.photo_delete, name="photo_delete"),
]
