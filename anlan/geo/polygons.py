"""Checking a GeoJSON polygon drawn on a map or sent to the API (warning areas, incident areas)."""

import json

from django.core.exceptions import ValidationError


def check_polygon(value):
    """A GeoJSON Polygon in WGS84 with at least four points, or None."""
    if value is None:
        return value
    ring = (value.get("coordinates") or [None])[0] if isinstance(value, dict) else None
    if not (isinstance(value, dict) and value.get("type") == "Polygon" and isinstance(ring, list) and len(ring) >= 4):
        raise ValidationError(
            '应为 GeoJSON 面：{"type": "Polygon", "coordinates": [[[经度, 纬度], …]]}（至少 4 个点，首尾相同）'
        )
    try:
        if not all(-180 <= float(p[0]) <= 180 and -90 <= float(p[1]) <= 90 for p in ring):
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise ValidationError("坐标应为 [经度, 纬度] 且在有效范围内") from None
    return value


def parse_polygon(text: str, label: str):
    """A polygon from a form's hidden JSON field: None when empty, ValidationError naming `label` when bad."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        raise ValidationError(f"{label}不是有效的 GeoJSON") from None
    return check_polygon(value)
