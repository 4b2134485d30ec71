"""一张图 layer of open hidden hazards (major in red, general in orange; closed ones are not drawn)."""

from anlan.geo.layers import point_features, register_point_layer

from . import workflow
from .models import HiddenHazard

PROPS = ["title", "level", "status", "deadline", "responsible", "region"]


def _hazards(user, params):
    qs = HiddenHazard.objects.restrict(user)
    if params.get("closed") != "1":
        qs = qs.exclude(status=workflow.CLOSED)
    features = point_features(qs, PROPS)
    for feature in features:
        feature["properties"]["deadline"] = str(feature["properties"]["deadline"])
    return features


register_point_layer(
    key="hazards",
    name="隐患",
    group="企业与风险",
    model=HiddenHazard,
    order=31,
    properties=PROPS,
    features=_hazards,
    style={"color": "#a04000", "fillColor": "#e67e22", "radius": 6},
)
