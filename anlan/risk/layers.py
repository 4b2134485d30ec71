"""一张图 layers: risk points in their four colours, major hazard units, and the four-colour maps of the
regional risk index (townships and villages)."""

from anlan.geo.layers import (
    MapLayer,
    boundary_features,
    four_colour_legend,
    point_features,
    register_layer,
    register_point_layer,
)
from anlan.geo.models import RegionLevel

from . import index, regional
from .models import GRADE_COLOURS, Grade, MajorHazardSource, RiskPoint

POINT_PROPS = ["name", "kind", "grade", "responsible", "control_level", "region"]
MAJOR_PROPS = ["name", "enterprise__name", "level", "R", "exposed_people", "region"]
GRADE_LEGEND = [
    *four_colour_legend({grade.value: grade.label for grade in Grade}),
    {"label": "未评估", "colour": GRADE_COLOURS[""]},
]


MAJOR_LEVEL_NAMES = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}


def _major_level(row, props):
    props["level"] = MAJOR_LEVEL_NAMES.get(row["level"], "未分级")


def _grade_colour(row, props):
    props["style"] = {"fillColor": GRADE_COLOURS[row["grade"] or ""]}


def _risk_points(user, params):
    return point_features(RiskPoint.objects.restrict(user), POINT_PROPS, user=user, extra=_grade_colour)


register_point_layer(
    key="risk_points",
    name="风险点（四色）",
    group="风险隐患",
    model=RiskPoint,
    order=33,
    properties=POINT_PROPS,
    features=_risk_points,
    default_visible=False,
    symbol="circle",
    cluster=True,
    legend=GRADE_LEGEND,
    style={"color": "#333333", "radius": 7},
)
register_point_layer(
    key="major_hazards",
    name="重大危险源",
    group="风险隐患",
    model=MajorHazardSource,
    order=34,
    properties=MAJOR_PROPS,
    extra_labels={"enterprise__name": "企业"},
    features=lambda user, params: point_features(
        MajorHazardSource.objects.restrict(user).filter(is_major=True), MAJOR_PROPS, user=user, extra=_major_level
    ),
    symbol="hexagon",
    style={"color": "#4a0f0a", "fillColor": "#922b21", "radius": 8},
)


def _index_features(level: str):
    boundaries = boundary_features(level)

    def features(user, params):
        by_code = {r.code: r for r in regional.regional_risk(user, level)}
        found = boundaries(user, params)
        for feature in found:
            r = by_code.get(feature["id"])
            if r is None:
                continue
            p = feature["properties"]
            p.update(
                {
                    "index": r.index,
                    "colour": r.colour_label,
                    "open_hazards": r.open_hazards,
                    "sites": r.components.sites,
                    "threatened_people": r.components.threatened_people,
                }
            )
            p["style"] = {"fillColor": index.COLOURS[r.colour]}
        return found

    return features


INDEX_LABELS = {
    "name": "名称",
    "index": "风险指数",
    "colour": "等级",
    "open_hazards": "未销号隐患",
    "sites": "灾害隐患点",
    "threatened_people": "威胁人数",
}
for key, name, level, order in (
    ("risk_index_townships", "乡镇风险指数（四色图）", RegionLevel.TOWNSHIP, 5),
    ("risk_index_villages", "村（社区）风险指数（四色图）", RegionLevel.VILLAGE, 6),
):
    register_layer(
        MapLayer(
            key=key,
            name=name,
            group="风险隐患",
            geometry="polygon",
            features=_index_features(level),
            labels=INDEX_LABELS,
            style={"color": "#ffffff", "weight": 1, "fillOpacity": 0.55},
            label_field=None,
            default_visible=False,
            legend=four_colour_legend(index.LABELS),
            order=order,
        )
    )
