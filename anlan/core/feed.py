"""The 工作台's "recent changes in my area": the latest audited changes a user may know about, in words.

The audit trail is the source (every write is audited, core.audit), but its page is for county
administrators only (`AuditEntry.view_roles`) and its scope is the owner region code alone, which says
nothing about departments or enterprises. So the feed does not hand audit entries to other roles as they
are. It takes the latest entries whose owner region lies in the user's subtree and whose object type is a
registry the user is offered (core.kit.offered_to), then keeps an entry only if its object is one the user
may open now (`config.queryset(user)`, the one scoping function): an enterprise user keeps its own
enterprise's rows, a department operator its department's, a township its own townships'. A deleted object
cannot be checked any more, so its deletion is shown only to those who may read the audit trail itself.

Queries: one for the entries, one per object type among them (ids checked together), one for the region
names: never one per row.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone

from .kit import all_configs, offered_to
from .labels import action_label, region_full_names
from .models import AuditEntry
from .regioncodes import region_prefix
from .roles import role_allows

__all__ = ["Change", "recent_changes", "relative_time"]

# Entries that are not changes to a record someone works on: sign-ins, exports, looks at ID numbers,
# key and token housekeeping.
NOT_CHANGES = frozenset(
    {
        "export",
        "import_queued",
        "view_id_number",
        "view_phone",
        "crypto_migrate",
        "blind_index_rebuild",
        "map_layers_save",  # a user's own choice of map layers, saved on every toggle: not news for the area
        "login",
        "login_failed",
        "login_locked",
        "login_unlock",
        "logout",
        "password_change",
        "token_create",
        "token_revoke",
        "otp_enrol",
        "otp_reset",
    }
)
_VERBS = {
    "create": "新增了",
    "update": "修改了",
    "delete": "删除了",
    "import_create": "导入了",
    "import_update": "导入修改了",
}
# Entries read to find `limit` the user may see: several per row shown, since some are dropped (another
# enterprise's rows in the same village, objects deleted since).
_WINDOW_PER_ROW = 5
_STATE_FIELDS = ("status", "state")


@dataclass(frozen=True)
class Change:
    at: dt.datetime
    when: str  # "12 分钟前"
    who: str  # the actor's display name, "系统" for the platform
    text: str  # the whole sentence: "李明 将隐患「护栏破损」转为整改中（交办整改）"
    object_name: str
    object_type: str  # the model's Chinese name
    region_name: str  # "" when the record has no owner region
    url: str  # "" when the user may not open it (or it is gone)


def recent_changes(user, limit: int = 10, *, now: dt.datetime | None = None) -> list[Change]:
    """The latest `limit` changes to records in `user`'s scope, newest first, in plain Chinese."""
    if not getattr(user, "is_authenticated", False) or limit <= 0:
        return []
    configs = {c.model._meta.label_lower: c for c in all_configs() if offered_to(user, c.model)}
    entries = _candidate_entries(user, configs, limit * _WINDOW_PER_ROW)
    visible = _visible_ids(user, configs, entries)
    audit_reader = role_allows(user, "view", AuditEntry)
    kept = []
    for entry in entries:
        may_open = entry.object_id in visible.get(entry.object_type, ())
        if may_open or (audit_reader and entry.action == "delete"):
            kept.append((entry, may_open))
        if len(kept) == limit:
            break
    names = region_full_names({entry.region_code for entry, _ in kept})
    people = _display_names({entry.actor_id for entry, _ in kept if entry.actor_id})
    now = now or timezone.now()
    return [_change(entry, configs, names, people, may_open, now) for entry, may_open in kept]


def _display_names(actor_ids: set[int]) -> dict[int, str]:
    """Who did it, by the name colleagues know (姓名), not the login: one query for the whole feed."""
    if not actor_ids:
        return {}
    rows = get_user_model().objects.filter(pk__in=actor_ids).exclude(display_name="")
    return dict(rows.values_list("pk", "display_name"))


def _candidate_entries(user, configs: dict, window: int) -> list[AuditEntry]:
    if not configs:
        return []
    qs = AuditEntry.objects.filter(object_type__in=list(configs)).exclude(action__in=NOT_CHANGES).exclude(object_id="")
    if not user.is_superuser:
        if not user.region_id:
            return []
        qs = qs.filter(region_code__startswith=region_prefix(user.region_id))
    fields = ("id", "created_at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr")
    fields = (*fields, "region_code")
    return list(qs.order_by("-id").only(*fields, "after")[:window])


def _visible_ids(user, configs: dict, entries: list[AuditEntry]) -> dict[str, set[str]]:
    """Per object type, the ids among `entries` the user may open now: one query per type."""
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    visible = {}
    for object_type, ids in wanted.items():
        config = configs[object_type]
        pks = _valid_pks(config.model, ids)
        if not pks:
            continue
        rows = config.model.objects.restrict(user, "view").filter(pk__in=pks).values_list("pk", flat=True)
        visible[object_type] = {str(pk) for pk in rows}
    return visible


def _valid_pks(model, ids: set[str]) -> list:
    """The ids that can be this model's keys (an integer key never gets a malformed text)."""
    if isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField):
        return [int(i) for i in ids if i.isdigit()]
    return list(ids)


def _change(entry: AuditEntry, configs: dict, names: dict, people: dict, may_open: bool, now: dt.datetime) -> Change:
    config = configs[entry.object_type]
    who = people.get(entry.actor_id) or entry.actor_name or "系统"
    type_name = config.verbose_name
    name = entry.object_repr or f"#{entry.object_id}"
    return Change(
        at=entry.created_at,
        when=relative_time(entry.created_at, now),
        who=who,
        text=f"{who} {_what(entry, config.model, type_name, name)}",
        object_name=name,
        object_type=type_name,
        region_name=names.get(entry.region_code, ""),
        url=config.reverse("detail", entry.object_id) if may_open else "",
    )


def _what(entry: AuditEntry, model, type_name: str, name: str) -> str:
    """What happened, after the actor's name."""
    target = f"{type_name}「{name}」"
    if entry.action in ("update", "import_update"):
        fields = _changed_field_names(model, entry.after)
        detail = f"的{'、'.join(fields[:3])}{'等' if len(fields) > 3 else ''}" if fields else ""
        return f"{_VERBS[entry.action]}{target}{detail}"
    if entry.action in _VERBS:
        return f"{_VERBS[entry.action]}{target}"
    step = action_label(entry.action)
    state = _new_state(model, entry.after)
    if state:
        return f"将{target}转为{state}（{step}）"
    return f"{step}：{target}"


def _changed_field_names(model, after) -> list[str]:
    if not isinstance(after, dict):
        return []
    labels = []
    for key in after:
        field = _field(model, key)
        if field is not None and key != "updated_at":
            labels.append(str(field.verbose_name))
    return labels


def _new_state(model, after) -> str:
    """The state a workflow step moved the record to, by its label ("整改中"), when the entry records it."""
    if not isinstance(after, dict):
        return ""
    for key in _STATE_FIELDS:
        field = _field(model, key)
        if key in after and field is not None and field.choices:
            return str(dict(field.flatchoices).get(after[key], ""))
    return ""


def _field(model, key: str):
    try:
        return model._meta.get_field(str(key).removesuffix("_id"))
    except FieldDoesNotExist:  # a key that is not a field (comment, stage…) names nothing
        return None


def relative_time(at: dt.datetime, now: dt.datetime | None = None) -> str:
    """When, as people say it: 刚刚, 12 分钟前, 3 小时前, 昨天 14:05, 5 天前, else the date."""
    now = now or timezone.now()
    seconds = (now - at).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    local, today = timezone.localtime(at), timezone.localtime(now).date()
    if seconds < 6 * 3600 or local.date() == today:
        return f"{int(seconds // 3600)} 小时前"
    days = (today - local.date()).days
    if days == 1:
        return f"昨天 {local:%H:%M}"
    if days < 7:
        return f"{days} 天前"
    return f"{local:%Y-%m-%d}"
