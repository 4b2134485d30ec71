"""一张图 layers of 森林防火: burn permits approved and in their window now (their area: polygon or circle),
and today's fire-danger level per township (the §19.6 colours; the legend notes the 防火期)."""

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from anlan.geo.layers import MapLayer, register_layer
from anlan.geo.models import Region, RegionLevel

from . import rules, services
from .models import BurnPermit, DangerLevel

PERMIT_LABELS = {
    "number": "许可证号",
    "applicant": "申请人",
    "place": "地点",
    "purpose": "用火目的",
    "window": "用火时间",
}


def _hm(moment) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def _permit_features(user, params) -> list[dict]:
    now = timezone.now()
    qs = services.active_permits(at=now, qs=BurnPermit.objects.restrict(user))
    features = []
    for p in qs:
        geometry = p.polygon or services.permit_area(p).__geo_interface__
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "name": f"用火 {p.number}",
                    "number": p.number,
                    "applicant": p.applicant,
                    "place": p.place,
                    "purpose": p.get_purpose_display(),
                    "window": f"{_hm(p.starts_at)} 至 {_hm(p.ends_at)}",
                },
            }
        )
    return features


def _level_features(user, params) -> list[dict]:
    """One query: the townships the user sees with today's level (a subquery over the scoped levels)."""
    today = timezone.localdate()
    level = DangerLevel.objects.restrict(user).filter(day=today, region=OuterRef("pk")).values("level")[:1]
    regions = (
        Region.objects.filter(level=RegionLevel.TOWNSHIP)
        .exclude(boundary=None)
        .annotate(fire_level=Subquery(level))
        .filter(fire_level__isnull=False)
        .values_list("name", "boundary", "fire_level")
    )
    return [
        {
            "type": "Feature",
            "geometry": boundary,
            "properties": {
                "name": name,
                "level": rules.level_name(fire_level),
                "style": {"fillColor": rules.level_colour(fire_level)},
            },
        }
        for name, boundary, fire_level in regions
    ]


register_layer(
    MapLayer(
        key="forestfire_permits",
        name="野外用火（批准期内）",
        group="风险隐患",
        geometry="polygon",
        features=_permit_features,
        labels=PERMIT_LABELS,
        style={"color": "#c0392b", "weight": 2, "fillColor": "#e67e22", "fillOpacity": 0.35},
        label_field=None,
        default_visible=False,
        order=38,
    )
)
register_layer(
    MapLayer(
        key="forestfire_danger",
        name="今日森林火险等级",
        group="风险隐患",
        geometry="polygon",
        features=_level_features,
        labels={"name": "乡镇", "level": "火险等级"},
        style={"color": "#ffffff", "weight": 1, "fillOpacity": 0.5},
        label_field=None,
        default_visible=False,
        legend=[
            *(
                {"label": f"{name}（{colour_name}）", "colour": hex_}
                for name, colour_name, hex_ in rules.LEVELS.values()
            ),
            {"label": "防火期以县政府通告为准（森林防火设置）", "colour": "#ffffff"},
        ],
        order=39,
    )
)
