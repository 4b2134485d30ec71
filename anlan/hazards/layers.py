"""一张图 layers of hidden hazards: open ones (shown, 重大隐患 in red) and closed ones (销号, hidden by default)."""

from anlan.geo.layers import FOUR_COLOURS, point_features, register_point_layer

from . import workflow
from .models import HiddenHazard

PROPS = ["title", "level", "status", "deadline", "responsible", "region"]
LEVEL_COLOURS = {HiddenHazard.Level.MAJOR: FOUR_COLOURS["red"], HiddenHazard.Level.GENERAL: "#e67e22"}


def _features(closed: bool):
    def deadline_and_colour(row, props):
        props["deadline"] = str(props["deadline"])
        if not closed:
            props["style"] = {"fillColor": LEVEL_COLOURS.get(row["level"], "#e67e22")}

    def features(user, params):
        qs = HiddenHazard.objects.restrict(user)
        qs = qs.filter(status=workflow.CLOSED) if closed else qs.exclude(status=workflow.CLOSED)
        return point_features(qs, PROPS, user=user, extra=deadline_and_colour)

    return features


register_point_layer(
    key="hazards",
    name="隐患（未销号）",
    group="风险隐患",
    model=HiddenHazard,
    order=31,
    properties=PROPS,
    features=_features(closed=False),
    symbol="diamond",
    cluster=True,
    title_field="title",
    legend=[
        {"label": "重大隐患", "colour": LEVEL_COLOURS[HiddenHazard.Level.MAJOR]},
        {"label": "一般隐患", "colour": LEVEL_COLOURS[HiddenHazard.Level.GENERAL]},
    ],
    style={"color": "#a04000", "fillColor": "#e67e22", "radius": 6},
)
register_point_layer(
    key="hazards_closed",
    name="已销号隐患",
    group="风险隐患",
    model=HiddenHazard,
    order=32,
    properties=PROPS,
    features=_features(closed=True),
    default_visible=False,
    symbol="diamond",
    cluster=True,
    title_field="title",
    style={"color": "#1e8449", "fillColor": "#abebc6", "radius": 5},
)
