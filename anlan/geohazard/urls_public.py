"""Public page (no login): what the QR code of a household's 避险明白卡 opens."""

from django.urls import path

from . import views

urlpatterns = [
    path("card/<str:token>/", views.card_public, name="geohazard_card_public"),
]
