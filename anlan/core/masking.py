"""Masking of phone and ID numbers for roles without need (lists, exports, audit)."""

from .roles import sees_full_id_number, sees_full_phone


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    digits = str(value)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    text = str(value)
    if len(text) <= 8:
        return "*" * len(text)
    return f"{text[:6]}{'*' * (len(text) - 10)}{text[-4:]}"


def mask(kind: str, value: str | None) -> str:
    if kind == "phone":
        return mask_phone(value)
    if kind == "id_number":
        return mask_id_number(value)
    return "*" * len(value or "")


def visible_value(user, kind: str, value: str | None) -> str:
    """The value as this user may see it."""
    if value in (None, ""):
        return ""
    if kind == "phone" and sees_full_phone(user):
        return value
    if kind == "id_number" and sees_full_id_number(user):
        return value
    return mask(kind, value)
