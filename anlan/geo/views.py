import re
from pathlib import Path

import orjson
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render

from anlan.core.kit import ModelConfig, register

from .layers import all_place_searches, get_layer
from .models import Region, TravelProfile


def tile_source() -> dict | None:
    """The configured base-tile source, or None (the default on isolated networks)."""
    if settings.ANLAN_TILE_DIR:
        return {"url": "/tiles/{z}/{x}/{y}.png", "attribution": "本地离线瓦片", "subdomains": ""}
    if settings.ANLAN_TILE_URL:
        return {"url": settings.ANLAN_TILE_URL, "attribution": "", "subdomains": ""}
    if settings.ANLAN_TIANDITU_KEY:
        key = settings.ANLAN_TIANDITU_KEY
        return {
            # 天地图 web-Mercator vector tiles; its tiles are CGCS2000, which matches WGS84 at map scale.
            "url": ("https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=" + key),
            "label_url": "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk=" + key,
            "attribution": "天地图",
            "subdomains": "01234567",
        }
    return None


@login_required
def map_view(request):
    user_region = Region.objects.filter(code=request.user.region_id).values("code", "name").first()
    # The layers this user chose last time (kept on the user row by accounts; [] = the defaults).
    chosen = [key for key in getattr(request.user, "map_layers", None) or [] if get_layer(key) is not None]
    return render(
        request, "geo/map.html", {"tiles": tile_source(), "user_region": user_region, "chosen_layers": chosen}
    )


SEARCH_LIMIT = 8  # places per kind: the box lists a few of each, the user types more to narrow
SEARCH_MAX_LENGTH = 50


@login_required
def map_search(request):
    """The map's place search: regions, enterprises, hazard sites, shelters and teams whose name contains
    `q`, within the user's scope — one limited query per kind, names + type + coordinates to fly to."""
    q = request.GET.get("q", "").strip()
    if len(q) > SEARCH_MAX_LENGTH:
        return JsonResponse({"detail": f"搜索词不能超过 {SEARCH_MAX_LENGTH} 个字"}, status=400)
    if not q:
        return JsonResponse({"q": q, "results": []})
    results = []
    for place in all_place_searches():
        results.extend(place.search(request.user, q, SEARCH_LIMIT))
    return HttpResponse(orjson.dumps({"q": q, "results": results}), content_type="application/json")


_TILE_RE = re.compile(r"^\d{1,2}/\d{1,7}/\d{1,7}\.(png|jpg|jpeg|webp)$")


def tile(request, path: str):
    """Serve a tile from the configured offline folder (z/x/y.png), refusing anything else."""
    if not settings.ANLAN_TILE_DIR or not _TILE_RE.match(path):
        raise Http404
    root = Path(settings.ANLAN_TILE_DIR).resolve()
    file = (root / path).resolve()
    if root not in file.parents or not file.is_file():
        raise Http404
    return FileResponse(file.open("rb"))


register(
    ModelConfig(
        model=Region,
        list_columns=["code", "name", "level", "parent", "area_km2", "synthetic"],
        form_fields=["code", "name", "level", "parent", "population"],
        detail_fields=[
            "code",
            "name",
            "level",
            "parent",
            "area_km2",
            "population",
            "center_lon",
            "center_lat",
            "synthetic",
        ],
        search_fields=["name", "code"],
        selector=lambda qs: qs.select_related("parent").defer("boundary", "parent__boundary"),
        sortable=["code", "name", "level", "area_km2"],
        menu_group="行政区划",
        menu_order=1,
    )
)


# Travel parameters refine dispatch estimates (geo.routing); the menu keeps them beside the resources they serve.
register(
    ModelConfig(
        model=TravelProfile,
        list_columns=["region", "road_factor", "speed_kmh"],
        form_fields=["region", "road_factor", "speed_kmh"],
        selector=lambda qs: qs.select_related("region"),
        menu_group="应急资源",
        menu_order=49,
    )
)
