"""一张图 layer of warehouses and reserves."""

from anlan.geo.layers import MapLayer, field_labels, point_features, register_layer

from .models import Warehouse

PROPS = ["name", "level", "address", "manager", "region"]


def _warehouses(user, params):
    return point_features(Warehouse.objects.restrict(user), PROPS)


register_layer(
    MapLayer(
        key="warehouses",
        name="物资仓库",
        group="应急资源",
        geometry="point",
        features=_warehouses,
        labels=field_labels(Warehouse, PROPS),
        style={"color": "#1f618d", "fillColor": "#3498db", "fillOpacity": 0.9, "radius": 6, "weight": 1},
        label_field=None,
        order=45,
    )
)
