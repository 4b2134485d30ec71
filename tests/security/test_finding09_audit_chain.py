"""Finding 9: the audit chain could be truncated or re-hashed unnoticed.

The chain is now keyed (HMAC with a key outside the database) and anchored by signed checkpoints kept
outside the database; `anlan audit-verify` checks both. Each test plays the attacker with raw SQL, as
someone holding the database (but not the data dir's audit key) would.
"""

import json
import os
import socket
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from anlan.core import crypto, daily
from anlan.core.audit import (
    GENESIS,
    LEGACY,
    CheckpointError,
    audit_record,
    compute_hash,
    verify_chain,
    write_checkpoint,
)
from anlan.core.models import AuditEntry
from anlan.testing.personas import persona


def _entries(tree, n=5):
    return [audit_record(action=f"step{i}", obj=tree.village, after={"i": i}) for i in range(n)]


def _rehash_from(entry_id: int, *, relabel_legacy: bool = False) -> None:
    """What an attacker can do with the public function: recompute every hash from `entry_id` on."""
    prev = AuditEntry.objects.filter(id__lt=entry_id).order_by("-id").values_list("hash", flat=True).first()
    prev = prev or GENESIS
    with connection.cursor() as cursor:
        for entry in AuditEntry.objects.filter(id__gte=entry_id).order_by("id"):
            if relabel_legacy:
                entry.scheme = LEGACY
            entry.prev_hash = prev
            entry.hash = compute_hash(prev, entry)
            cursor.execute(
                "UPDATE core_auditentry SET prev_hash = %s, hash = %s, scheme = %s WHERE id = %s",
                [entry.prev_hash, entry.hash, entry.scheme, entry.id],
            )
            prev = entry.hash


@pytest.mark.django_db
def test_new_entries_are_keyed_and_the_chain_verifies(tree, capsys):
    entry = _entries(tree, 1)[0]
    assert entry.scheme.startswith("hmac-sha256:")
    assert entry.hash != compute_hash(entry.prev_hash, entry)
    write_checkpoint()
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "审计链完整" in out
    assert "与 2 个检查点一致" in out  # the switch-over one written when the test database's chain began


@pytest.mark.django_db
def test_deleting_the_last_entries_fails_verify(tree):
    entries = _entries(tree)
    checkpoint = write_checkpoint()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id >= %s", [entries[3].pk])
    result = verify_chain()
    assert not result.ok
    assert "截断" in result.reason
    assert f"检查点 #{checkpoint.number}" in result.reason
    with pytest.raises(CommandError, match=rf"审计链被截断.*检查点 #{checkpoint.number}"):
        call_command("audit_verify")
    with pytest.raises(CheckpointError, match="不写入新检查点"):
        write_checkpoint()  # the daily job does not anchor the shortened chain


@pytest.mark.django_db
def test_rewriting_an_entry_and_recomputing_later_hashes_fails(tree):
    entries = _entries(tree)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名", entries[2].pk])
    _rehash_from(entries[2].pk)
    result = verify_chain()
    assert result.broken_id == entries[2].pk
    assert "篡改" in result.reason


@pytest.mark.django_db
def test_passing_keyed_entries_off_as_old_unkeyed_ones_fails(tree):
    entries = _entries(tree)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名", entries[2].pk])
    _rehash_from(entries[2].pk, relabel_legacy=True)
    result = verify_chain()
    assert result.broken_id == entries[2].pk
    assert "旧算法" in result.reason


@pytest.mark.django_db
def test_recomputing_the_whole_chain_is_caught_by_the_checkpoint(tree):
    _entries(tree)
    checkpoint = write_checkpoint()
    first = AuditEntry.objects.order_by("id").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名", first.pk])
    _rehash_from(first.pk, relabel_legacy=True)
    result = verify_chain()
    assert not result.ok
    assert f"检查点 #{checkpoint.number}" in result.reason
    assert "链头哈希" in result.reason


@pytest.mark.django_db
def test_missing_audit_key_is_a_clear_error_and_no_new_key_is_made(tree, settings, tmp_path):
    _entries(tree, 2)
    settings.ANLAN_AUDIT_KEYS = []
    settings.ANLAN_AUDIT_KEY_FILE = tmp_path / "audit_key"
    result = verify_chain()
    assert "审计密钥缺失" in result.reason
    assert "audit_key" in result.reason
    with pytest.raises(CommandError, match="审计密钥缺失"):
        call_command("audit_verify")
    with pytest.raises(crypto.KeyMissingError, match="请从备份恢复"):
        audit_record(action="after-loss", obj=tree.village)
    assert not settings.ANLAN_AUDIT_KEY_FILE.exists()


@pytest.mark.django_db
def test_another_key_cannot_verify_the_chain(tree, settings):
    _entries(tree, 2)
    settings.ANLAN_AUDIT_KEYS = ["ab" * 32]
    result = verify_chain()
    assert not result.ok
    assert "未配置的审计密钥" in result.reason


@pytest.mark.django_db
def test_old_unkeyed_entries_still_verify_and_new_ones_are_keyed(tree, audit_checkpoints_file):
    # An installation from before the key: no checkpoints yet, a chain of plain SHA-256 entries.
    audit_checkpoints_file.unlink()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry")
    # A chain as written before the key existed: plain SHA-256, scheme "sha256" (the migration's default).
    prev, old = GENESIS, []
    for i in range(3):
        entry = AuditEntry(
            created_at=tree.village.created_at,
            actor_name="系统",
            action=f"old{i}",
            object_type="geo.region",
            object_id=str(tree.village.pk),
            prev_hash=prev,
            after={"i": i},
        )
        entry.hash = prev = compute_hash(prev, entry)
        old.append(entry)
    AuditEntry.objects.bulk_create(old)
    assert {e.scheme for e in AuditEntry.objects.all()} == {LEGACY}

    new = audit_record(action="new", obj=tree.village)
    assert new.scheme.startswith("hmac-sha256:")
    result = verify_chain()
    assert result.ok, result.reason
    assert (result.checked, result.legacy) == (4, 3)
    # The switch-over was anchored when the first keyed entry was written.
    switch_over = json.loads(audit_checkpoints_file.read_text().splitlines()[0])
    assert (switch_over["count"], switch_over["legacy"]) == (3, 3)

    # Tampering with an old entry is still detected …
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", old[1].pk])
    assert verify_chain().broken_id == old[1].pk
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["old1", old[1].pk])
    # … and so is passing the keyed entry off as an old one, though nothing keyed precedes it.
    _rehash_from(new.pk, relabel_legacy=True)
    result = verify_chain()
    assert "无密钥的旧记录" in result.reason
    assert "检查点 #1" in result.reason


@pytest.mark.django_db
def test_checkpoint_file_tampering_is_detected(tree, audit_checkpoints_file):
    _entries(tree, 2)
    write_checkpoint()
    _entries(tree, 2)
    write_checkpoint()
    assert stat.S_IMODE(os.stat(audit_checkpoints_file).st_mode) == 0o600
    lines = audit_checkpoints_file.read_text().splitlines()
    assert verify_chain().checkpoints == len(lines) == 3

    forged = json.loads(lines[2])
    forged["count"] -= 2
    audit_checkpoints_file.write_text("\n".join([*lines[:2], json.dumps(forged)]) + "\n")
    result = verify_chain()
    assert "第 3 行签名不符" in result.reason
    with pytest.raises(CommandError, match="签名不符"):
        call_command("audit_verify")

    audit_checkpoints_file.write_text("\n".join([lines[0], lines[2]]) + "\n")  # a checkpoint removed
    assert "第 2 行与前一个检查点的链接不符" in verify_chain().reason

    audit_checkpoints_file.unlink()  # the whole file removed
    result = verify_chain()
    assert "缺失或为空" in result.reason
    assert "链中已有带密钥的记录" in result.reason


@pytest.mark.django_db
def test_the_daily_job_writes_a_checkpoint(tree, audit_checkpoints_file):
    _entries(tree, 1)
    job = daily.daily_jobs()["审计链检查点"]
    summary = job(tree.village.created_at.date())
    checkpoint = json.loads(audit_checkpoints_file.read_text().splitlines()[-1])
    assert f"审计链检查点 #{checkpoint['n']}" in summary
    assert checkpoint["count"] == AuditEntry.objects.count()
    assert checkpoint["head"] == AuditEntry.objects.order_by("-id").first().hash


@pytest.mark.django_db
def test_checkpoints_are_sent_to_a_syslog_collector(tree, settings):
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(5)
    settings.ANLAN_AUDIT_SYSLOG = f"udp://127.0.0.1:{collector.getsockname()[1]}"
    try:
        checkpoint = write_checkpoint()
        message = collector.recv(65535).decode()
    finally:
        collector.close()
    assert "anlan-audit:" in message
    assert checkpoint.line() in message


@pytest.mark.django_db
def test_the_audit_page_shows_which_scheme_sealed_an_entry(client, tree):
    entry = audit_record(action="shown", obj=tree.village)
    client.force_login(persona("county_admin"))
    page = client.get(f"/audit/{entry.pk}/").content.decode()
    assert "校验算法" in page
    assert entry.scheme in page
