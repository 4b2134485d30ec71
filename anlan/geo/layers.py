"""The map-layer registry for 一张图: every app adds its layers here; the map page lists them.

A layer yields GeoJSON features for a user, always through the scoping function. Hot path: rows
come from `.values()` (no model instances, no serializer) and the response is encoded with orjson.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from .models import Region, RegionLevel

__all__ = ["MapLayer", "all_layers", "get_layer", "register_layer"]


@dataclass
class MapLayer:
    key: str
    name: str
    group: str
    geometry: str  # "polygon" | "point"
    features: Callable  # (user, params) -> list of GeoJSON Feature dicts
    style: dict = field(default_factory=dict)
    label_field: str | None = "name"
    label_min_zoom: int = 0
    default_visible: bool = True
    order: int = 100
    labels: dict = field(default_factory=dict)  # property → Chinese label for popups; others are hidden

    def describe(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "group": self.group,
            "geometry": self.geometry,
            "style": self.style,
            "label_field": self.label_field,
            "label_min_zoom": self.label_min_zoom,
            "default_visible": self.default_visible,
            "labels": self.labels,
        }


_LAYERS: dict[str, MapLayer] = {}


def register_layer(layer: MapLayer) -> MapLayer:
    _LAYERS[layer.key] = layer
    return layer


def all_layers() -> list[MapLayer]:
    return sorted(_LAYERS.values(), key=lambda layer: (layer.order, layer.key))


def get_layer(key: str) -> MapLayer | None:
    return _LAYERS.get(key)


def boundary_features(level: str):
    def features(user, params) -> list[dict]:
        rows = (
            Region.objects.restrict(user)
            .filter(level=level, boundary__isnull=False)
            .values("code", "name", "parent_id", "boundary", "center_lon", "center_lat", "synthetic")
        )
        return [
            {
                "type": "Feature",
                "id": row["code"],
                "geometry": row["boundary"],
                "properties": {
                    "code": row["code"],
                    "name": row["name"],
                    "region": row["code"],
                    "parent": row["parent_id"],
                    "label_at": [row["center_lon"], row["center_lat"]],
                    "synthetic": row["synthetic"],
                },
            }
            for row in rows
        ]

    return features


BOUNDARY_LABELS = {"name": "名称", "code": "区划代码", "synthetic": "演示数据"}

register_layer(
    MapLayer(
        key="county",
        name="县界",
        group="行政区划",
        geometry="polygon",
        features=boundary_features(RegionLevel.COUNTY),
        labels=BOUNDARY_LABELS,
        style={"color": "#c0392b", "weight": 3, "fillOpacity": 0.02},
        label_field=None,  # the county is named in the page title; a label would sit on a township's
        order=1,
    )
)
register_layer(
    MapLayer(
        key="townships",
        name="乡镇（街道）界",
        group="行政区划",
        geometry="polygon",
        features=boundary_features(RegionLevel.TOWNSHIP),
        labels=BOUNDARY_LABELS,
        style={"color": "#2c3e50", "weight": 2, "fillOpacity": 0.04},
        order=2,
    )
)
register_layer(
    MapLayer(
        key="villages",
        name="村（社区）界",
        group="行政区划",
        geometry="polygon",
        features=boundary_features(RegionLevel.VILLAGE),
        labels=BOUNDARY_LABELS,
        style={"color": "#7f8c8d", "weight": 1, "dashArray": "3 3", "fillOpacity": 0},
        label_min_zoom=12,
        default_visible=False,
        order=3,
    )
)


def point_features(queryset, properties: list[str], lon: str = "lon", lat: str = "lat") -> list[dict]:
    """GeoJSON point features from a (restricted) queryset in one query, choice codes shown as labels.

    `properties` are field names (or `fk__field` paths); rows without coordinates are skipped.
    """
    model = queryset.model
    labels = {}
    regions = [name for name in properties if _is_region(model, name)]
    times = [name for name in properties if _is_datetime(model, name)]
    for name in properties:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a path or an annotation: shown as it is
            continue
        if field.choices:
            labels[name] = {str(k): str(v) for k, v in field.choices}
    region_names = dict(Region.objects.values_list("code", "name")) if regions else {}
    features = []
    for row in queryset.values("pk", lon, lat, *properties):
        if row[lon] is None or row[lat] is None:
            continue
        props = {
            name: labels[name].get(str(row[name]), row[name]) if name in labels else row[name] for name in properties
        }
        # Codes and ISO times stay for programs; popups show `<name>_label`: the region's name, local time.
        for name in regions:
            props[f"{name}_label"] = region_names.get(row[name], row[name])
        for name in times:
            props[f"{name}_label"] = f"{timezone.localtime(row[name]):%Y-%m-%d %H:%M}" if row[name] else None
        props["id"] = row["pk"]
        features.append(
            {
                "type": "Feature",
                "id": row["pk"],
                "geometry": {"type": "Point", "coordinates": [row[lon], row[lat]]},
                "properties": props,
            }
        )
    return features


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_region(model, name: str) -> bool:
    return getattr(_model_field(model, name), "related_model", None) is Region


def _is_datetime(model, name: str) -> bool:
    return isinstance(_model_field(model, name), models.DateTimeField)


def field_labels(model, names: list[str], extra: dict | None = None) -> dict:
    """Chinese popup labels for a point layer's properties, from the model's verbose names; a region is
    shown by its name and a time in local time (`<name>_label`), not as a 12-digit code or an ISO string."""
    labels = {
        f"{name}_label" if _is_region(model, name) or _is_datetime(model, name) else name: str(
            model._meta.get_field(name).verbose_name
        )
        for name in names
        if "__" not in name
    }
    return {**labels, **(extra or {})}


def register_point_layer(
    *,
    key: str,
    name: str,
    group: str,
    model,
    properties: list[str],
    style: dict,
    order: int,
    default_visible: bool = True,
    extra_labels: dict | None = None,
    features=None,
) -> MapLayer:
    """A point layer of a located model: rows from `restrict(user)`, popups from its verbose names.

    `features(user, params)` may replace the default when a layer adds computed properties.
    """

    def default_features(user, params):
        return point_features(model.objects.restrict(user), properties)

    return register_layer(
        MapLayer(
            key=key,
            name=name,
            group=group,
            geometry="point",
            features=features or default_features,
            labels=field_labels(model, properties, extra_labels),
            style={"fillOpacity": 0.9, "radius": 6, "weight": 1, **style},
            label_field=None,
            default_visible=default_visible,
            order=order,
        )
    )
