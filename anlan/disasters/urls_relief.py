"""URLs of 救灾救助 (staff pages under /disasters/relief/, the public 公示 under /p/relief/)."""

from django.urls import path

from . import views_relief as views

app_name = "relief"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/step/<str:action>/", views.programme_step, name="step"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("<int:pk>/add/", views.recipient_add, name="add"),
    path("<int:pk>/goods/", views.goods, name="goods"),
    path("<int:pk>/export/", views.export, name="export"),
    path("households/<int:pk>/review/", views.recipient_review, name="review"),
    path("households/<int:pk>/check/", views.recipient_check, name="check"),
    path("households/<int:pk>/amount/", views.recipient_amount, name="amount"),
    path("households/<int:pk>/pay/", views.recipient_pay, name="pay"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="resolve"),
]

public_urlpatterns = (
    [
        path("", views.public_list, name="list"),
        path("<int:pk>/", views.public_notice, name="notice"),
    ],
    "relief_public",
)
