"""一张图 layers of monitoring: sensors coloured by live status (normal, each alarm level, offline, no data),
and the alarms not yet cleared, drawn on top of everything at their sensor, coloured by level."""

from types import SimpleNamespace

from anlan.geo.layers import FOUR_COLOURS, four_colour_legend, point_features, register_point_layer

from .formatting import measured
from .models import LEVEL_LABELS, Alarm, Sensor

PROPS = ["name", "code", "kind", "live_status", "last_value", "unit", "last_ts", "region"]
STATUS_COLOURS = {
    "normal": "#27ae60",
    "blue": FOUR_COLOURS["blue"],
    "yellow": FOUR_COLOURS["yellow"],
    "orange": FOUR_COLOURS["orange"],
    "red": FOUR_COLOURS["red"],
    "offline": "#7f8c8d",
    "unknown": "#bdc3c7",
}
STATUS_LEGEND = [
    {"label": label, "colour": STATUS_COLOURS[status]}
    for status, label in (
        ("red", "红色报警"),
        ("orange", "橙色报警"),
        ("yellow", "黄色报警"),
        ("blue", "蓝色报警"),
        ("normal", "正常"),
        ("offline", "离线"),
        ("unknown", "无数据"),
    )
]


def _reading(row, props):
    """The last value as people read it (rounded to what the kind resolves, with its unit) and the colour."""
    sensor = SimpleNamespace(kind=row["kind"], unit=row["unit"])
    props["reading"] = measured(row["last_value"], sensor) if row["last_ts"] else None
    props["last_ts"] = str(row["last_ts"] or "")
    props["style"] = {"fillColor": STATUS_COLOURS[row["live_status"]]}


def _active_sensors(user):
    return Sensor.objects.restrict(user).filter(active=True)


def _sensors(user, params):
    return point_features(_active_sensors(user), PROPS, user=user, extra=_reading)


# Both layers are kept per process (geo.layers) and versioned by the live generation besides the tables and the
# audit head: every ingest batch moves it as it writes the sensors' latest values and live status and the open
# alarms' peaks (monitoring.storage), so a reading shows on the next request; without one nothing is rebuilt.


register_point_layer(
    key="sensors",
    name="监测设备（实时状态）",
    group="监测预警",
    model=Sensor,
    order=20,
    properties=PROPS,
    hidden=("code", "last_value", "unit"),
    extra_labels={"reading": "最新值"},
    features=_sensors,
    queryset=_active_sensors,
    kept=True,
    default_visible=False,  # 926 in the demo county: the open alarms layer shows the ones that matter
    symbol="square",
    cluster=True,
    legend=STATUS_LEGEND,
    style={"color": "#2c3e50", "radius": 5},
)

ALARM_PROPS = ["sensor__name", "level", "status", "opened_at", "sensor__region"]


def _alarm(row, props):
    sensor = SimpleNamespace(kind=row["sensor__kind"], unit=row["sensor__unit"])
    props["name"] = f"{row['sensor__name']} {LEVEL_LABELS.get(row['level'], '')}报警"
    props["value_text"] = measured(row["peak_value"] if row["peak_value"] is not None else row["value"], sensor)
    props["region_label"] = row["sensor__region__name"]
    props["style"] = {"fillColor": FOUR_COLOURS.get(row["level"], "#7f8c8d"), "color": FOUR_COLOURS.get(row["level"])}


def _open_alarms(user):
    return Alarm.objects.restrict(user).real().exclude(status=Alarm.Status.CLOSED)


def _alarms_open(user, params):
    """Alarms not yet cleared (报警中 and 已确认) at their sensor's place: one query with the sensor joined."""
    return point_features(
        _open_alarms(user).order_by("-opened_at"),
        ALARM_PROPS,
        "sensor__lon",
        "sensor__lat",
        user=user,
        raw=("sensor__kind", "sensor__unit", "sensor__region__name", "value", "peak_value"),
        extra=_alarm,
    )


register_point_layer(
    key="alarms_open",
    name="未解除报警",
    group="监测预警",
    model=Alarm,
    order=10,
    properties=ALARM_PROPS,
    extra_labels={"sensor__name": "设备", "value_text": "触发值/峰值", "region_label": "所在区划"},
    features=_alarms_open,
    queryset=_open_alarms,
    kept=True,
    reads=(Sensor,),  # each alarm is drawn at its sensor, named by it
    symbol="ring",
    top=True,
    legend=four_colour_legend({key: f"{label}报警" for key, label in LEVEL_LABELS.items()}),
    style={"color": "#7b241c", "radius": 9, "weight": 3},
)
