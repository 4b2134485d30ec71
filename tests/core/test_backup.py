"""`anlan backup` and `anlan restore` (core/backup.py, docs/backup.md): a backup of the demo county is made,
the database, uploads and keys are destroyed, the backup restored, and the audit chain, records with their
encrypted phones and an uploaded photo come back; a wrong passphrase, a tampered archive and a backup of
newer code are refused with nothing touched. Runs on both databases (PostgreSQL through pg_dump/psql)."""

import datetime as dt
import gzip
import io
import json
import re
import secrets
import shutil
import sqlite3
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from anlan.core import audit, backup, crypto
from anlan.core.fields import normalise_phone
from anlan.core.labels import action_label
from anlan.core.models import AuditEntry
from anlan.core.services import object_create
from anlan.hazards.models import HazardPhoto, HiddenHazard
from anlan.registry.models import Person
from anlan.testing.personas import persona
from tests.hazards.test_pages import PNG, form

PASSPHRASE = "县局备份口令-2026-甲"


@pytest.fixture
def data_dir(tmp_path, settings, monkeypatch):
    """A data directory of the test's own, holding copies of the keys the test database was sealed and
    encrypted with, as a deployment's data directory does."""
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    audit_key = crypto.audit_key_path().read_text()
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "uploads"
    settings.ANLAN_AUDIT_KEY_FILE = data / "audit_key"
    settings.ANLAN_SM4_KEY_FILE = data / "sm4_keys"
    settings.FIELD_ENCRYPTION_KEYS = list(settings.FIELD_ENCRYPTION_KEYS)
    (data / "audit_key").write_text(audit_key)
    for name in (
        "ANLAN_BACKUP_DIR",
        "ANLAN_FIELD_KEYS",
        "ANLAN_BLIND_INDEX_KEY",
        "ANLAN_AUDIT_KEYS",
        "ANLAN_SECRET_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(backup.PASSPHRASE_ENV, PASSPHRASE)
    return data


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def destroy_database() -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite3.connect(":memory:").backup(connection.connection)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar}


def rewrite(path: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to every member."""
    with tarfile.open(target, "w:gz") as out:
        for name, data in members(path).items():
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def make_person(tree, i: int) -> Person:
    return object_create(
        actor=persona("county_admin"),
        instance=Person(name=f"备份核对人{i}", region=tree.village, phone=f"1990000{8800 + i}"),
    )


def drop_duty_0002() -> None:
    """Make the database look as it did before duty's migration 0002 (a backup from older code)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'duty' AND name = '0002_log_incident_link'")
        cursor.execute("ALTER TABLE duty_logentry DROP COLUMN incident_link")
        cursor.execute("ALTER TABLE duty_logentry DROP COLUMN incident_number")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_destroy_restore_brings_back_records_phones_uploads_and_a_verified_chain(client, tree, data_dir):
    people = [make_person(tree, i) for i in range(3)]
    client.force_login(persona("village_grid_worker"))
    photo_upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    assert client.post("/hazards/report/", {**form(tree), "photo": photo_upload}).status_code == 302
    photo = HazardPhoto.objects.get(hazard__title="山坡滚石")
    photo_bytes = Path(photo.image.path).read_bytes()
    audit.write_checkpoint()
    entries = AuditEntry.objects.count()
    drop_duty_0002()

    output = data_dir.parent / "off-site" / "county.tar.gz"
    said = run("backup", "--output", str(output))
    assert f"已写入备份 {output}" in said and "上传文件 1 个" in said and "口令加密" in said
    assert output.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in output.parent.iterdir()) == ["county.tar.gz"]  # no temporary file left
    made = AuditEntry.objects.order_by("-id").first()
    assert action_label(made.action) == "系统备份" and made.after["file"] == "county.tar.gz"

    # Everything lost: the database, the uploads, the keys (a new machine makes new ones).
    destroy_database()
    with pytest.raises(DatabaseError):
        Person.objects.count()
    connection.close()
    shutil.rmtree(data_dir / "uploads")
    (data_dir / "audit_key").unlink()
    audit.checkpoints_path().unlink()
    django_settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    django_settings.ANLAN_BLIND_INDEX_KEY = secrets.token_hex(32)

    said = run("restore", str(output), "--yes")
    assert "备份校验通过" in said
    assert "已执行备份之后新增的 1 个迁移：duty.0002_log_incident_link" in said
    assert f"审计链完整：共校验 {entries} 条记录" in said and "上传文件 1 个" in said
    assert (data_dir / "audit_key").stat().st_mode & 0o777 == 0o600
    assert "字段加密密钥：已写入" in said and (data_dir / "field_keys").exists()

    assert re.search(r"与 [1-9]\d* 个检查点一致", said)
    assert action_label(AuditEntry.objects.order_by("-id").first().action) == "系统恢复"
    for person in people:
        back = Person.objects.get(pk=person.pk)
        assert back.phone == person.phone and back.name == person.name
        # the blind index (under the restored key) still finds the full number
        assert Person.objects.filter(phone_index=crypto.blind_index(normalise_phone(person.phone))).get() == back
    restored_photo = HazardPhoto.objects.get(pk=photo.pk)
    assert Path(restored_photo.image.path).read_bytes() == photo_bytes
    assert HiddenHazard.objects.filter(title="山坡滚石").count() == 1
    with connection.cursor() as cursor:  # duty 0002 applied again: its columns are there
        cursor.execute("SELECT incident_link, incident_number FROM duty_logentry WHERE 1 = 0")


# Transactional: SQLite's backup API cannot copy a database from inside the connection's own transaction
# (the command refuses to, as it would wait for ever).
@pytest.mark.django_db(transaction=True)
def test_the_archive_is_private_signed_and_holds_no_key_in_the_clear(data_dir, client):
    said = run("backup")
    (path,) = (data_dir / "backups").iterdir()
    assert backup.backup_stamp(path.name) is not None and str(path) in said
    assert path.stat().st_mode & 0o777 == 0o600
    content = members(path)
    kind = connection.vendor
    assert set(content) == {"manifest.json", "manifest.sig", "keys.enc", "audit-checkpoints.log", backup.DATABASE[kind]}
    manifest = json.loads(content["manifest.json"])
    assert manifest["engine"] == kind and manifest["format"] == "anlan-backup"
    assert manifest["migrations"]["duty"] == ["0002_log_incident_link"]
    assert manifest["members"]["keys.enc"]["sha256"] == backup.hashlib.sha256(content["keys.enc"]).hexdigest()
    raw = gzip.decompress(path.read_bytes())
    for secret in (*django_settings.FIELD_ENCRYPTION_KEYS, django_settings.ANLAN_BLIND_INDEX_KEY):
        assert secret.encode() not in raw
    keys, _ = backup.open_keys(content["keys.enc"], PASSPHRASE)
    assert keys["field_keys"]["value"] == ",".join(django_settings.FIELD_ENCRYPTION_KEYS)
    assert keys["audit_key"]["value"] == (data_dir / "audit_key").read_text().strip()
    # the county administrator's audit page names the step and its file
    client.force_login(persona("county_admin"))
    entry = AuditEntry.objects.order_by("-id").first()
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert "系统备份" in page and path.name in page


@pytest.mark.django_db(transaction=True)
def test_wrong_passphrase_tampering_newer_code_and_no_confirmation_are_refused_with_nothing_touched(
    tree, data_dir, tmp_path, monkeypatch
):
    path = tmp_path / "b.tar.gz"
    run("backup", "--output", str(path))
    person = make_person(tree, 7)  # made after the backup: a restore would lose it
    (data_dir / "uploads").mkdir()
    (data_dir / "uploads" / "later.pdf").write_bytes(b"%PDF-1.4 later")
    key_before = (data_dir / "audit_key").read_text()

    def refused(archive: Path, message: str, *extra) -> None:
        with pytest.raises(CommandError, match=message):
            run("restore", str(archive), "--yes", *extra)

    monkeypatch.setenv("OTHER_PASSPHRASE", "不是这个口令-0000")
    refused(path, "口令错误", "--passphrase-env", "OTHER_PASSPHRASE")
    monkeypatch.delenv(backup.PASSPHRASE_ENV)
    refused(path, "未提供备份口令")
    monkeypatch.setenv(backup.PASSPHRASE_ENV, PASSPHRASE)

    database = backup.DATABASE[connection.vendor]

    def flip_a_byte(name, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if name == database else data

    refused(rewrite(path, tmp_path / "t1.tar.gz", flip_a_byte), f"成员 {database} 的校验和与清单不符")

    def edit_manifest(name, data):
        return data.replace(b'"engine"', b'"engine" ') if name == "manifest.json" else data

    refused(rewrite(path, tmp_path / "t2.tar.gz", edit_manifest), "签名不符")
    refused(rewrite(path, tmp_path / "t3.tar.gz", lambda n, d: d if n != "manifest.sig" else b"0" * 64), "签名不符")
    truncated = tmp_path / "t4.tar.gz"
    truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    refused(truncated, "不是有效的备份文件")
    refused(tmp_path / "missing.tar.gz", "备份文件不存在")
    only_manifest = tmp_path / "t6.tar.gz"
    with tarfile.open(only_manifest, "w:gz") as out:
        info = tarfile.TarInfo("manifest.json")
        info.size = 2
        out.addfile(info, io.BytesIO(b"{}"))
    refused(only_manifest, "备份中缺少 keys.enc：不是安澜备份文件")

    # A backup from newer code (a migration this code lacks), correctly signed: refused.
    _, mac_key = backup.open_keys(members(path)["keys.enc"], PASSPHRASE)

    def from_the_future(name, data):
        if name not in {"manifest.json", "manifest.sig"}:
            return data
        manifest = json.loads(members(path)["manifest.json"])
        manifest["migrations"]["duty"] = ["0099_from_the_future"]
        text = json.dumps(manifest).encode()
        return text if name == "manifest.json" else backup.sign_manifest(text, mac_key)

    refused(
        rewrite(path, tmp_path / "t5.tar.gz", from_the_future),
        r"更新版本的程序生成（本程序没有迁移 duty.0099_from_the_future",
    )

    # A good archive, but nobody confirmed (no --yes, not a terminal).
    with pytest.raises(CommandError, match="请确认后加 --yes"):
        run("restore", str(path))

    assert Person.objects.filter(pk=person.pk).exists()
    assert (data_dir / "uploads" / "later.pdf").read_bytes() == b"%PDF-1.4 later"
    assert (data_dir / "audit_key").read_text() == key_before
    assert not list(data_dir.glob(".anlan-restore-*"))  # staging directories removed


def test_backup_refuses_without_a_passphrase_and_writes_nothing(data_dir, monkeypatch, tmp_path):
    monkeypatch.delenv(backup.PASSPHRASE_ENV)
    with pytest.raises(CommandError, match="未提供备份口令：请在环境变量 ANLAN_BACKUP_PASSPHRASE 中设置口令"):
        run("backup", "--output", str(tmp_path / "x.tar.gz"))
    monkeypatch.setenv(backup.PASSPHRASE_ENV, "short")
    with pytest.raises(CommandError, match="备份口令过短：至少 12 个字符"):
        run("backup", "--output", str(tmp_path / "x.tar.gz"))
    assert not (tmp_path / "x.tar.gz").exists()


@pytest.mark.django_db
def test_a_failed_dump_leaves_no_file_and_no_audit_entry(data_dir, monkeypatch, tmp_path):
    def fail(target):
        Path(target).write_bytes(b"partial")
        raise backup.BackupError("pg_dump 导出失败（模拟）")

    monkeypatch.setattr(backup, "dump_sqlite", fail)
    monkeypatch.setattr(backup, "dump_postgres", fail)
    entries = AuditEntry.objects.count()
    out = tmp_path / "out"
    with pytest.raises(CommandError, match="导出失败"):
        run("backup", "--output", str(out / "b.tar.gz"))
    assert list(out.iterdir()) == []
    assert AuditEntry.objects.count() == entries


def test_postgres_password_goes_through_the_environment_never_argv(monkeypatch, settings):
    seen = {}

    def fake_run(args, env, capture_output):
        seen.update(args=args, env=env)
        return backup.subprocess.CompletedProcess(args, 0, b"", b"")

    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    monkeypatch.setattr(backup, "pg_binary", lambda name: f"/usr/bin/{name}")
    monkeypatch.setenv("PGPASSWORD", "inherited-must-not-win")
    db = {"NAME": "anlan", "USER": "anlan", "PASSWORD": "s3cret-口令", "HOST": "db.local", "PORT": 5433}
    db["OPTIONS"] = {"sslmode": "require"}
    monkeypatch.setattr(backup, "connection", type("C", (), {"settings_dict": db})())
    backup.dump_postgres(Path("/tmp/x.pgdump"))
    assert not any("s3cret" in a or "db.local" in a for a in seen["args"])
    env = seen["env"]
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"], env["PGSSLMODE"]) == (
        "s3cret-口令",
        "db.local",
        "5433",
        "require",
    )


def test_a_key_the_environment_provides_is_not_written_to_disk(data_dir, monkeypatch):
    saved = {"blind_index_key": {"value": "a" * 64, "source": "env"}, "field_keys": {"value": "k1", "source": "file"}}
    monkeypatch.setenv("ANLAN_BLIND_INDEX_KEY", "a" * 64)
    monkeypatch.setenv("ANLAN_FIELD_KEYS", "another")
    lines = backup.restore_keys(saved)
    assert lines[0].startswith("警告：字段加密密钥由环境变量 ANLAN_FIELD_KEYS 提供，但与备份中的不同")
    assert lines[1] == "电话检索索引密钥：由环境变量 ANLAN_BLIND_INDEX_KEY 提供，与备份一致"
    assert not (data_dir / "blind_index_key").exists() and not (data_dir / "field_keys").exists()
    monkeypatch.delenv("ANLAN_FIELD_KEYS")
    assert backup.restore_keys(saved)[0] == f"字段加密密钥：已写入 {data_dir / 'field_keys'}"
    assert (data_dir / "field_keys").read_text() == "k1" and (data_dir / "field_keys").stat().st_mode & 0o777 == 0o600
    assert django_settings.FIELD_ENCRYPTION_KEYS == ["k1"]


# ---------------------------------------------------------------- retention


def at(day: str, hour: int = 2) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour)


def test_retention_keeps_the_newest_of_each_recent_day_and_week():
    stamps = [at("2026-11-01"), at("2026-11-09"), at("2026-11-16"), at("2026-11-23")]
    stamps += [at(f"2026-12-0{d}") for d in range(1, 5)] + [at("2026-12-04", 14)]
    keep = backup.retained(stamps, daily=3, weekly=3)
    # daily: Dec 4 (the 14:00 one), 3, 2; weekly: ISO weeks 49 (Dec 4 14:00), 48 (Nov 23), 47 (Nov 16)
    assert keep == {at("2026-12-04", 14), at("2026-12-03"), at("2026-12-02"), at("2026-11-23"), at("2026-11-16")}
    assert backup.retained(stamps, daily=1, weekly=0) == {at("2026-12-04", 14)}
    # days without a backup do not count: a stopped schedule keeps its last backups
    stopped = [at("2025-01-01"), at("2025-01-02")]
    assert backup.retained(stopped, daily=7, weekly=0) == set(stopped)
    with pytest.raises(ValueError):
        backup.retained(stamps, daily=-1, weekly=1)


def test_prune_deletes_only_backups_outside_the_retention(tmp_path):
    directory = tmp_path / "backups"
    directory.mkdir()
    names = [f"anlan-backup-202612{d:02d}-020000.tar.gz" for d in range(1, 6)]
    others = ["notes.txt", "anlan-backup-latest.tar.gz", "anlan-backup-20261399-020000.tar.gz"]
    for name in [*names, *others]:
        (directory / name).write_text("x")
    removed = backup.prune(directory, daily=2, weekly=0)
    assert sorted(p.name for p in removed) == names[:3]
    assert sorted(p.name for p in directory.iterdir()) == sorted([*names[3:], *others])
    with pytest.raises(backup.BackupError, match="至少要保留"):
        backup.prune(directory, daily=0, weekly=0)


@pytest.mark.django_db(transaction=True)
def test_backup_prunes_its_directory_when_asked(data_dir):
    directory = data_dir / "backups"
    directory.mkdir()
    old = directory / "anlan-backup-20200101-020000.tar.gz"
    old.write_text("x")
    said = run("backup", "--keep-daily", "1")
    assert "删除 1 份：anlan-backup-20200101-020000.tar.gz" in said and not old.exists()
    assert len(list(directory.iterdir())) == 1
    with pytest.raises(CommandError, match="至少保留 1 天或 1 周"):
        run("backup", "--keep-daily", "0")
