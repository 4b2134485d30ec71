from django.urls import path

from . import views

app_name = "disasters"

# 灾情统计报送 (processes, reports, township returns, village entries). Other parts of the app (registers,
# relief, transfers) add one include line each below.
urlpatterns = [
    path("", views.process_list, name="process_list"),
    path("add/", views.process_create, name="process_create"),
    path("owed/", views.process_list, {"owed": True}, name="process_owed"),
    path("<int:pk>/", views.process_detail, name="process_detail"),
    path("<int:pk>/report/", views.report_form, name="report_form"),
    path("<int:pk>/stable/", views.process_stable, name="process_stable"),
    path("<int:pk>/townships/<str:code>/", views.return_form, name="return_form"),
    path("<int:pk>/villages/<str:code>/", views.village_entry, name="village_entry"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/<str:action>/", views.return_step, name="return_step"),
    path("villages/", views.village_list, name="village_list"),
]
