"""URLs of 分类分级 and the 年度监督检查计划 (/enforcement/plan/, /enforcement/classes/)."""

from django.urls import include, path

from anlan.core.kit import config_for
from anlan.core.views import model_urlpatterns

from . import views_plan  # registers the classification list with the kit
from .models import EnterpriseSupervision

urlpatterns = [
    path("plan/", views_plan.plan_list, name="plan_list"),
    path("plan/progress/", views_plan.plan_progress, name="plan_progress"),
    path("plan/<int:pk>/", views_plan.plan_detail, name="plan_detail"),
    path("plan/<int:pk>/adjust/", views_plan.plan_adjust, name="plan_adjust"),
    path("plan/<int:pk>/export.xlsx", views_plan.plan_export, name="plan_export"),
    path("plan/<int:pk>/step/<str:action>/", views_plan.plan_step, name="plan_step"),
    path("classes/", views_plan.classes_page, name="classes"),
    path("classes/install/", views_plan.classes_install, name="classes_install"),
    path("classes/classify/", views_plan.classify, name="classes_classify"),
    path("classes/<int:pk>/edit/", views_plan.class_edit, name="class_edit"),
    path("classes/enterprise/<int:pk>/", views_plan.class_override, name="class_override"),
    path("classes/row/<int:pk>/override/", views_plan.class_override_row, name="class_override_row"),
    # The registry kit's list and detail of the enterprises' classes, under classes/ (enterprisesupervision/…).
    path("classes/", include(model_urlpatterns(config_for(EnterpriseSupervision)))),
]
