"""一张图 layer of enterprises (辖企), clustered; enterprises are found by name in the map's search box."""

from anlan.core.flags import FLAGS_FIELD, annotate_flags
from anlan.geo.layers import PlaceSearch, point_places, register_place_search, register_point_layer

from .models import Enterprise

register_point_layer(
    key="enterprises",
    name="企业",
    group="风险隐患",
    model=Enterprise,
    order=30,
    properties=["name", "industry", "scale", "standard_grade", "has_major_hazard", "is_hazchem", "region", FLAGS_FIELD],
    # 严重失信 and other flags decided above the registry (core.flags), computed in the layer's one query.
    queryset=lambda user: annotate_flags(Enterprise.objects.restrict(user)),
    extra_labels={FLAGS_FIELD: "信用标记"},
    default_visible=False,
    symbol="pentagon",
    cluster=True,
    style={"color": "#34495e", "fillColor": "#95a5a6", "radius": 6},
)
register_place_search(
    PlaceSearch(
        kind="enterprise",
        label="企业",
        order=20,
        search=lambda user, q, limit: point_places(
            Enterprise.objects.restrict(user), q, limit, kind="enterprise", label="企业"
        ),
    )
)
