from django.urls import include, path

from . import views_roster

app_name = "duty"

# Rosters and who is on duty (排班、当前值班) under roster/; the duty log, handovers and daily reports in urls_log.
urlpatterns = [
    path("roster/", views_roster.roster_month, name="roster"),
    path("roster/now/", views_roster.on_duty_board, name="on_duty"),
    path("roster/shifts/add/", views_roster.shift_add, name="shift_add"),
    path("roster/shifts/<int:pk>/delete/", views_roster.shift_delete, name="shift_delete"),
    path("roster/shifts/<int:pk>/swap/", views_roster.swap_request, name="swap_request"),
    path(
        "roster/swaps/<int:pk>/<str:action>/",
        views_roster.swap_decide,
        name="swap_decide",
    ),
    path("roster/export/", views_roster.roster_export, name="roster_export"),
    path("roster/import/", views_roster.roster_import, name="roster_import"),
    path("roster/print/", views_roster.roster_print, name="roster_print"),
    path("roster/settings/", views_roster.desk_settings, name="desk_settings"),
    path("", include("anlan.duty.urls_log")),
]
