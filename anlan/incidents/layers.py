"""一张图 layer of the incidents being handled (已接报, 响应中) at their place, coloured by grade
(Ⅰ级 red … Ⅳ级 blue, not yet graded grey) and drawn above the other layers; the 详情 link opens the
incident's workspace. A located incident is also found by the command map's own page."""

from anlan.geo.layers import FOUR_COLOURS, point_features, register_point_layer

from .models import LEVEL_CHOICES, Incident

PROPS = ["title", "kind__name", "level", "status", "response_level", "occurred_at", "region"]
GRADE_COLOURS = {
    "I": FOUR_COLOURS["red"],
    "II": FOUR_COLOURS["orange"],
    "III": FOUR_COLOURS["yellow"],
    "IV": FOUR_COLOURS["blue"],
}
UNGRADED = "#7f8c8d"
ACTIVE = (Incident.Status.RECEIVED, Incident.Status.RESPONDING)


def _grade(row, props):
    props["level"] = props["level"] or "未定级"
    props["response_level"] = props["response_level"] or "未启动"
    props["style"] = {"fillColor": GRADE_COLOURS.get(row["level"], UNGRADED)}
    props["casualties"] = (
        f"死亡 {row['deaths']}，失踪 {row['missing']}，受伤 {row['injured']}，被困 {row['trapped']}"
        if any(row[k] for k in ("deaths", "missing", "injured", "trapped"))
        else "无"
    )


def _incidents_active(user, params):
    qs = Incident.objects.restrict(user).real().filter(status__in=ACTIVE)
    return point_features(qs, PROPS, user=user, raw=("deaths", "missing", "injured", "trapped"), extra=_grade)


register_point_layer(
    key="incidents_active",
    name="处置中的事件",
    group="事件处置",
    model=Incident,
    order=5,
    properties=PROPS,
    extra_labels={"kind__name": "事件类型", "casualties": "伤亡"},
    features=_incidents_active,
    symbol="star",
    top=True,
    title_field="title",
    legend=[
        *({"label": label, "colour": GRADE_COLOURS[code]} for code, label in LEVEL_CHOICES),
        {"label": "未定级", "colour": UNGRADED},
    ],
    style={"color": "#4a0f0a", "radius": 11, "weight": 2},
)
