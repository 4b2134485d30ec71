"""Backup and restore of one installation: `anlan backup`, `anlan restore` (docs/backup.md).

A backup is one gzip-compressed tar file holding

- the database: SQLite copied with its online backup API (a consistent copy while the service keeps
  running), PostgreSQL as `pg_dump -Fc` (connection from settings, the password in PGPASSWORD, never argv);
- the uploads directory (MEDIA_ROOT), under `uploads/`;
- the audit chain's checkpoint log (`audit-checkpoints.log`): the chain is verified against it after a
  restore, so it must describe the same database;
- the keys (field encryption, blind index, audit, SM4, Django secret) in `keys.enc`, encrypted with
  AES-256-GCM under a key derived from a passphrase with scrypt;
- `manifest.json` (format version, program version, applied migrations per app, database engine, time,
  size and SHA-256 of every member) and `manifest.sig`, an HMAC of the manifest under a second key derived
  from the same passphrase, so the manifest (and through its checksums every member) cannot be changed
  without the passphrase.

Restoring checks everything before touching anything — the passphrase (the keys decrypt), the manifest's
signature, every member's checksum, the migrations (a backup made by newer code is refused) and the engine —
then replaces, in this order, the database (SQLite: the backup API copies the file's pages over the
configured database in one step; PostgreSQL: the schema's tables dropped and `pg_restore --clean` replayed
through psql in one transaction), the uploads directory, the checkpoint log and the key files; applies the
migrations the code has and the backup has not; and verifies the audit chain.

The archive is written to a temporary file beside its destination and renamed into place (mode 0600), so a
failed backup leaves nothing that looks like a backup.
"""

import base64
import datetime as dt
import glob
import hashlib
import hmac as std_hmac
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings
from django.db import connection
from django.utils import timezone

import anlan
from anlan.core import audit

FORMAT = "anlan-backup"
FORMAT_VERSION = 1
PASSPHRASE_ENV = "ANLAN_BACKUP_PASSPHRASE"
MIN_PASSPHRASE = 12
NAME_PREFIX = "anlan-backup-"
SUFFIX = ".tar.gz"
NAME_PATTERN = re.compile(r"^anlan-backup-(\d{8})-(\d{6})\.tar\.gz$")

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KEYS = "keys.enc"
CHECKPOINTS = "audit-checkpoints.log"
UPLOADS = "uploads/"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

# scrypt: 2^15 × 8 × 128 bytes = 32 MiB of memory, a fraction of a second per try. A crafted archive may not
# ask for more than 2^20 (1 GiB).
SCRYPT_N = 2**15
SCRYPT_MAX_N = 2**20
_KEYS_AAD = b"anlan backup keys v1"


class BackupError(Exception):
    """A backup or restore refused or failed (message in Chinese, for the operator)."""


# ---------------------------------------------------------------- passphrase


def passphrase_from_env(variable: str = PASSPHRASE_ENV, *, creating: bool) -> str:
    value = os.environ.get(variable, "")
    if not value:
        what = "备份中的密钥须用口令加密" if creating else "解开备份中的密钥需要备份时所用的口令"
        raise BackupError(
            f"未提供备份口令：请在环境变量 {variable} 中设置口令（或用 --passphrase-env 指定另一个变量名）；{what}"
        )
    if creating and len(value) < MIN_PASSPHRASE:
        raise BackupError(f"备份口令过短：至少 {MIN_PASSPHRASE} 个字符（环境变量 {variable}）")
    return value


@dataclass(frozen=True)
class _Derived:
    cipher_key: bytes
    mac_key: bytes


def _derive(passphrase: str, salt: bytes, n: int) -> _Derived:
    raw = Scrypt(salt=salt, length=64, n=n, r=8, p=1).derive(passphrase.encode())
    return _Derived(raw[:32], raw[32:])


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def seal_keys(keys: dict, passphrase: str) -> tuple[bytes, bytes]:
    """The `keys.enc` member (JSON: scrypt parameters, nonce, AES-256-GCM ciphertext of the keys) and the
    manifest's MAC key, both from the passphrase."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    derived = _derive(passphrase, salt, SCRYPT_N)
    plain = json.dumps({"keys": keys}, ensure_ascii=False).encode()
    body = {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": 8,
        "p": 1,
        "salt": _b64(salt),
        "cipher": "AES-256-GCM",
        "nonce": _b64(nonce),
        "ciphertext": _b64(AESGCM(derived.cipher_key).encrypt(nonce, plain, _KEYS_AAD)),
    }
    return json.dumps(body, indent=1).encode(), derived.mac_key


def open_keys(blob: bytes, passphrase: str) -> tuple[dict, bytes]:
    """The keys and the manifest's MAC key; BackupError when the passphrase is wrong (or the member altered)."""
    try:
        body = json.loads(blob)
        salt, nonce = base64.b64decode(body["salt"]), base64.b64decode(body["nonce"])
        ciphertext, n = base64.b64decode(body["ciphertext"]), int(body["n"])
        if body["kdf"] != "scrypt" or body["cipher"] != "AES-256-GCM" or (body["r"], body["p"]) != (8, 1):
            raise ValueError("unknown algorithm")
        if not (2 <= n <= SCRYPT_MAX_N) or n & (n - 1):
            raise ValueError("scrypt cost out of range")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"备份中的密钥部分（{KEYS}）格式错误：{exc}") from None
    derived = _derive(passphrase, salt, n)
    try:
        plain = AESGCM(derived.cipher_key).decrypt(nonce, ciphertext, _KEYS_AAD)
    except InvalidTag:
        raise BackupError("口令错误：无法解开备份中的密钥（或备份的密钥部分被改动）；未做任何改动") from None
    return json.loads(plain)["keys"], derived.mac_key


def sign_manifest(manifest: bytes, mac_key: bytes) -> bytes:
    return std_hmac.new(mac_key, manifest, hashlib.sha256).hexdigest().encode()


# ---------------------------------------------------------------- keys


@dataclass(frozen=True)
class KeySlot:
    """One key: where it comes from (an environment variable, else a 0600 file in the data dir) and how the
    running process is told about a restored one."""

    name: str
    env: str
    label: str
    setting: str = ""  # the settings attribute holding the value read at start ("" = read from the file each use)

    def path(self) -> Path:
        if self.name == "audit_key":
            return Path(settings.ANLAN_AUDIT_KEY_FILE)
        if self.name == "sm4_keys":
            return Path(settings.ANLAN_SM4_KEY_FILE)
        return Path(settings.DATA_DIR) / self.name

    def current(self) -> str:
        if self.setting:
            value = getattr(settings, self.setting)
            return ",".join(value) if isinstance(value, list) else value
        from_env = ",".join(getattr(settings, "ANLAN_AUDIT_KEYS" if self.name == "audit_key" else "ANLAN_SM4_KEYS"))
        if from_env:
            return from_env
        return self.path().read_text().strip() if self.path().exists() else ""

    def apply(self, value: str) -> None:
        if self.setting == "FIELD_ENCRYPTION_KEYS":
            settings.FIELD_ENCRYPTION_KEYS = value.split(",")
        elif self.setting:
            setattr(settings, self.setting, value)


KEY_SLOTS = (
    KeySlot("field_keys", "ANLAN_FIELD_KEYS", "字段加密密钥", "FIELD_ENCRYPTION_KEYS"),
    KeySlot("blind_index_key", "ANLAN_BLIND_INDEX_KEY", "电话检索索引密钥", "ANLAN_BLIND_INDEX_KEY"),
    KeySlot("audit_key", "ANLAN_AUDIT_KEYS", "审计密钥"),
    KeySlot("sm4_keys", "ANLAN_SM4_KEYS", "SM4 密钥"),
    KeySlot("secret_key", "ANLAN_SECRET_KEY", "会话签名密钥", "SECRET_KEY"),
)


def collect_keys() -> dict:
    """Every configured key's value and whether it came from the environment or a data-dir file."""
    found = {}
    for slot in KEY_SLOTS:
        value = slot.current()
        if value:
            found[slot.name] = {"value": value, "source": "env" if os.environ.get(slot.env) else "file"}
    return found


def _write_private(path: Path, data: bytes) -> None:
    """Replace a file atomically with a 0600 one (temporary file in the same directory, then rename)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def restore_keys(keys: dict) -> list[str]:
    """Write the backup's keys to their data-dir files and hand them to this process. A key the environment
    provides is left to the environment (nothing written to disk): a line says whether it matches the backup's.
    Returns one Chinese line per key."""
    lines = []
    for slot in KEY_SLOTS:
        saved = keys.get(slot.name)
        if saved is None:
            continue
        value = saved["value"]
        if os.environ.get(slot.env):
            if os.environ[slot.env].strip() == value:
                lines.append(f"{slot.label}：由环境变量 {slot.env} 提供，与备份一致")
            else:
                lines.append(
                    f"警告：{slot.label}由环境变量 {slot.env} 提供，但与备份中的不同；该变量优先，"
                    f"恢复的数据将无法解密或校验，请把 {slot.env} 改为备份中的密钥"
                )
            continue
        _write_private(slot.path(), value.encode())
        slot.apply(value)
        lines.append(f"{slot.label}：已写入 {slot.path()}")
    return lines


# ---------------------------------------------------------------- database


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 与 PostgreSQL）")
    return vendor


def migration_heads() -> dict[str, list[str]]:
    """Per app, the applied migrations no other applied migration of the app follows (usually one)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    heads: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        later = node and any(child.key in applied and child.key[0] == app for child in node.children)
        if not later:
            heads.setdefault(app, []).append(name)
    return heads


def unknown_migrations(heads: dict[str, list[str]]) -> list[str]:
    """The backup's applied migrations this code does not have (a backup made by a newer version)."""
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    return [f"{app}.{name}" for app, names in sorted(heads.items()) for name in names if (app, name) not in known]


def pending_migrations() -> list[tuple[str, str]]:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [(migration.app_label, migration.name) for migration, backwards in plan if not backwards]


def _sqlite_connection() -> sqlite3.Connection:
    if connection.in_atomic_block:
        # SQLite's backup API would wait for ever on the connection's own open transaction.
        raise BackupError("不能在数据库事务中备份或恢复 SQLite 数据库")
    connection.ensure_connection()
    return connection.connection


def dump_sqlite(target: Path) -> None:
    """A consistent copy of the live database through SQLite's online backup API (readers and writers carry
    on: the copy is of one moment), made self-contained (no WAL file)."""
    destination = sqlite3.connect(target)
    try:
        _sqlite_connection().backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def restore_sqlite(source: Path) -> None:
    """Copy the backup's pages over the configured database in one step (SQLite's backup API into the live
    connection): every connection sees the old database or the new one, never a mixture, and a WAL file
    beside the database cannot outlive the contents it belonged to, as it could if the file were replaced."""
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        problem = origin.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"备份中的 SQLite 数据库损坏：{problem}")
        origin.backup(_sqlite_connection())
    finally:
        origin.close()
    connection.close()


def pg_binary(name: str) -> str:
    """Debian's newest client (/usr/lib/postgresql/<version>/bin, as scripts/with_postgres.py finds the
    server), else the PATH's: pg_dump must not be older than the server."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True)
    for bindir in versions:
        if os.access(os.path.join(bindir, name), os.X_OK):
            return os.path.join(bindir, name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）")
    return found


_PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
}


def pg_environment() -> dict[str, str]:
    """The configured connection as libpq variables: nothing (the password least of all) on a command line,
    where every local user could read it in the process list."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pairs = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
    }
    for option, variable in _PG_OPTIONS.items():
        pairs[variable] = (db.get("OPTIONS") or {}).get(option)
    env.update({k: str(v) for k, v in pairs.items() if v not in (None, "")})
    return env


def _run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, env=pg_environment(), capture_output=True, **kwargs)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"{what}失败（{Path(args[0]).name} 退出码 {result.returncode}）：{message}")
    return result


def dump_postgres(target: Path) -> None:
    """`pg_dump -Fc` of the configured database: one consistent snapshot while the service keeps running."""
    _run([pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-acl", "--file", str(target)], "pg_dump 导出")


# Drops what the schema holds before the dump's objects are created again, in the same transaction: tables
# that newer migrations made and the backup lacks would otherwise survive, and the migrations applied after
# the restore would find them in their way. Waiting for another session's lock is bounded.
_PG_CLEAR = """
SET lock_timeout = '60s';
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', r.relname);
  END LOOP;
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'S') LOOP
    EXECUTE format(
      CASE r.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                     WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                     ELSE 'DROP SEQUENCE IF EXISTS %I CASCADE' END, r.relname);
  END LOOP;
END $$;
"""


_PG_SCRIPT = ("--command", _PG_CLEAR, "--file", "-")


def restore_postgres(source: Path) -> None:
    """Replace the configured database's tables with the dump's, all or nothing: `pg_restore --clean
    --if-exists --no-owner` renders the dump as SQL and psql replays it after _PG_CLEAR in one transaction
    (ON_ERROR_STOP: any error rolls everything back)."""
    pg_restore, psql = pg_binary("pg_restore"), pg_binary("psql")
    _run([pg_restore, "--list", str(source)], "读取 PostgreSQL 备份目录")
    connection.close()
    with subprocess.Popen(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-acl", "--file", "-", str(source)],
        env=pg_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as render:
        replay = subprocess.run(
            [psql, "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction", *_PG_SCRIPT],
            stdin=render.stdout,
            env=pg_environment(),
            capture_output=True,
        )
        render.stdout.close()
        render_error = render.stderr.read().decode(errors="replace").strip()
        render.wait()
    if render.returncode != 0:
        raise BackupError(
            f"pg_restore 读取备份失败（退出码 {render.returncode}）：{render_error[-2000:]}；数据库未改动"
        )
    if replay.returncode != 0:
        message = replay.stderr.decode(errors="replace").strip()[-2000:]
        raise BackupError(f"恢复 PostgreSQL 数据库失败，事务已回滚、数据库未改动：{message}")


# ---------------------------------------------------------------- archive


class _Hashing:
    """A file read through SHA-256 (tarfile reads exactly the member's size from it)."""

    def __init__(self, handle):
        self.handle = handle
        self.hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.hash.update(data)
        return data


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = int(time.time())
    return info


def _add_file(tar: tarfile.TarFile, name: str, path: Path, members: dict) -> None:
    with open(path, "rb") as handle:
        reader = _Hashing(handle)
        size = os.fstat(handle.fileno()).st_size
        tar.addfile(_tarinfo(name, size), reader)
    members[name] = {"size": size, "sha256": reader.hash.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, members: dict | None) -> None:
    tar.addfile(_tarinfo(name, len(data)), io.BytesIO(data))
    if members is not None:
        members[name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _upload_files() -> list[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for filename in sorted(filenames):
            path = Path(directory) / filename
            if path.is_file() and not path.is_symlink():
                found.append((UPLOADS + path.relative_to(root).as_posix(), path))
    return found


def default_directory() -> Path:
    configured = os.environ.get("ANLAN_BACKUP_DIR", "")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "backups"


def default_name(now: dt.datetime | None = None) -> str:
    local = timezone.localtime(now or timezone.now())
    return f"{NAME_PREFIX}{local:%Y%m%d-%H%M%S}{SUFFIX}"


def _audit_system_step(action: str, after: dict) -> None:
    """A step of the whole installation, filed under its county when it serves one (the county
    administrator's audit page shows the county's entries), else under no region (superusers only)."""
    from anlan.core.regions import region_model

    counties = list(region_model().objects.filter(level="county").values_list("pk", flat=True)[:2])
    region = counties[0] if len(counties) == 1 else ""
    audit.append([audit.AuditItem(action=action, object_type="", region_code=region, after=after)])


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    engine: str
    uploads: int
    keys: list[str]
    audit_entries: int
    seconds: float


def create_backup(output: Path | None, passphrase: str) -> BackupResult:
    started = time.monotonic()
    kind = engine()
    output = Path(output) if output else default_directory() / default_name()
    output = output.resolve()
    output.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    keys = collect_keys()
    keys_blob, mac_key = seal_keys(keys, passphrase)
    heads = migration_heads()
    fd, temp_name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    os.close(fd)
    temp = Path(temp_name)
    scratch = Path(tempfile.mkdtemp(prefix=".anlan-backup-", dir=output.parent))
    try:
        os.chmod(temp, 0o600)
        members: dict = {}
        with tarfile.open(temp, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as tar:
            # The keys first: a restore with a wrong passphrase stops before unpacking the database.
            _add_bytes(tar, KEYS, keys_blob, members)
            # The checkpoint log before the database: the chain only grows, so every checkpoint copied
            # names a state the database copy contains (a checkpoint written in between would be ahead of it).
            checkpoints = audit.checkpoints_path()
            if checkpoints.exists():
                _add_file(tar, CHECKPOINTS, checkpoints, members)
            database = scratch / DATABASE[kind]
            (dump_sqlite if kind == "sqlite" else dump_postgres)(database)
            _add_file(tar, DATABASE[kind], database, members)
            database.unlink()
            uploads = _upload_files()
            for name, path in uploads:
                _add_file(tar, name, path, members)
            audit_entries = audit.AuditEntry.objects.count()
            manifest = json.dumps(
                {
                    "format": FORMAT,
                    "version": FORMAT_VERSION,
                    "app_version": anlan.__version__,
                    "created_at": timezone.now().isoformat(),
                    "engine": kind,
                    "crypto": settings.ANLAN_CRYPTO,
                    "migrations": heads,
                    "counts": {"uploads": len(uploads), "audit_entries_at_end": audit_entries},
                    "keys": sorted(keys),
                    "members": members,
                },
                ensure_ascii=False,
                indent=1,
                sort_keys=True,
            ).encode()
            _add_bytes(tar, MANIFEST, manifest, None)
            _add_bytes(tar, SIGNATURE, sign_manifest(manifest, mac_key), None)
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        os.replace(temp, output)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    size = output.stat().st_size
    _audit_system_step(
        "system_backup",
        {"file": output.name, "size": size, "sha256": digest, "engine": kind, "uploads": len(uploads)},
    )
    labels = {slot.name: slot.label for slot in KEY_SLOTS}
    return BackupResult(
        output, size, digest, kind, len(uploads), [labels[k] for k in keys], audit_entries, time.monotonic() - started
    )


@dataclass
class VerifiedBackup:
    """An archive checked member by member and unpacked into a staging directory."""

    staging: Path
    manifest: dict
    keys: dict
    database: Path
    uploads: Path
    checkpoints: Path | None


def _safe_member_name(name: str) -> bool:
    if name in {MANIFEST, SIGNATURE, KEYS, CHECKPOINTS, *DATABASE.values()}:
        return True
    if not name.startswith(UPLOADS):
        return False
    parts = name[len(UPLOADS) :].split("/")
    return all(part not in {"", ".", ".."} for part in parts) and "\\" not in name and "\0" not in name


def _unpack(path: Path, staging: Path, passphrase: str) -> tuple[dict[str, dict], dict, bytes]:
    """Unpack every member into `staging`, hashing as it goes; returns name → {size, sha256}, the keys and the
    manifest's MAC key. The keys come first in the archive, so a wrong passphrase stops before the database."""
    seen: dict[str, dict] = {}
    opened: tuple[dict, bytes] | None = None
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"备份中有不应出现的成员：{member.name}（不是安澜备份，或被篡改）")
                if member.name in seen:
                    raise BackupError(f"备份中成员 {member.name} 出现了两次（被篡改）")
                target = staging / member.name
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                source = tar.extractfile(member)
                digest = hashlib.sha256()
                with open(target, "xb") as out:
                    os.chmod(target, 0o600)
                    while chunk := source.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                seen[member.name] = {"size": member.size, "sha256": digest.hexdigest()}
                if member.name == KEYS:
                    opened = open_keys(target.read_bytes(), passphrase)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(f"不是有效的备份文件，或文件已损坏（{type(exc).__name__}: {exc}）；未做任何改动") from None
    if opened is None or MANIFEST not in seen or SIGNATURE not in seen:
        missing = next(name for name in (KEYS, MANIFEST, SIGNATURE) if name not in seen)
        raise BackupError(f"备份中缺少 {missing}：不是安澜备份文件，或已损坏；未做任何改动")
    return seen, *opened


def verify_backup(path: Path, passphrase: str, staging: Path) -> VerifiedBackup:
    """Check an archive completely before anything is touched: members, passphrase, manifest signature,
    checksums, format version, migrations and engine. Unpacks into `staging`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    seen, keys, mac_key = _unpack(path, staging, passphrase)
    manifest_bytes = (staging / MANIFEST).read_bytes()
    if not std_hmac.compare_digest(sign_manifest(manifest_bytes, mac_key), (staging / SIGNATURE).read_bytes().strip()):
        raise BackupError("备份清单（manifest.json）的签名不符：清单被改动过；未做任何改动")
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')} 版本 {manifest.get('version')}")
    listed = manifest["members"]
    for name, expected in listed.items():
        if name not in seen:
            raise BackupError(f"备份已损坏或被篡改：缺少成员 {name}；未做任何改动")
        if seen[name]["sha256"] != expected["sha256"] or seen[name]["size"] != expected["size"]:
            raise BackupError(f"备份已损坏或被篡改：成员 {name} 的校验和与清单不符；未做任何改动")
    extra = sorted(set(seen) - set(listed) - {MANIFEST, SIGNATURE})
    if extra:
        raise BackupError(f"备份已被篡改：成员 {extra[0]} 不在清单中；未做任何改动")
    newer = unknown_migrations(manifest["migrations"])
    if newer:
        raise BackupError(
            f"该备份由更新版本的程序生成（本程序没有迁移 {'、'.join(newer[:5])}）：请先升级程序再恢复；未做任何改动"
        )
    kind = manifest["engine"]
    if kind != engine():
        raise BackupError(
            f"该备份是 {ENGINE_NAMES.get(kind, kind)} 数据库的备份，当前配置的是 {ENGINE_NAMES[engine()]}："
            "请把 DATABASE_URL 指向同类数据库再恢复；未做任何改动"
        )
    if DATABASE[kind] not in listed:
        raise BackupError("备份中没有数据库；未做任何改动")
    return VerifiedBackup(
        staging=staging,
        manifest=manifest,
        keys=keys,
        database=staging / DATABASE[kind],
        uploads=staging / UPLOADS.rstrip("/"),
        checkpoints=staging / CHECKPOINTS if CHECKPOINTS in listed else None,
    )


def _replace_uploads(staged: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not staged.exists():
        staged.mkdir(mode=0o700)
    old = None
    if root.exists():
        old = root.with_name(f".{root.name}.replaced-{secrets.token_hex(4)}")
        os.replace(root, old)
    os.replace(staged, root)
    os.chmod(root, 0o700)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@dataclass
class RestoreResult:
    manifest: dict
    uploads: int
    key_lines: list[str]
    migrations_applied: list[str]
    verify: audit.VerifyResult
    seconds: float
    notes: list[str] = field(default_factory=list)


def staging_directory() -> Path:
    """Unpacked on the data dir's file system, so the uploads directory is swapped in by a rename."""
    parent = Path(settings.MEDIA_ROOT).parent
    parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".anlan-restore-", dir=parent))


def restore_backup(verified: VerifiedBackup, *, started: float | None = None) -> RestoreResult:
    """Replace the database, uploads, checkpoint log and keys with a verified backup's, apply pending
    migrations and verify the audit chain. The database goes first: if it fails, nothing else is touched."""
    from django.core.management import call_command

    started = started if started is not None else time.monotonic()
    kind = verified.manifest["engine"]
    (restore_sqlite if kind == "sqlite" else restore_postgres)(verified.database)
    uploads = verified.manifest.get("counts", {}).get("uploads", 0)
    _replace_uploads(verified.uploads)
    notes = []
    if verified.checkpoints is not None:
        _write_private(audit.checkpoints_path(), verified.checkpoints.read_bytes())
    else:
        notes.append("备份中没有审计检查点文件，保留现有的检查点文件")
    key_lines = restore_keys(verified.keys)
    pending = pending_migrations()
    if pending:
        call_command("migrate", interactive=False, verbosity=0)
    result = audit.verify_chain()
    _audit_system_step(
        "system_restore",
        {
            "created_at": verified.manifest["created_at"],
            "engine": kind,
            "uploads": uploads,
            "migrations_applied": len(pending),
            "audit_chain_ok": result.ok,
        },
    )
    return RestoreResult(
        manifest=verified.manifest,
        uploads=uploads,
        key_lines=key_lines,
        migrations_applied=[f"{app}.{name}" for app, name in pending],
        verify=result,
        seconds=time.monotonic() - started,
        notes=notes,
    )


# ---------------------------------------------------------------- retention


def retained(stamps: Iterable[dt.datetime], *, daily: int, weekly: int) -> set[dt.datetime]:
    """Which backups a retention of `daily` days and `weekly` weeks keeps: the newest backup of each of the
    `daily` most recent days that have one, and the newest of each of the `weekly` most recent ISO weeks
    that have one. Days without a backup do not count, so backups that stopped are never pruned away."""
    if daily < 0 or weekly < 0:
        raise ValueError("retention counts cannot be negative")
    keep: set[dt.datetime] = set()
    days: set[dt.date] = set()
    weeks: set[tuple[int, int]] = set()
    for stamp in sorted(set(stamps), reverse=True):
        day, week = stamp.date(), stamp.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.add(day)
            keep.add(stamp)
        if week not in weeks and len(weeks) < weekly:
            weeks.add(week)
            keep.add(stamp)
    return keep


def backup_stamp(name: str) -> dt.datetime | None:
    """The time in a backup's file name (anlan-backup-YYYYMMDD-HHMMSS.tar.gz); None for any other file."""
    match = NAME_PATTERN.match(name)
    if not match:
        return None
    try:
        return dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")  # noqa: DTZ007 (local time, as named)
    except ValueError:
        return None


def prune(directory: Path, *, daily: int, weekly: int) -> list[Path]:
    """Delete the backups in `directory` that the retention does not keep; files not named like a backup
    are never touched. Returns the deleted files."""
    if daily < 1 and weekly < 1:
        raise BackupError("保留策略至少要保留 1 天或 1 周的备份（--keep-daily / --keep-weekly）")
    backups = {}
    for path in Path(directory).iterdir():
        stamp = backup_stamp(path.name)
        if stamp is not None and path.is_file():
            backups[stamp] = path
    keep = retained(backups, daily=daily, weekly=weekly)
    removed = [path for stamp, path in sorted(backups.items()) if stamp not in keep]
    for path in removed:
        path.unlink()
    return removed
