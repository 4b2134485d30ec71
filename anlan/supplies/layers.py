"""一张图 layer of warehouses and reserves."""

from anlan.geo.layers import register_point_layer

from .models import Warehouse

register_point_layer(
    key="warehouses",
    name="物资仓库",
    group="应急资源",
    model=Warehouse,
    order=45,
    properties=["name", "level", "address", "manager", "region"],
    default_visible=False,
    symbol="house",
    style={"color": "#1f618d", "fillColor": "#3498db", "radius": 7},
)
