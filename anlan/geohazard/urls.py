from django.urls import path

from anlan.core.views import kit_urlpatterns

from . import views

app_name = "geohazard"

urlpatterns = [
    path("campaigns/new/", views.campaign_add, name="campaign_new"),
    path("campaigns/<int:pk>/view/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/step/", views.campaign_step, name="campaign_step"),
    path("campaigns/<int:pk>/assign/", views.campaign_assign, name="campaign_assign"),
    path("checks/mine/", views.my_checks, name="my_checks"),
    path("checks/<int:pk>/fill/", views.check, name="check"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("findings/<int:pk>/decide/", views.finding, name="finding"),
    path("sites/<int:pk>/event/", views.site_event, name="site_event"),
    path("events/<int:pk>/view/", views.event, name="event"),
    path("sites/<int:pk>/cards/", views.site_cards, name="site_cards"),
    path("sites/<int:pk>/cards.docx", views.site_cards_docx, name="site_cards_docx"),
    *kit_urlpatterns("geohazard"),
]
