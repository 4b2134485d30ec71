"""URLs of one part of the enforcement app (see urls.py): 专项整治 and 执法统计."""

from django.urls import path

from . import views_campaigns, views_stats

urlpatterns = [
    path("campaigns/", views_campaigns.campaign_list, name="campaign_list"),
    path("campaigns/add/", views_campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/assign/", views_campaigns.campaign_assign, name="campaign_assign"),
    path("campaigns/<int:pk>/start/", views_campaigns.campaign_start, name="campaign_start"),
    path("campaigns/<int:pk>/close/", views_campaigns.campaign_close, name="campaign_close"),
    path("stats/", views_stats.statistics, name="stats"),
]
