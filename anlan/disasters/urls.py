from django.urls import path

from anlan.core import converters  # noqa: F401  (rowid, regioncode)

from . import urls_registers, views

app_name = "disasters"

# 灾情统计报送 (processes, reports, township returns, village entries). Other parts of the app (registers,
# relief, transfers) add one include line each below.
urlpatterns = [
    path("", views.process_list, name="process_list"),
    path("add/", views.process_create, name="process_create"),
    path("owed/", views.process_list, {"owed": True}, name="process_owed"),
    path("<rowid:pk>/", views.process_detail, name="process_detail"),
    path("<rowid:pk>/report/", views.report_form, name="report_form"),
    path("<rowid:pk>/stable/", views.process_stable, name="process_stable"),
    path("<rowid:pk>/townships/<regioncode:code>/", views.return_form, name="return_form"),
    path("<rowid:pk>/villages/<regioncode:code>/", views.village_entry, name="village_entry"),
    path("returns/<rowid:pk>/", views.return_detail, name="return_detail"),
    path("returns/<rowid:pk>/<str:action>/", views.return_step, name="return_step"),
    path("villages/", views.village_list, name="village_list"),
    *urls_registers.urlpatterns,  # registers, photos, exports and charts of a process
]
