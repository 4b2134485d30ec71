"""一张图 layers of 防汛 works: reservoirs (with their SL 252 class) and dikes (with their grade, "3 级"), each in
the user's scope, off until chosen. Popups read the models' Chinese labels and choices; the decimal figures
(storage, levels, length) stay on the record's page, which the popup links to."""

from anlan.geo.layers import register_point_layer

from .models import Dike, Reservoir

register_point_layer(
    key="flood_reservoirs",
    name="水库",
    group="风险隐患",
    model=Reservoir,
    order=36,
    default_visible=False,
    properties=["name", "size_class", "dam_type", "downstream_people", "region"],
    symbol="ring",
    style={"color": "#154360", "fillColor": "#2e86c1", "radius": 7},
)
register_point_layer(
    key="flood_dikes",
    name="堤防",
    group="风险隐患",
    model=Dike,
    order=37,
    default_visible=False,
    properties=["name", "river", "grade", "protected_people", "region"],
    symbol="square",
    style={"color": "#1b4f72", "fillColor": "#5dade2", "radius": 6},
)
