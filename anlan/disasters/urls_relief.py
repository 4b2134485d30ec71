"""URLs of 救灾救助 (staff pages under /disasters/relief/, the public 公示 under /p/relief/)."""

from django.urls import path

import anlan.core.converters  # noqa: F401  (registers <rowid:…>)

from . import views_relief as views

app_name = "relief"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("new/", views.programme_new, name="new"),
    path("<rowid:pk>/", views.programme_detail, name="detail"),
    path("<rowid:pk>/step/<str:action>/", views.programme_step, name="step"),
    path("<rowid:pk>/draw/", views.draw, name="draw"),
    path("<rowid:pk>/add/", views.recipient_add, name="add"),
    path("<rowid:pk>/goods/", views.goods, name="goods"),
    path("<rowid:pk>/export/", views.export, name="export"),
    path("households/<rowid:pk>/review/", views.recipient_review, name="review"),
    path("households/<rowid:pk>/check/", views.recipient_check, name="check"),
    path("households/<rowid:pk>/amount/", views.recipient_amount, name="amount"),
    path("households/<rowid:pk>/pay/", views.recipient_pay, name="pay"),
    path("objections/<rowid:pk>/resolve/", views.objection_resolve, name="resolve"),
]

public_urlpatterns = (
    [
        path("", views.public_list, name="list"),
        path("<rowid:pk>/", views.public_notice, name="notice"),
    ],
    "relief_public",
)
