"""Writing and verifying the hash-chained audit trail.

Every create/update/delete made through core.services and every workflow step calls
`audit_record`. Entries are chained: each stores the previous entry's hash, and its own hash covers
its content and that link. Appending takes a lock (PostgreSQL advisory lock; SQLite already
serialises writers) so two writers cannot both link to the same predecessor.
"""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from .models import AuditEntry

GENESIS = "0" * 64
_ADVISORY_LOCK_KEY = 0x616E6C616E  # "anlan"

# The person acting for the current request or command (set by ActorMiddleware / management commands).
current_actor: ContextVar = ContextVar("anlan_current_actor", default=None)


def _json_safe(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    return value


def snapshot(instance: models.Model, *, with_m2m: bool = False) -> dict:
    """The instance's field values, JSON-safe; sensitive values masked (they are encrypted at rest),
    fields named in the model's `audit_fingerprint` (password hashes) replaced by a short fingerprint.

    with_m2m adds many-to-many primary keys (one query per relation: for single-object writes).
    """
    from .fields import EncryptedCharField
    from .masking import mask

    data = {}
    fingerprinted = getattr(instance, "audit_fingerprint", ())
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if field.name in fingerprinted:
            # A change shows in the trail; the secret itself (e.g. a password hash) does not.
            data[field.attname] = "指纹:" + hashlib.sha256(str(value).encode()).hexdigest()[:12] if value else ""
            continue
        if isinstance(field, EncryptedCharField):
            value = mask(field.sensitive_kind, value) if value else value
        data[field.attname] = _json_safe(value)
    if with_m2m and instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


def _resolve(instance, path: str):
    value = instance
    for part in path.split("__"):
        if value is None:
            return None
        attname = f"{part}_id" if hasattr(value, f"{part}_id") else part
        value = getattr(value, attname, None)
    return value


def owner_region_code(instance) -> str:
    spec = getattr(instance, "scope_spec", None)
    if spec is None or spec.region is None:
        return ""
    value = _resolve(instance, spec.region)
    return str(value or "")


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "region_code": entry.region_code,
        "before": entry.before,
        "after": entry.after,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(entry)).hexdigest()


def _lock_and_last_hash() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
    return last or GENESIS


def actor_name(actor) -> str:
    """How an actor is named in histories: a user's display name (or username), a system label as given."""
    if actor is None:
        return "系统"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "display_name", "") or actor.get_username()


def _actor_fields(actor) -> tuple[int | None, str]:
    actor = actor if actor is not None else current_actor.get()
    if actor is None:
        return None, "系统"
    if isinstance(actor, str):
        return None, actor
    return actor.pk, actor.get_username()


def _object_type(obj_or_model) -> str:
    meta = obj_or_model._meta
    return f"{meta.app_label}.{meta.model_name}"


@dataclass
class AuditItem:
    action: str
    object_type: str
    object_id: str = ""
    object_repr: str = ""
    region_code: str = ""
    before: dict | None = None
    after: dict | None = None


def _round_to_db(value: dt.datetime) -> dt.datetime:
    # Both databases keep microseconds; strip nothing, but make the value timezone-aware UTC so the
    # canonical text is the same after a round trip through either database.
    return value.astimezone(dt.UTC)


@transaction.atomic
def append(items: Iterable[AuditItem], *, actor=None) -> list[AuditEntry]:
    """Append entries to the chain in one locked step (one query for the tail, one bulk insert)."""
    actor_id, actor_name = _actor_fields(actor)
    prev = _lock_and_last_hash()
    now = _round_to_db(timezone.now())
    entries = []
    for item in items:
        entry = AuditEntry(
            created_at=now,
            actor_id=actor_id,
            actor_name=actor_name[:150],
            action=item.action,
            object_type=item.object_type,
            object_id=str(item.object_id)[:64],
            object_repr=str(item.object_repr)[:255],
            region_code=item.region_code or "",
            before=_json_safe(item.before),
            after=_json_safe(item.after),
            prev_hash=prev,
        )
        entry.hash = compute_hash(prev, entry)
        prev = entry.hash
        entries.append(entry)
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return entries


def audit_record(*, action: str, obj=None, actor=None, before=None, after=None, model=None, extra=None):
    """Append one entry about `obj` (a model instance) or, for non-object events, `model`/extra."""
    target = obj if obj is not None else model
    item = AuditItem(
        action=action,
        object_type=_object_type(target) if target is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj) if obj is not None else "",
        region_code=owner_region_code(obj) if obj is not None else "",
        before=before,
        after=after if extra is None else {**(after or {}), **extra},
    )
    return append([item], actor=actor)[0]


def audit_bulk_create(objs: list[models.Model], *, actor=None, action: str = "create") -> None:
    """Audit many created rows in one step (bulk loads and imports)."""
    append(
        (
            AuditItem(
                action=action,
                object_type=_object_type(obj),
                object_id=str(obj.pk),
                object_repr=str(obj),
                region_code=owner_region_code(obj),
                after=snapshot(obj),
            )
            for obj in objs
        ),
        actor=actor,
    )


@dataclass
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order and report the first entry whose link or content does not match."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return VerifyResult(checked=checked)
        for entry in batch:
            if entry.prev_hash != prev:
                return VerifyResult(checked, entry.id, "与前一条记录的链接不符（前序记录被删除、插入或修改）")
            if compute_hash(prev, entry) != entry.hash:
                return VerifyResult(checked, entry.id, "记录内容与其哈希不符（记录被篡改）")
            prev = entry.hash
            checked += 1
        last_id = batch[-1].id
