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
