"""Checking a GeoJSON polygon drawn on a map or sent to the API (warning areas, incident areas)."""

from django.core.exceptions import ValidationError

from anlan.core import safejson

# A hand-drawn warning or incident area has tens of points, a traced township boundary a few hundred;
# 200,000 took 5 s to check and store (issue 12, finding 13), so more than this is refused outright.
MAX_VERTICES = 2000


def check_polygon(value):
    """A GeoJSON Polygon in WGS84 with at least four points, or None."""
    if value is None:
        return value
    rings = value.get("coordinates") if isinstance(value, dict) else None
    ring = (rings or [None])[0] if isinstance(rings, list) else None
    if not (isinstance(value, dict) and value.get("type") == "Polygon" and isinstance(ring, list) and len(ring) >= 4):
        raise ValidationError(
            '应为 GeoJSON 面：{"type": "Polygon", "coordinates": [[[经度, 纬度], …]]}（至少 4 个点，首尾相同）'
        )
    if not all(isinstance(r, list) for r in rings):
        raise ValidationError("坐标应为 [经度, 纬度] 组成的环")
    vertices = sum(len(r) for r in rings)
    if vertices > MAX_VERTICES:
        raise ValidationError(f"范围的顶点过多（{vertices} 个，最多 {MAX_VERTICES} 个），请简化后再提交")
    try:
        if not all(-180 <= float(p[0]) <= 180 and -90 <= float(p[1]) <= 90 for r in rings for p in r):
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
        value = safejson.loads(text)
    except safejson.MalformedJSON:
        raise ValidationError(f"{label}不是有效的 GeoJSON") from None
    return check_polygon(value)
