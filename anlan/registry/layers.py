"""一张图 layer of enterprises (辖企)."""

from anlan.geo.layers import register_point_layer

from .models import Enterprise

register_point_layer(
    key="enterprises",
    name="企业",
    group="企业与风险",
    model=Enterprise,
    order=30,
    properties=["name", "industry", "scale", "standard_grade", "has_major_hazard", "is_hazchem", "region"],
    style={"color": "#34495e", "fillColor": "#95a5a6", "radius": 5},
)
