"""Masking of phone and ID numbers for roles without need (lists, exports, audit)."""

from contextvars import ContextVar

from .roles import sees_full_id_number, sees_full_phone

# Objects whose full ID number was shown during the current request: written to the audit chain once,
# at the end of the request (ActorMiddleware), as one entry per object — a list page costs one append.
_full_id_views: ContextVar[dict | None] = ContextVar("anlan_full_id_views", default=None)


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


def mask_name(value: str | None) -> str:
    """张*明, 张* (the form of a 公示 list): the surname and, for longer names, the last character."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= 2:
        return text[0] + "*" * (len(text) - 1)
    return f"{text[0]}{'*' * (len(text) - 2)}{text[-1]}"


def mask(kind: str, value: str | None) -> str:
    if kind == "name":
        return mask_name(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "id_number":
        return mask_id_number(value)
    return "*" * len(value or "")


def visible_value(user, kind: str, value: str | None) -> str:
    """The value as this user may see it."""
    if value in (None, ""):
        return ""
    if kind in ("phone", "name") and sees_full_phone(user):  # the roles that call people see who they are
        return value
    if kind == "id_number" and sees_full_id_number(user):
        return value
    return mask(kind, value)


def visible_field_value(user, obj, field) -> str:
    """An encrypted field of `obj` as this user may see it; a full ID number shown is noted for the audit."""
    value = getattr(obj, field.name)
    shown = visible_value(user, field.sensitive_kind, value)
    if field.sensitive_kind == "id_number" and shown and shown == value:
        note_full_id_view(obj, field.name)
    return shown


def note_full_id_view(obj, field_name: str) -> None:
    views = _full_id_views.get()
    if views is None:  # outside a request (commands, tests): write now
        from .audit import audit_record

        audit_record(action="view_id_number", obj=obj, after={"field": field_name})
        return
    views[(obj._meta.label_lower, obj.pk)] = (obj, field_name)


def start_full_id_views():
    return _full_id_views.set({})


def discard_full_id_views(token) -> None:
    _full_id_views.reset(token)


def flush_full_id_views(token, *, actor) -> None:
    """Write one audit entry per object whose full ID number the request showed, then stop collecting."""
    views = _full_id_views.get() or {}
    _full_id_views.reset(token)
    if not views:
        return
    from .audit import AuditItem, append, owner_region_code

    append(
        [
            AuditItem(
                action="view_id_number",
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj),
                region_code=owner_region_code(obj),
                after={"field": field_name},
            )
            for obj, field_name in views.values()
        ],
        actor=actor,
    )
