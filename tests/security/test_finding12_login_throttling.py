"""Finding 12: login as a CPU exhaustion lever, and a lock a stranger could hold forever.

Failed logins are counted per client address before the password hash runs; the account lock is per
account and address, and an administrator can lift it (audited)."""

import pytest

from anlan.accounts.models import LoginAttempt
from anlan.core.models import AuditEntry
from anlan.testing.personas import PASSWORD, persona
from tests.security.hashers import CountingHasher

STRANGER = "203.0.113.7"
OWNER = "198.51.100.20"


def login(client, username, password, ip):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.security.hashers.CountingHasher"]
    CountingHasher.runs = 0
    return CountingHasher


@pytest.mark.django_db
def test_an_address_that_keeps_failing_is_refused_before_any_password_hash(client, settings, counting_hasher):
    settings.ANLAN_LOGIN_ADDRESS_MAX_FAILURES = 20
    # Spread over many accounts, so no single account lock stops it: only the address limit can.
    for i in range(20):
        login(client, f"guess{i}", "Wrong-Pass-1", STRANGER)
    assert counting_hasher.runs == 20  # Django hashes even for unknown users (timing safety)
    response = login(client, "viewer", PASSWORD, STRANGER)
    assert "本地址登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert counting_hasher.runs == 20, "a throttled attempt must not run the password hash"
    # Throttled attempts are not stored either: a flood does not grow the table.
    for _ in range(30):
        login(client, "viewer", "Wrong-Pass-1", STRANGER)
    assert LoginAttempt.objects.filter(ip=STRANGER).count() == 20
    # Another address is unaffected.
    assert login(client, "viewer", PASSWORD, OWNER).status_code == 302


@pytest.mark.django_db
def test_a_stranger_cannot_lock_the_owner_out(client):
    for _ in range(5):
        login(client, "viewer", "Wrong-Pass-1", STRANGER)
    assert "已锁定" in login(client, "viewer", PASSWORD, STRANGER).content.decode()
    # The owner, from their own address, still logs in.
    assert login(client, "viewer", PASSWORD, OWNER).status_code == 302
    assert AuditEntry.objects.filter(action="login_locked", object_repr="viewer").exists()


@pytest.mark.django_db
def test_an_administrator_unlocks_an_account_and_it_is_audited(client):
    for _ in range(5):
        login(client, "viewer", "Wrong-Pass-1", OWNER)
    assert "已锁定" in login(client, "viewer", PASSWORD, OWNER).content.decode()

    admin = client.__class__()
    admin.force_login(persona("county_admin"))
    viewer = persona("viewer")
    page = admin.get(f"/accounts/user/{viewer.pk}/").content.decode()
    assert f"/accounts/user/{viewer.pk}/security/" in page  # the button on the user page
    assert "锁定" in admin.get(f"/accounts/user/{viewer.pk}/security/").content.decode()
    assert admin.post(f"/accounts/user/{viewer.pk}/security/", {"action": "unlock"}).status_code == 302
    entry = AuditEntry.objects.get(action="login_unlock", object_id=str(viewer.pk))
    assert entry.actor_name == "county_admin"

    assert login(client, "viewer", PASSWORD, OWNER).status_code == 302


@pytest.mark.django_db
def test_only_county_admins_unlock(client):
    client.force_login(persona("county_operator"))
    viewer = persona("viewer")
    assert client.post(f"/accounts/user/{viewer.pk}/security/", {"action": "unlock"}).status_code == 403
    assert not AuditEntry.objects.filter(action="login_unlock").exists()


@pytest.mark.django_db
def test_guessing_the_current_password_on_the_change_page_is_held_to_the_same_lock(client):
    client.force_login(persona("viewer"))
    data = {"new_password": "River-Bank-2027", "confirm_password": "River-Bank-2027"}
    for _ in range(5):
        response = client.post("/accounts/security/password/", {**data, "old_password": "Guess-1"}, REMOTE_ADDR=OWNER)
        assert "当前密码不正确" in response.content.decode()
    response = client.post("/accounts/security/password/", {**data, "old_password": PASSWORD}, REMOTE_ADDR=OWNER)
    assert response.status_code == 400 and "已锁定" in response.content.decode()
    assert persona("viewer").check_password(PASSWORD)
