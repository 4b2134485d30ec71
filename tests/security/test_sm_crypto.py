"""密评-ready cryptography: ANLAN_CRYPTO=sm encrypts personal data with SM4-GCM and seals the audit chain
with HMAC-SM3; every ciphertext and audit entry names its scheme, so a database can hold both while
`anlan crypto-migrate` converts it."""

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import TextField
from django.db.models.functions import Cast

from anlan.core import crypto
from anlan.core.audit import audit_record, verify_chain, write_checkpoint
from anlan.core.fields import encrypted_fields, encrypted_models
from anlan.core.models import AuditEntry
from anlan.registry.models import Person
from anlan.testing.personas import persona


@pytest.fixture
def sm(settings, tmp_path):
    settings.ANLAN_CRYPTO = "sm"
    settings.ANLAN_SM4_KEYS = []
    settings.ANLAN_SM4_KEY_FILE = tmp_path / "sm4_keys"
    return settings


def _raw(model, pk, field: str) -> str:
    return model._base_manager.annotate(raw=Cast(field, TextField())).values_list("raw", flat=True).get(pk=pk)


def test_the_primitives_are_the_standard_sm4_and_sm3():
    # GB/T 32907-2016 appendix A (SM4) and GB/T 32905-2016 appendix A (SM3) test vectors, through OpenSSL.
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize("plain", ["13800138000", "110101199003077777", "https://oapi.dingtalk.com/robot?x=密钥"])
def test_round_trip_in_both_schemes(plain, sm):
    sm.ANLAN_CRYPTO = "default"
    fernet_token = crypto.encrypt_field(plain)
    assert crypto.ciphertext_scheme(fernet_token) == crypto.FERNET
    assert crypto.decrypt_field(fernet_token) == plain

    sm.ANLAN_CRYPTO = "sm"
    sm4_token = crypto.encrypt_field(plain)
    assert sm4_token.startswith("sm4gcm:")
    assert plain not in sm4_token
    assert crypto.decrypt_field(sm4_token) == plain
    assert crypto.encrypt_field(plain) != sm4_token  # a fresh nonce each time
    assert crypto.decrypt_field(fernet_token) == plain  # old values stay readable


def test_a_changed_or_relabelled_sm4_token_is_refused(sm):
    token = crypto.encrypt_field("13800138000")
    prefix, kid, payload = token.split(":", 2)
    flipped = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt_field(f"{prefix}:{kid}:{flipped}")
    with pytest.raises(crypto.DecryptError):
        crypto.decrypt_field(f"{prefix}:00000000:{payload}")


def test_the_sm4_key_file_is_private(sm):
    crypto.encrypt_field("x")
    assert oct(sm.ANLAN_SM4_KEY_FILE.stat().st_mode & 0o777) == "0o600"


@pytest.mark.django_db
def test_a_mixed_database_decrypts(sm, tree):
    people = list(Person.objects.order_by("pk")[:2])
    sm.ANLAN_CRYPTO = "default"
    Person.objects.filter(pk=people[0].pk).update(phone="13800000001")
    sm.ANLAN_CRYPTO = "sm"
    Person.objects.filter(pk=people[1].pk).update(phone="13800000002")
    assert crypto.ciphertext_scheme(_raw(Person, people[0].pk, "phone")) == crypto.FERNET
    assert _raw(Person, people[1].pk, "phone").startswith("sm4gcm:")
    for mode in ("sm", "default"):
        sm.ANLAN_CRYPTO = mode
        phones = dict(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("pk", "phone"))
        assert phones == {people[0].pk: "13800000001", people[1].pk: "13800000002"}


@pytest.mark.django_db
def test_the_audit_chain_is_sealed_with_hmac_sm3_and_mixed_chains_verify(sm, tree):
    sm.ANLAN_CRYPTO = "default"
    before = audit_record(action="before", obj=tree.village)
    sm.ANLAN_CRYPTO = "sm"
    after = audit_record(action="after", obj=tree.village)
    assert before.scheme.startswith("hmac-sha256:")
    assert after.scheme.startswith("hmac-sm3:")
    assert write_checkpoint().scheme.startswith("hmac-sm3:")
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checkpoints == 2  # the test database's switch-over checkpoint and this one
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = %s WHERE id = %s", ["forged", after.pk])
    assert verify_chain().broken_id == after.pk


def _everything(models):
    """Every row of every model with encrypted fields, as the application reads it (plain values)."""
    return {m._meta.label: list(m._base_manager.order_by("pk").values()) for m in models}


def _raw_values(models):
    return [
        value
        for m in models
        for f in encrypted_fields(m)
        for value in m._base_manager.annotate(raw=Cast(f.attname, TextField())).values_list("raw", flat=True)
        if value
    ]


@pytest.mark.django_db
def test_migrate_converts_every_row_and_nothing_else_changes(sm, tree, capsys):
    models = encrypted_models()
    assert {m._meta.label for m in models} >= {"registry.Person", "alerts.Resident", "alerts.WorkGroup"}
    before = _everything(models)
    assert _raw_values(models) and all(crypto.ciphertext_scheme(v) == crypto.FERNET for v in _raw_values(models))
    audited_before = AuditEntry.objects.count()

    call_command("crypto_migrate", batch_size=200)
    out = capsys.readouterr().out
    assert "registry.person：" in out and "条已转换" in out

    assert all(v.startswith("sm4gcm:") for v in _raw_values(models))
    assert _everything(models) == before  # plain values, timestamps and every other column as they were
    entries = AuditEntry.objects.filter(action="crypto_migrate")
    assert entries.count() == AuditEntry.objects.count() - audited_before
    assert entries.filter(object_type="registry.person", after__scheme="sm4gcm").exists()
    assert verify_chain().ok

    call_command("crypto_migrate")  # nothing left: a rerun converts nothing and audits nothing
    assert "共 0 条" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="crypto_migrate").count() == entries.count()

    sm.ANLAN_CRYPTO = "default"  # and back
    call_command("crypto_migrate", batch_size=1000)
    assert all(crypto.ciphertext_scheme(v) == crypto.FERNET for v in _raw_values(models))
    assert _everything(models) == before


@pytest.mark.django_db
def test_an_interrupted_migration_resumes(sm, tree, capsys):
    pks = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    broken = pks[len(pks) // 2]
    good_token = _raw(Person, broken, "phone")
    with connection.cursor() as cursor:
        lost_key_token = "gAAAAABwritten-with-a-lost-key"
        cursor.execute("UPDATE registry_person SET phone = %s WHERE id = %s", [lost_key_token, broken])
    with pytest.raises(CommandError, match=f"registry.person 第 {broken} 条的“手机号码”无法解密"):
        call_command("crypto_migrate", batch_size=10)
    converted = [pk for pk in pks if _raw(Person, pk, "phone").startswith("sm4gcm:") and pk != broken]
    assert converted and set(converted) < set(pks)  # earlier batches were kept

    with connection.cursor() as cursor:
        cursor.execute("UPDATE registry_person SET phone = %s WHERE id = %s", [good_token, broken])
    call_command("crypto_migrate", batch_size=10)
    assert all(_raw(Person, pk, "phone").startswith("sm4gcm:") for pk in pks)


@pytest.mark.django_db
def test_masked_display_is_unchanged_by_migration(sm, client, tree):
    person = Person.objects.filter(region__in=[tree.township, tree.village]).exclude(id_number="").first()
    views = {}
    for name in ("township_officer", "county_admin"):
        client.force_login(persona(name))
        views[name] = client.get(f"/api/v1/persons/{person.pk}/").json()
    assert "*" in views["township_officer"]["id_number"]
    assert "*" not in views["county_admin"]["id_number"]
    call_command("crypto_migrate")
    for name, seen in views.items():
        client.force_login(persona(name))
        assert client.get(f"/api/v1/persons/{person.pk}/").json() == seen
