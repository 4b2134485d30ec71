"""一张图 layer of sensors coloured by live status (normal, each alarm level, offline, no data)."""

from anlan.geo.layers import point_features, register_point_layer

from .models import Sensor

PROPS = ["name", "code", "kind", "live_status", "last_value", "unit", "last_ts", "region"]
STATUS_COLOURS = {
    "normal": "#27ae60",
    "blue": "#2f7fd8",
    "yellow": "#f5d000",
    "orange": "#f28c28",
    "red": "#e02020",
    "offline": "#7f8c8d",
    "unknown": "#bdc3c7",
}


def _sensors(user, params):
    qs = Sensor.objects.restrict(user).filter(active=True)
    statuses = dict(qs.values_list("pk", "live_status"))
    features = point_features(qs, PROPS)
    for feature in features:
        feature["properties"]["last_ts"] = str(feature["properties"]["last_ts"] or "")
        feature["properties"]["style"] = {"fillColor": STATUS_COLOURS[statuses[feature["id"]]]}
    return features


register_point_layer(
    key="sensors",
    name="监测设备（实时状态）",
    group="监测预警",
    model=Sensor,
    order=20,
    properties=PROPS,
    features=_sensors,
    style={"color": "#2c3e50", "radius": 5},
)
