"""URLs of the registers, photos and exports of a process (names in the "disasters" namespace; the app's
urls.py includes this module with one line). Ids use core's `rowid` converter (a 25-digit id is a 404,
never a database error); a register is named by its kind, `victims` or `houses`."""

from django.urls import path, register_converter

from anlan.core import converters  # noqa: F401  (registers the rowid converter)

from . import views_registers as views


class RegisterKindConverter:
    regex = "victims|houses"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)


register_converter(RegisterKindConverter, "registerkind")

REGISTER = "<rowid:pk>/registers/<registerkind:kind>/"

urlpatterns = [
    path("<rowid:pk>/registers/", views.hub, name="registers"),
    path("<rowid:pk>/quick-report.xlsx", views.quick_report, name="quick_report_xlsx"),
    path(REGISTER, views.register_list, name="register_list"),
    path(f"{REGISTER}add/", views.register_edit, name="register_add"),
    path(f"{REGISTER}import/", views.register_import, name="register_import"),
    path(f"{REGISTER}template.xlsx", views.register_template, name="register_template"),
    path(f"{REGISTER}<rowid:item>/", views.register_edit, name="register_edit"),
    path(f"{REGISTER}<rowid:item>/delete/", views.register_delete, name="register_delete"),
    path("<rowid:pk>/photos/", views.photos, name="photo_list"),
    path("<rowid:pk>/photos/<rowid:item>/", views.photo_file, name="photo_file"),
    path("<rowid:pk>/photos/<rowid:item>/delete/", views.photo_delete, name="photo_delete"),
]
