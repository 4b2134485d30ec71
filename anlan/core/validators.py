"""Validators for national codes and contact numbers, with Chinese messages."""

import datetime as dt
import re
import time

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet (no I, O, Z, S, V).
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999 公民身份号码: ISO 7064 MOD 11-2 check character.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValidationError("统一社会信用代码应为18位数字或大写字母（不含I、O、Z、S、V）", code="credit_code_format")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位错误，请核对", code="credit_code_check")


def id_number_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    text = (value or "").strip().upper()
    if not re.match(r"^\d{17}[\dX]$", text):
        raise ValidationError("身份证号码应为18位（最后一位可为X）", code="id_format")
    if id_number_check_char(text[:17]) != text[17]:
        raise ValidationError("身份证号码校验位错误，请核对", code="id_check")


def validate_phone(value: str) -> None:
    text = (value or "").strip()
    if not (MOBILE_RE.match(text) or LANDLINE_RE.match(text)):
        raise ValidationError("电话号码格式不正确（手机号11位，座机如 023-57681234）", code="phone_format")


def validate_region_code(value: str) -> None:
    if not re.match(r"^\d{12}$", value or ""):
        raise ValidationError("区划代码应为12位数字", code="region_code_format")


# The PRC's extent, rounded outwards: 帕米尔 73.5°E to 抚远 134.8°E, 曾母暗沙 3.9°N to 漠河 53.6°N. Anlan
# serves county bureaus in China, so a point outside this box is a typing or device error (e.g. latitude
# and longitude swapped), and (0, 0) — the "null island" a GPS without a fix reports — is never real.
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)

# A record of the county lies in the county: a point further than this outside the bounding box of every
# loaded county (the tree's top regions) is a typing error. The margin (≈50 km) leaves room for a team's
# base, a warehouse or a shelter just across the border and for the GCJ-02 offset of phone maps.
COUNTY_MARGIN_DEG = 0.5
# The boxes are read once per this many seconds per process (one query); loading a county forgets them.
EXTENT_TTL_S = 300.0

_extent: dict = {"read_at": None, "boxes": ()}


def forget_county_extent() -> None:
    """Called when a county is loaded, so the next check reads the new extent."""
    _extent["read_at"] = None


def _box_of(boundary) -> tuple[float, float, float, float] | None:
    try:
        import shapely.geometry

        geom = shapely.geometry.shape(boundary)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
    return None if geom.is_empty else geom.bounds


def county_boxes() -> tuple[tuple[float, float, float, float], ...]:
    """(min lon, min lat, max lon, max lat) of each loaded county's boundary, widened by the margin;
    () while no region is loaded (then only the China check applies)."""
    now = time.monotonic()
    if _extent["read_at"] is not None and now - _extent["read_at"] < EXTENT_TTL_S:
        return _extent["boxes"]
    from django.db.models import Max, Min

    from .regioncodes import region_prefix
    from .regions import region_model

    Region = region_model()
    boxes = []
    for code, boundary in Region.objects.filter(parent__isnull=True).values_list("code", "boundary"):
        box = _box_of(boundary) if boundary else None
        if box is None:  # a tree without boundaries: the extent of its regions' centres
            c = Region.objects.filter(code__startswith=region_prefix(code)).aggregate(
                w=Min("center_lon"), s=Min("center_lat"), e=Max("center_lon"), n=Max("center_lat")
            )
            box = None if c["w"] is None else (c["w"], c["s"], c["e"], c["n"])
        if box is not None:
            m = COUNTY_MARGIN_DEG
            boxes.append((box[0] - m, box[1] - m, box[2] + m, box[3] + m))
    if boxes:  # nothing loaded yet: ask again next time rather than remember "no county"
        _extent.update(read_at=now, boxes=tuple(boxes))
    return tuple(boxes)


def _range(lo: float, hi: float) -> str:
    return f"{lo:.2f}–{hi:.2f}"


def location_errors(lon, lat, *, lon_field: str = "lon", lat_field: str = "lat") -> dict[str, str]:
    """Chinese messages, keyed by field, for a point that cannot be a place of this platform ({} when it
    can, or when neither coordinate is given): both coordinates or neither, not (0, 0), inside China and
    inside a loaded county's extent with the margin. Non-finite numbers fail the range checks too (NaN
    compares false)."""
    if lon is None and lat is None:
        return {}
    if lon is None or lat is None:
        missing = lat_field if lat is None else lon_field
        return {missing: "经度和纬度应同时填写"}
    errors = {}
    if lon == 0 and lat == 0:
        return {lon_field: "坐标 (0, 0) 不是有效位置（多为定位未成功），请重新定位"}
    if not CHINA_LON[0] <= lon <= CHINA_LON[1]:
        errors[lon_field] = f"经度 {lon} 不在中国境内（{CHINA_LON[0]:g}–{CHINA_LON[1]:g}）"
    if not CHINA_LAT[0] <= lat <= CHINA_LAT[1]:
        errors[lat_field] = f"纬度 {lat} 不在中国境内（{CHINA_LAT[0]:g}–{CHINA_LAT[1]:g}）"
    if errors:
        return errors
    boxes = county_boxes()
    if not boxes or any(w <= lon <= e and s <= lat <= n for w, s, e, n in boxes):
        return {}
    hint = "请核对经纬度是否填反或输错"
    if not any(w <= lon <= e for w, _, e, _ in boxes):
        lons = "、".join(_range(w, e) for w, _, e, _ in boxes)
        errors[lon_field] = f"经度 {lon} 不在辖区范围内（{lons}，已含约 50 公里余量），{hint}"
    if not any(s <= lat <= n for _, s, _, n in boxes):
        lats = "、".join(_range(s, n) for _, s, _, n in boxes)
        errors[lat_field] = f"纬度 {lat} 不在辖区范围内（{lats}，已含约 50 公里余量），{hint}"
    return errors or {lon_field: f"位置（{lon}, {lat}）不在辖区范围内（已含约 50 公里余量），{hint}"}


def validate_location(lon, lat, *, lon_field: str = "lon", lat_field: str = "lat") -> None:
    """location_errors as a ValidationError (for services that take a position as arguments)."""
    errors = location_errors(lon, lat, lon_field=lon_field, lat_field=lat_field)
    if errors:
        raise ValidationError(errors)


LOCATION_FIELDS = (("lon", "lat"), ("last_lon", "last_lat"))


def validate_instance_location(instance, exclude=()) -> None:
    """Every model with a location (fields `lon`/`lat`, or `last_lon`/`last_lat`) is checked here: by
    AnlanModel.full_clean (services, forms, Excel imports) and by the generic writes of core.services."""
    errors = {}
    stored = getattr(instance, "_loaded_location", {})
    for lon_field, lat_field in LOCATION_FIELDS:
        if lon_field in exclude or lat_field in exclude:
            continue
        if lon_field in stored and lat_field in stored:
            unchanged = (stored[lon_field], stored[lat_field]) == (
                getattr(instance, lon_field),
                getattr(instance, lat_field),
            )
            if unchanged:  # judged when it was set (see AnlanModel._remember_stored)
                continue
        if hasattr(instance, lon_field) and hasattr(instance, lat_field):
            errors |= location_errors(
                getattr(instance, lon_field), getattr(instance, lat_field), lon_field=lon_field, lat_field=lat_field
            )
    if errors:
        raise ValidationError(errors)


@deconstructible
class AtMost:
    """An upper bound for a number with its own Chinese message. Not a MaxValueValidator on purpose: DRF
    turns those into its own `max_value` check and message, and the API would then say something else
    than the form and the import."""

    def __init__(self, limit, message: str):
        self.limit, self.message = limit, message

    def __call__(self, value) -> None:
        if value is not None and value > self.limit:
            raise ValidationError(self.message, code="implausible")

    def __eq__(self, other):
        return isinstance(other, AtMost) and (self.limit, self.message) == (other.limit, other.message)


# People counted in one record (casualties, trapped, evacuated, employees): no county holds more than a
# few million people, so a larger figure is a typing error (an extra zero, a pasted phone number).
PEOPLE_MAX = 5_000_000


def validate_people_count(value) -> None:
    if value is not None and value > PEOPLE_MAX:
        raise ValidationError(
            f"人数 {value:,} 不合理（超过 {PEOPLE_MAX // 10_000} 万人），请核对", code="people_implausible"
        )


def validate_subcounts(instance, pairs) -> None:
    """ "其中" counts: each (part, whole) field pair must satisfy part ≤ whole (e.g. 重伤 ≤ 受伤)."""
    errors = {}
    for part, whole in pairs:
        p, w = getattr(instance, part), getattr(instance, whole)
        if p is not None and w is not None and p > w:
            label = instance._meta.get_field
            errors[part] = f"{label(part).verbose_name}（{p}）不能多于{label(whole).verbose_name}（{w}）"
    if errors:
        raise ValidationError(errors)


def deadline_errors(new, old, *, field: str, label: str, today=None) -> dict[str, str]:
    """A deadline set or changed to a day already past is an error; an unchanged deadline (an old
    record edited for another reason, an overdue hazard) is left alone."""
    if new is None or new == old:
        return {}
    from django.utils import timezone

    today = today or timezone.localdate()
    new_day = timezone.localdate(new) if isinstance(new, dt.datetime) else new
    if new_day < today:
        return {field: f"{label}（{new_day:%Y年%-m月%-d日}）已过，请选择今天或以后的日期"}
    return {}
