"""Serializer fields shared by every API that takes a location."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from anlan.core.validators import location_errors

from .coords import to_wgs84


@extend_schema_field(
    {
        "type": "object",
        "nullable": True,
        "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}, "crs": {"type": "string"}},
    }
)
class LocationField(serializers.Field):
    """`{"lon", "lat"}` (optionally `"crs": "gcj02"|"bd09"`) ⇄ the object's WGS84 `lon`/`lat` fields.

    Optional and nullable by default (pass required=True, allow_null=False where a location is a must)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    # Compiled lists (core.fastlist) build it from these columns of the row, as to_representation does.
    values_columns = ("lon", "lat")

    @staticmethod
    def from_values(lon, lat):
        if lon is None or lat is None:
            return None
        return {"lon": lon, "lat": lat}

    def to_representation(self, obj):
        return self.from_values(obj.lon, obj.lat)

    def to_internal_value(self, data):
        if data is None:
            return {"lon": None, "lat": None}
        try:
            lon, lat = float(data["lon"]), float(data["lat"])
        except (TypeError, KeyError, ValueError):
            raise ValidationError('location 应为 {"lon": 经度, "lat": 纬度}') from None
        errors = location_errors(lon, lat)
        if errors:
            raise ValidationError("；".join(errors.values()))
        try:
            lon, lat = to_wgs84(lon, lat, data.get("crs", "wgs84"))
        except ValueError as exc:
            raise ValidationError(str(exc)) from None
        return {"lon": lon, "lat": lat}
