"""一张图 layer of the warnings in force: the areas they target (the boundaries of the regions chosen, and
the drawn polygon when there is one), coloured by level and drawn above the other layers."""

from django.utils import timezone

from anlan.geo.layers import FOUR_COLOURS, MapLayer, detail_link, four_colour_legend, register_layer

from . import filters
from .models import LEVEL_CHOICES, Warning

LEVEL_LABELS = dict(LEVEL_CHOICES)


def in_force(queryset):
    """Issued, not yet expired, and not a cancel message (`alerts.filters.in_force`, the list's own test)."""
    return queryset.filter(filters.in_force())


def _warning_areas(user, params):
    """One feature per warning and region it targets, in ONE query over the warning-region table; a
    warning drawn as a polygon adds that polygon once."""
    warnings = in_force(Warning.objects.restrict(user).real())
    rows = (
        Warning.regions.through.objects.filter(warning__in=warnings)
        .order_by("warning_id", "region_id")
        .values(
            "warning_id",
            "warning__headline",
            "warning__event",
            "warning__level",
            "warning__expires",
            "warning__sent",
            "warning__polygon",
            "region__name",
            "region__boundary",
        )
    )
    link = detail_link(user, Warning)
    features, drawn = [], set()
    for row in rows:
        pk = row["warning_id"]
        level = row["warning__level"]
        props = {
            "id": pk,
            "name": row["warning__headline"],
            "event": row["warning__event"],
            "level": LEVEL_LABELS.get(level, level),
            "area": row["region__name"],
            "sent_label": _local(row["warning__sent"]),
            "expires_label": _local(row["warning__expires"]),
            "url": link(pk) if link else None,
            "style": {"color": FOUR_COLOURS.get(level, "#7f8c8d"), "fillColor": FOUR_COLOURS.get(level, "#7f8c8d")},
        }
        if row["region__boundary"]:
            features.append(
                {
                    "type": "Feature",
                    "id": f"{pk}-{len(features)}",
                    "geometry": row["region__boundary"],
                    "properties": props,
                }
            )
        if row["warning__polygon"] and pk not in drawn:
            drawn.add(pk)
            features.append(
                {
                    "type": "Feature",
                    "id": f"{pk}-polygon",
                    "geometry": row["warning__polygon"],
                    "properties": {**props, "area": "划定范围"},
                }
            )
    return features


def _local(value) -> str | None:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else None


register_layer(
    MapLayer(
        key="warnings_in_force",
        name="生效中的预警（范围）",
        group="监测预警",
        geometry="polygon",
        features=_warning_areas,
        labels={
            "event": "事件",
            "level": "预警级别",
            "area": "预警区域",
            "sent_label": "发布时间",
            "expires_label": "失效时间",
        },
        title_field="name",
        label_field=None,
        top=True,
        legend=four_colour_legend({key: f"{label}预警" for key, label in LEVEL_LABELS.items()}),
        style={"weight": 2, "fillOpacity": 0.25, "dashArray": "6 4"},
        order=11,
    )
)
