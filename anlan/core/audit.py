"""Writing and verifying the keyed, hash-chained audit trail.

Every create/update/delete made through core.services and every workflow step calls
`audit_record`. Entries are chained: each stores the previous entry's hash, and its own hash is an HMAC
(audit key kept outside the database, core/crypto.py) over that link, its content and its scheme —
HMAC-SHA256 by default, HMAC-SM3 with ANLAN_CRYPTO=sm. Without the key nobody can recompute the chain
after rewriting an entry. Appending takes a lock (PostgreSQL advisory lock; SQLite already serialises
writers) so two writers cannot both link to the same predecessor.

Entries written before the chain was keyed carry scheme "sha256" (a plain SHA-256, `compute_hash`) and
still verify; they can only form the start of the chain: a keyed entry is never followed by an unkeyed
one, and the switch-over point is anchored by a checkpoint written when the first keyed entry is appended.

Checkpoints (entry count, head hash, time, number of unkeyed entries, HMAC under the audit key, each
linked to the previous one) are appended daily to a 0600 file outside the database and optionally sent to
a syslog collector. `verify_chain` checks the entries and the checkpoints: deleting the last entries
(count below a checkpoint) or re-hashing a chain (head differs from a checkpoint at its count) fails.
"""

import contextlib
import datetime as dt
import decimal
import fcntl
import functools
import hashlib
import json
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from logging.handlers import SysLogHandler
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from . import crypto
from .models import AuditEntry

log = logging.getLogger(__name__)

GENESIS = "0" * 64
LEGACY = "sha256"  # entries written before the chain was keyed
_MAC_NAMES = {crypto.DEFAULT: "hmac-sha256", crypto.SM: "hmac-sm3"}
_ADVISORY_LOCK_KEY = 0x616E6C616E  # "anlan"

# The person acting for the current request or command (set by ActorMiddleware / management commands).
current_actor: ContextVar = ContextVar("anlan_current_actor", default=None)


def _json_safe(value):
    if isinstance(value, FieldFile):  # an upload is recorded by its stored name
        return value.name or ""
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
    from .fields import BlindIndexField, EncryptedCharField
    from .masking import mask

    data = {}
    fingerprinted = getattr(instance, "audit_fingerprint", ())
    for field in instance._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            continue  # derived from the (masked) number beside it: nothing a reader needs, nothing to compare
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
    if entry.scheme != LEGACY:
        # The scheme is sealed too, so a keyed entry cannot be relabelled (legacy bodies stay as they were).
        body["scheme"] = entry.scheme
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(prev_hash: str, entry: AuditEntry) -> str:
    """The public, unkeyed hash of entries written before the chain was keyed (scheme "sha256")."""
    return hashlib.sha256(prev_hash.encode() + _canonical(entry)).hexdigest()


# ---------------------------------------------------------------- keys


class KeyRing:
    """The configured audit keys: which one seals new entries, and which verifies a given scheme label."""

    def __init__(self, keys: list[bytes]):
        self.keys = keys
        self._by_label = {}
        for key in keys:
            for scheme, name in _MAC_NAMES.items():
                algorithm = crypto.hash_algorithm(scheme)
                self._by_label[f"{name}:{crypto.key_id(algorithm, key)}"] = (algorithm, key)

    @classmethod
    def load(cls) -> "KeyRing":
        # Read on every append (a lost or replaced key file shows at once); built once per key set.
        return _keyring(tuple(crypto.audit_keys()))

    def sealing_label(self) -> str:
        scheme = crypto.configured_scheme()
        return f"{_MAC_NAMES[scheme]}:{crypto.key_id(crypto.hash_algorithm(scheme), self.keys[0])}"

    def mac(self, label: str, data: bytes) -> str:
        """HMAC of data under the key and algorithm a label names; KeyError when no configured key matches."""
        algorithm, key = self._by_label[label]
        return crypto.mac_hex(algorithm, key, data)

    def knows(self, label: str) -> bool:
        return label in self._by_label


@functools.lru_cache(maxsize=8)
def _keyring(keys: tuple[bytes, ...]) -> KeyRing:
    return KeyRing(list(keys))


_MISSING_KEY = (
    "审计密钥缺失：审计链中已有用密钥签名的记录，但既未设置 ANLAN_AUDIT_KEYS，数据目录中也没有 {file}。"
    "请从备份恢复该密钥文件（系统不会自动生成新密钥，以免掩盖密钥丢失）"
)


def _sealing_keyring() -> KeyRing:
    """The key ring for appending; creates the key on first use, never once keyed entries exist."""
    ring = KeyRing.load()
    if ring.keys:
        return ring
    if AuditEntry.objects.exclude(scheme=LEGACY).exists():
        raise crypto.KeyMissingError(_MISSING_KEY.format(file=crypto.audit_key_path()))
    crypto.create_audit_key()
    return KeyRing.load()


def seal(ring: KeyRing, prev_hash: str, entry: AuditEntry) -> str:
    return ring.mac(entry.scheme, prev_hash.encode() + _canonical(entry))


def _lock_and_tail() -> tuple[str, str]:
    """(hash, scheme) of the last entry, under the chain lock; (GENESIS, LEGACY) for an empty chain."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("hash", "scheme").first()
    return last or (GENESIS, LEGACY)


def _lock_and_last_hash() -> str:
    return _lock_and_tail()[0]


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
    prev, prev_scheme = _lock_and_tail()
    ring = _sealing_keyring()
    label = ring.sealing_label()
    if prev_scheme == LEGACY:
        # Switch-over (or a new chain): anchor how many unkeyed entries there are before the first keyed
        # one, so nobody can later pass keyed entries off as old unkeyed ones.
        _write_checkpoint_locked(ring)
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
            scheme=label,
        )
        entry.hash = seal(ring, prev, entry)
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


def audit_changes(*, action: str, obj, actor, before: dict, after: dict, even_if_unchanged: bool = False):
    """Audit an update as the fields that changed between two snapshots (`updated_at` is not a change).
    Nothing is written when nothing changed, unless `even_if_unchanged` (a step that is itself the event)."""
    changed = [k for k in after if after.get(k) != before.get(k) and k != "updated_at"]
    if not changed and not even_if_unchanged:
        return None
    return audit_record(
        action=action,
        obj=obj,
        actor=actor,
        before={k: before.get(k) for k in changed},
        after={k: after[k] for k in changed},
    )


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


# ---------------------------------------------------------------- checkpoints


class CheckpointError(Exception):
    """The checkpoint file was altered (message in Chinese, names the line)."""


@dataclass(frozen=True)
class Checkpoint:
    number: int  # 1, 2, … in the file: the line number of a well-formed file
    at: str
    count: int  # entries in the chain when it was written
    head: str  # hash of the last of them (GENESIS for none)
    legacy: int  # unkeyed entries at the start of the chain
    scheme: str
    prev: str  # mac of the previous checkpoint ("" for the first)
    mac: str

    def body(self) -> dict:
        return {
            "n": self.number,
            "at": self.at,
            "count": self.count,
            "head": self.head,
            "legacy": self.legacy,
            "scheme": self.scheme,
            "prev": self.prev,
        }

    def line(self) -> str:
        return json.dumps({**self.body(), "mac": self.mac}, sort_keys=True, separators=(",", ":"))

    def describe(self) -> str:
        return f"检查点 #{self.number}（{self.at}，第 {self.count} 条）"


def _signed_text(body: dict) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def checkpoints_path() -> Path:
    return Path(settings.ANLAN_AUDIT_CHECKPOINTS)


def _last_line(path: Path) -> dict | None:
    if not path.exists():
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        return json.loads(lines[-1])
    except ValueError:
        return {}


@contextlib.contextmanager
def _checkpoint_file_locked(path: Path):
    """Hold an exclusive lock on the checkpoint file (created 0600), so two processes writing a checkpoint
    at once (SQLite gives no chain lock to readers) cannot both link to the same predecessor."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.fchmod(fd, 0o600)  # also when someone created the file beforehand with a looser mode
        yield fd
    finally:
        os.close(fd)  # releases the lock


def _append_line(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())
    os.fsync(fd)


def send_to_syslog(line: str, url: str) -> None:
    """Send one line to a syslog collector (udp://host:port or tcp://host:port), so a copy of every
    checkpoint lives where an intruder on this machine cannot reach it."""
    parts = urlsplit(url)
    if parts.scheme not in {"udp", "tcp"} or not parts.hostname:
        raise ValueError(f"ANLAN_AUDIT_SYSLOG 应为 udp://主机:端口 或 tcp://主机:端口，而不是 {url!r}")
    socktype = socket.SOCK_DGRAM if parts.scheme == "udp" else socket.SOCK_STREAM
    handler = SysLogHandler(
        address=(parts.hostname, parts.port or 514), facility=SysLogHandler.LOG_AUTHPRIV, socktype=socktype
    )
    handler.ident = "anlan-audit: "
    try:
        handler.emit(logging.makeLogRecord({"msg": line, "levelno": logging.INFO, "levelname": "INFO"}))
    finally:
        handler.close()


def _write_checkpoint_locked(ring: KeyRing) -> Checkpoint:
    """Write a checkpoint of the chain as it stands (the caller holds the chain lock or a consistent read)."""
    count = AuditEntry.objects.count()
    head = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    legacy = AuditEntry.objects.filter(scheme=LEGACY).count()
    path = checkpoints_path()
    with _checkpoint_file_locked(path) as fd:
        checkpoint = _sign_checkpoint(ring, count, head, legacy, _last_line(path))
        _append_line(fd, checkpoint.line())
    if settings.ANLAN_AUDIT_SYSLOG:
        try:
            send_to_syslog(checkpoint.line(), settings.ANLAN_AUDIT_SYSLOG)
        except OSError:
            # The local file is written; a collector that is down must not stop the audit trail.
            log.exception("audit checkpoint not sent to %s", settings.ANLAN_AUDIT_SYSLOG)
    return checkpoint


def _sign_checkpoint(ring: KeyRing, count: int, head: str, legacy: int, last: dict | None) -> Checkpoint:
    label = ring.sealing_label()
    unsigned = Checkpoint(
        number=int((last or {}).get("n", 0)) + 1,
        at=timezone.now().astimezone(dt.UTC).isoformat(timespec="seconds"),
        count=count,
        head=head,
        legacy=legacy,
        scheme=label,
        prev=str((last or {}).get("mac", "")),
        mac="",
    )
    return Checkpoint(**{**unsigned.__dict__, "mac": ring.mac(label, _signed_text(unsigned.body()))})


@transaction.atomic
def write_checkpoint() -> Checkpoint:
    """Anchor the chain now: count + head hash + time, HMACed with the audit key, outside the database."""
    _lock_and_tail()
    last = _last_line(checkpoints_path()) or {}
    count = AuditEntry.objects.count()
    if int(last.get("count", 0) or 0) > count:
        # Never paper over a truncation with a fresh anchor: the older, longer checkpoint is the evidence.
        raise CheckpointError(
            f"审计链现有 {count} 条记录，少于检查点 #{last.get('n')} 记录的 {last.get('count')} 条："
            "记录被删除或数据库被替换，请先运行 anlan audit-verify 调查；不写入新检查点"
        )
    return _write_checkpoint_locked(_sealing_keyring())


def checkpoint_job(today: dt.date) -> str:
    """The daily job (core.daily): one checkpoint a day; running it twice only adds one more anchor."""
    checkpoint = write_checkpoint()
    return f"审计链检查点 #{checkpoint.number}：共 {checkpoint.count} 条，链头 {checkpoint.head[:12]}…"


def read_checkpoints(ring: KeyRing, path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, each MAC and link checked; CheckpointError names the first bad line."""
    path = path or checkpoints_path()
    if not path.exists():
        return []
    if not ring.keys:
        raise CheckpointError(_MISSING_KEY.format(file=crypto.audit_key_path()))
    checkpoints: list[Checkpoint] = []
    prev_mac = ""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        where = f"检查点文件 {path} 第 {number} 行"
        try:
            data = json.loads(line)
            checkpoint = Checkpoint(
                number=int(data["n"]),
                at=str(data["at"]),
                count=int(data["count"]),
                head=str(data["head"]),
                legacy=int(data["legacy"]),
                scheme=str(data["scheme"]),
                prev=str(data["prev"]),
                mac=str(data["mac"]),
            )
        except (ValueError, KeyError, TypeError):
            raise CheckpointError(f"{where}格式错误（文件被改动）") from None
        if not ring.knows(checkpoint.scheme):
            raise CheckpointError(f"{where}由未配置的审计密钥签名（{checkpoint.scheme}）：审计密钥缺失或被更换")
        if ring.mac(checkpoint.scheme, _signed_text(checkpoint.body())) != checkpoint.mac:
            raise CheckpointError(f"{where}签名不符（检查点被篡改）")
        if checkpoint.number != number or checkpoint.prev != prev_mac:
            raise CheckpointError(f"{where}与前一个检查点的链接不符（检查点被删除、插入或调换）")
        if checkpoints and checkpoint.count < checkpoints[-1].count:
            raise CheckpointError(f"{where}的记录数小于前一个检查点（检查点被篡改）")
        checkpoints.append(checkpoint)
        prev_mac = checkpoint.mac
    return checkpoints


# ---------------------------------------------------------------- verification


@dataclass
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    legacy: int = 0  # entries written before the chain was keyed
    checkpoints: int = 0  # checkpoints checked against the chain

    @property
    def ok(self) -> bool:
        return self.broken_id is None and not self.reason


def _entry_problem(entry: AuditEntry, prev: str, keyed_seen: bool, ring: KeyRing) -> str:
    if entry.prev_hash != prev:
        return "与前一条记录的链接不符（前序记录被删除、插入或修改）"
    if entry.scheme == LEGACY:
        if keyed_seen:
            return "使用无密钥的旧算法，但其前已有带密钥的记录（记录被改写后用公开算法重算：篡改）"
        return "" if compute_hash(prev, entry) == entry.hash else "记录内容与其哈希不符（记录被篡改）"
    if not ring.keys:
        return _MISSING_KEY.format(file=crypto.audit_key_path())
    if not ring.knows(entry.scheme):
        return f"由未配置的审计密钥签名（{entry.scheme}）：审计密钥缺失或被更换，请配置签名时所用的密钥"
    return "" if seal(ring, prev, entry) == entry.hash else "记录内容与其哈希不符（记录被篡改）"


def verify_chain(batch_size: int = 5000, checkpoints_file: Path | None = None) -> VerifyResult:
    """Walk the chain in order and report the first entry whose link or content does not match, then
    hold the chain against every checkpoint (its count, its head hash, its number of unkeyed entries)."""
    ring = KeyRing.load()
    try:
        checkpoints = read_checkpoints(ring, checkpoints_file)
    except CheckpointError as exc:
        return VerifyResult(0, reason=str(exc))
    pending = list(checkpoints)
    prev = GENESIS
    checked = legacy = last_id = 0
    keyed_seen = False

    def passed_checkpoints() -> str:
        # Checkpoints taken when the chain had exactly `checked` entries must name today's head.
        while pending and pending[0].count == checked:
            checkpoint = pending.pop(0)
            if checkpoint.head != prev:
                return (
                    f"{checkpoint.describe()}的链头哈希与数据库中第 {checked} 条记录不符："
                    "此前的记录被改写或整条链被重算"
                )
        return ""

    problem = passed_checkpoints()
    while not problem:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            reason = _entry_problem(entry, prev, keyed_seen, ring)
            if reason:
                return VerifyResult(checked, entry.id, reason, legacy)
            keyed_seen = keyed_seen or entry.scheme != LEGACY
            legacy += entry.scheme == LEGACY
            prev = entry.hash
            checked += 1
            problem = passed_checkpoints()
            if problem:
                break
        last_id = batch[-1].id
    if not problem and pending:
        checkpoint = pending[0]
        problem = (
            f"审计链被截断：{checkpoint.describe()}时已有 {checkpoint.count} 条记录，"
            f"数据库中现在只有 {checked} 条（末尾记录被删除）"
        )
    if not problem:
        for checkpoint in checkpoints:
            if legacy > checkpoint.legacy:
                problem = (
                    f"审计链中有 {legacy} 条无密钥的旧记录，但{checkpoint.describe()}时只有 {checkpoint.legacy} 条："
                    "带密钥的记录被改写为旧算法（篡改）"
                )
                break
    if not problem and not checkpoints:
        problem = _missing_checkpoints(checked, legacy, checkpoints_file or checkpoints_path())
    return VerifyResult(checked, reason=problem, legacy=legacy, checkpoints=len(checkpoints) - len(pending))


def _missing_checkpoints(checked: int, legacy: int, path: Path) -> str:
    """A keyed chain always has its switch-over checkpoint (written with the first keyed entry), and the
    key file is only ever created together with it: without any checkpoint, the file was removed."""
    if checked > legacy:
        evidence = "链中已有带密钥的记录"
    elif checked and crypto.audit_key_path().exists():
        evidence = f"审计密钥文件 {crypto.audit_key_path()} 已存在"
    else:
        return ""
    return (
        f"检查点文件 {path} 缺失或为空，但{evidence}，启用密钥时必定写入过切换点检查点："
        "检查点文件被删除或指向了错误的位置（ANLAN_AUDIT_CHECKPOINTS）"
    )
