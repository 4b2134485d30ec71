"""What 防汛 draws on other pages: the 工作台 notice "主汛期 第N天" (county, township and department roles)."""

from django.urls import reverse
from django.utils import timezone

from anlan.core.roles import SECTOR_REGISTRY_ROLES

from . import services


def _today():
    return timezone.localdate()


def home_notices(user) -> list[tuple[str, str]]:
    if not (user.is_superuser or user.role in SECTOR_REGISTRY_ROLES) or not user.region_id:
        return []
    text = services.season_notice(user.region_id, _today())
    return [(text, reverse("flood:board"))] if text else []
