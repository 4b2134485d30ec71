"""综合态势 big screen: the page (drawn once), its data (polled) and the boundaries under the map (once)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from anlan.core.kit import MenuLink, register_link
from anlan.geo.layers import boundary_features
from anlan.geo.models import RegionLevel
from anlan.geo.views import tile_source
from anlan.monitoring.models import Alarm

from . import screen

register_link(
    MenuLink(
        "综合态势", "综合态势大屏", "overview:screen", Alarm, "view", order=1, regional=True, roles=screen.SCREEN_ROLES
    )
)


def _require_screen(request) -> None:
    if not screen.may_open(request.user):
        raise PermissionDenied("综合态势大屏供县级指挥中心、只读用户和乡镇（街道）值班使用")


@login_required
def screen_page(request):
    _require_screen(request)
    region = screen._home_region(request.user)
    return render(
        request,
        "overview/screen.html",
        {"region": region, "tiles": tile_source(), "refresh_seconds": screen.REFRESH_SECONDS},
    )


@never_cache
@login_required
def screen_data(request):
    _require_screen(request)
    return JsonResponse(screen.screen_data(request.user), json_dumps_params={"ensure_ascii": False})


@login_required
def screen_boundaries(request):
    """The county outline and the townships in scope (a township officer: its township and villages)."""
    _require_screen(request)
    user = request.user
    levels = [RegionLevel.COUNTY, RegionLevel.TOWNSHIP]
    if not screen._is_county_wide(user):
        levels.append(RegionLevel.VILLAGE)
    features = []
    for level in levels:
        for feature in boundary_features(level)(user, {}):
            feature["properties"]["level"] = level
            features.append(feature)
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "private, max-age=3600"
    return response
