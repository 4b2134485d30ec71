"""Pages of the training app under /training/ (the public 科普 page and the exam link are under /p/, see
`public_urlpatterns`, included by anlan/urls.py)."""

from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "training"

urlpatterns = [
    path("trainingsession/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("exam/<int:pk>/results/", views.exam_results, name="exam_results"),
    path("exam/<int:pk>/sms/", views.exam_sms, name="exam_sms"),
    path("exam/<int:pk>/take/", views.exam_take, name="exam_take"),
    path("exams/mine/", views.my_exams, name="my_exams"),
    # The upload page (files checked by content) takes the kit's own add path: one 新增 for materials, never the
    # generic form, which would save a document without its file.
    path("material/add/", views.material_add, name="material_upload"),
    path("material/<int:pk>/file/", views.material_file, name="material_file"),
    path("rates/", views.rates, name="rates"),
    *kit_urlpatterns("training"),
]

public_urlpatterns = [
    path("kepu/", views.kepu, name="kepu"),
    path("kepu/<int:pk>/file/", views.public_material_file, name="kepu_file"),
    path("exam/<str:token>/", views.exam_public, name="training_exam_public"),
]
