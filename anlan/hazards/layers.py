"""一张图 layers of hidden hazards: open ones (shown) and closed ones (销号, hidden by default)."""

from anlan.geo.layers import point_features, register_point_layer

from . import workflow
from .models import HiddenHazard

PROPS = ["title", "level", "status", "deadline", "responsible", "region"]


def _features(closed: bool):
    def features(user, params):
        qs = HiddenHazard.objects.restrict(user)
        qs = qs.filter(status=workflow.CLOSED) if closed else qs.exclude(status=workflow.CLOSED)
        found = point_features(qs, PROPS)
        for feature in found:
            feature["properties"]["deadline"] = str(feature["properties"]["deadline"])
        return found

    return features


register_point_layer(
    key="hazards",
    name="隐患（未销号）",
    group="企业与风险",
    model=HiddenHazard,
    order=31,
    properties=PROPS,
    features=_features(closed=False),
    style={"color": "#a04000", "fillColor": "#e67e22", "radius": 6},
)
register_point_layer(
    key="hazards_closed",
    name="已销号隐患",
    group="企业与风险",
    model=HiddenHazard,
    order=32,
    properties=PROPS,
    features=_features(closed=True),
    default_visible=False,
    style={"color": "#1e8449", "fillColor": "#abebc6", "radius": 5},
)
