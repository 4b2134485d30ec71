import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from anlan.core.audit import audit_record, verify_chain
from anlan.core.models import AuditEntry, AuditTamperError
from anlan.testing.personas import persona


@pytest.mark.django_db
def test_chain_of_the_loaded_demo_verifies(capsys):
    call_command("audit_verify")
    assert "审计链完整" in capsys.readouterr().out
    assert verify_chain().checked == AuditEntry.objects.count()


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted_through_the_orm(tree):
    entry = audit_record(action="test", obj=tree.village, actor=persona("county_admin"))
    entry.action = "changed"
    with pytest.raises(AuditTamperError):
        entry.save()
    with pytest.raises(AuditTamperError):
        entry.delete()
    with pytest.raises(AuditTamperError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AuditTamperError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def _entries(tree, n=5):
    return [audit_record(action=f"step{i}", obj=tree.village, after={"i": i}) for i in range(n)]


@pytest.mark.django_db
def test_tampered_content_is_reported_at_the_first_broken_entry(tree):
    entries = _entries(tree)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_name = %s WHERE id = %s", ["冒名", entries[2].pk])
    result = verify_chain()
    assert result.broken_id == entries[2].pk
    assert "篡改" in result.reason
    with pytest.raises(CommandError, match=f"第 {entries[2].pk} 号记录"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_deleted_entry_breaks_the_link_of_the_next(tree):
    entries = _entries(tree)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    result = verify_chain()
    assert result.broken_id == entries[2].pk
    assert "链接" in result.reason


@pytest.mark.django_db
def test_tampered_before_after_json_is_detected(tree):
    entries = _entries(tree)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"i": 99}', entries[3].pk])
    assert verify_chain().broken_id == entries[3].pk


@pytest.mark.django_db
def test_audit_view_is_for_county_admins_and_scoped(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get("/audit/").status_code == 403
    client.force_login(persona("county_admin"))
    response = client.get("/audit/", {"object_type": "geo.region"})
    assert response.status_code == 200
    assert "审计日志" in response.content.decode()
