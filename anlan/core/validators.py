"""Validators for national codes and contact numbers, with Chinese messages."""

import re

from django.core.exceptions import ValidationError

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


def location_errors(lon, lat, *, lon_field: str = "lon", lat_field: str = "lat") -> dict[str, str]:
    """Chinese messages, keyed by field, for a point that cannot be in China ({} when it can, or when
    neither coordinate is given). Non-finite numbers fail the range check too (NaN compares false)."""
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
    return errors


def validate_instance_location(instance) -> None:
    """Every model with a location (fields `lon`/`lat`, or `last_lon`/`last_lat`) is checked here, on the
    one write path (core.services) and in the kit's forms."""
    for lon_field, lat_field in (("lon", "lat"), ("last_lon", "last_lat")):
        if hasattr(instance, lon_field) and hasattr(instance, lat_field):
            errors = location_errors(
                getattr(instance, lon_field), getattr(instance, lat_field), lon_field=lon_field, lat_field=lat_field
            )
            if errors:
                raise ValidationError(errors)
