"""URLs of 12350 举报奖励 (/rewards/): the kit's tip and reward pages, the handling and reward steps, the
statistics. The public status page is /p/tip/status/ (anlan/urls.py)."""

from django.urls import path

from anlan.core import converters  # noqa: F401  (rowid)
from anlan.core.views import kit_urlpatterns

from . import views

app_name = "rewards"

urlpatterns = [
    path("tip/<rowid:pk>/accept/", views.tip_accept, name="tip_accept"),
    path("tip/<rowid:pk>/decline/", views.tip_decline, name="tip_decline"),
    path("tip/<rowid:pk>/verify/", views.tip_verify, name="tip_verify"),
    path("tip/<rowid:pk>/compute/", views.tip_compute, name="tip_compute"),
    path("reward/<rowid:pk>/decide/", views.reward_decide, name="reward_decide"),
    path("reward/<rowid:pk>/pay/", views.reward_pay, name="reward_pay"),
    path("reward/<rowid:pk>/voucher/", views.reward_voucher, name="reward_voucher"),
    path("statistics/", views.statistics, name="statistics"),
    *kit_urlpatterns("rewards"),
]
