"""GB/T 38565-2020 应急物资分类及编码: the code structure (pure; tested against the standard's rules).

Four levels, seven digits: major category (1 digit) + medium, small and fine categories (2 digits each,
01–99). Major categories: 1 基本生活保障物资, 2 应急装备及配套物资, 3 工程材料与机械加工设备.
99 at any two-digit level is the "other" (收容) category. (reference/standards.md §6.3)
"""

import re

from django.core.exceptions import ValidationError

MAJOR_CATEGORIES = {
    "1": "基本生活保障物资",
    "2": "应急装备及配套物资",
    "3": "工程材料与机械加工设备",
}
CODE_RE = re.compile(r"^[123](0[1-9]|[1-9]\d){3}$")


def validate_supply_code(value: str) -> None:
    code = (value or "").strip()
    if not re.fullmatch(r"\d{7}", code):
        raise ValidationError("应急物资编码应为7位数字（GB/T 38565：1位大类 + 3级各2位）", code="supply_code_format")
    if code[0] not in MAJOR_CATEGORIES:
        raise ValidationError("应急物资编码首位（大类）应为 1、2 或 3", code="supply_code_major")
    if not CODE_RE.match(code):
        raise ValidationError("中类、小类、细类编码应为 01–99", code="supply_code_level")


def major_category(code: str) -> str:
    return MAJOR_CATEGORIES.get((code or "")[:1], "")


def levels(code: str) -> tuple[str, str, str, str]:
    """(major, medium, small, fine) prefixes of a code: '1', '101', '10101', '1010101'."""
    return code[:1], code[:3], code[:5], code[:7]


def is_other(code: str) -> bool:
    """True when any two-digit level is 99, the standard's catch-all category."""
    return any(code[i : i + 2] == "99" for i in (1, 3, 5))
