from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "hazards"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("stats/", views.statistics, name="stats"),
    path("<int:pk>/notice.docx", views.notice, name="notice"),
    path("<int:pk>/handle/", views.handle, name="handle"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    *kit_urlpatterns("hazards"),
]
