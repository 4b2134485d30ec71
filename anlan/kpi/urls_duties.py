"""URLs of the 责任清单 part (see urls.py); the public 公示 is in `public_urlpatterns`, mounted at /p/duty/."""

from django.urls import path

import anlan.core.converters  # noqa: F401  (registers <rowid:…> and <regioncode:…>)

from . import views_duties as views

urlpatterns = [
    path("duties/", views.list_index, name="duty_lists"),
    path("duties/<rowid:pk>/", views.list_detail, name="duty_list"),
    path("duties/<rowid:pk>/items/", views.item_add, name="duty_item_add"),
    path("duties/<rowid:pk>/items/<rowid:item_pk>/done/", views.item_done, name="duty_item_done"),
    path("duties/<rowid:pk>/items/<rowid:item_pk>/delete/", views.item_delete, name="duty_item_delete"),
    path("duties/<rowid:pk>/import/", views.list_import, name="duty_import"),
    path("duties/<rowid:pk>/publish/", views.list_publish, name="duty_publish"),
]

public_urlpatterns = (
    [
        path("", views.public_index, name="index"),
        path("<regioncode:code>/", views.public_board, name="board"),
    ],
    "duty_public",
)
