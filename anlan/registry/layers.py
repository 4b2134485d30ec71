"""一张图 layer of enterprises (辖企), coloured by whether they carry a major hazard source."""

from anlan.geo.layers import MapLayer, field_labels, point_features, register_layer

from .models import Enterprise

PROPS = ["name", "industry", "scale", "standard_grade", "has_major_hazard", "is_hazchem", "region"]


def _enterprises(user, params):
    return point_features(Enterprise.objects.restrict(user), PROPS)


register_layer(
    MapLayer(
        key="enterprises",
        name="企业",
        group="企业与风险",
        geometry="point",
        features=_enterprises,
        labels=field_labels(Enterprise, PROPS),
        style={"color": "#34495e", "fillColor": "#95a5a6", "fillOpacity": 0.9, "radius": 5, "weight": 1},
        label_field=None,
        order=30,
    )
)
