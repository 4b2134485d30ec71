"""URLs of the 责任清单 part (see urls.py); the public 公示 is in `public_urlpatterns`, mounted at /p/duty/."""

from django.urls import path

from . import views_duties as views

urlpatterns = [
    path("duties/", views.list_index, name="duty_lists"),
    path("duties/<int:pk>/", views.list_detail, name="duty_list"),
    path("duties/<int:pk>/items/", views.item_add, name="duty_item_add"),
    path("duties/<int:pk>/items/<int:item_pk>/done/", views.item_done, name="duty_item_done"),
    path("duties/<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="duty_item_delete"),
    path("duties/<int:pk>/import/", views.list_import, name="duty_import"),
    path("duties/<int:pk>/publish/", views.list_publish, name="duty_publish"),
]

public_urlpatterns = (
    [
        path("", views.public_index, name="index"),
        path("<str:code>/", views.public_board, name="board"),
    ],
    "duty_public",
)
