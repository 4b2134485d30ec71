"""Finding 11 (等保 三级 identity): change own password, forced change of initial and reset passwords,
expiry, history, and refusal of passwords built from the user name or common patterns."""

import datetime as dt
import io
import itertools

import pytest
from django.core.management import call_command
from django.utils import timezone

from anlan.accounts.models import PasswordHistory, User
from anlan.core.models import AuditEntry
from anlan.testing.personas import PASSWORD, persona


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def change(client, old, new, confirm=None):
    data = {"old_password": old, "new_password": new, "confirm_password": confirm or new}
    return client.post("/accounts/security/password/", data)


@pytest.mark.django_db
def test_a_user_changes_their_own_password_from_the_header(client):
    assert login(client, "viewer", PASSWORD).status_code == 302
    home = client.get("/").content.decode()
    assert 'href="/accounts/security/"' in home
    assert "修改密码" in client.get("/accounts/security/").content.decode()
    response = change(client, "Not-My-Pass-1", "River-Bank-2027")
    assert response.status_code == 400 and "当前密码不正确" in response.content.decode()
    response = change(client, PASSWORD, "River-Bank-2027", "River-Bank-2028")
    assert "两次输入的密码不一致" in response.content.decode()
    assert change(client, PASSWORD, "River-Bank-2027").status_code == 302
    assert client.get("/").status_code == 200  # the session survives the change
    user = persona("viewer")
    assert user.check_password("River-Bank-2027")
    assert AuditEntry.objects.filter(action="password_change", object_id=str(user.pk)).exists()
    assert "River-Bank-2027" not in str(list(AuditEntry.objects.values_list("after", flat=True)))


@pytest.mark.django_db
def test_an_initial_password_must_be_changed_at_first_login(client, tree):
    call_command(
        "create_user", "lisi", password="Initial-Key-2026", role="viewer", region=tree.county.code, stdout=io.StringIO()
    )
    assert login(client, "lisi", "Initial-Key-2026").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/password/"
    assert client.get("/hazards/hazard/").status_code == 302
    api = client.get("/api/v1/regions/")
    assert api.status_code == 403 and "请先修改密码" in api.json()["detail"]
    page = client.get("/accounts/security/password/").content.decode()
    assert "初始密码" in page
    assert change(client, "Initial-Key-2026", "Mountain-Road-88").status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_keep_password_exempts_service_accounts(client, tree):
    call_command(
        "create_user",
        "script",
        "--keep-password",
        password="Service-Key-2026",
        role="viewer",
        region=tree.county.code,
        stdout=io.StringIO(),
    )
    login(client, "script", "Service-Key-2026")
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_a_password_reset_by_an_administrator_must_be_changed(client, tree):
    viewer = persona("viewer")
    admin = client.__class__()
    admin.force_login(persona("county_admin"))
    data = {
        "username": "viewer",
        "display_name": "领导",
        "role": "viewer",
        "region": tree.county.code,
        "is_active": "on",
        "new_password": "Reset-Given-2026",
        "confirm_password": "Reset-Given-2026",
    }
    assert admin.post(f"/accounts/user/{viewer.pk}/edit/", data).status_code == 302
    login(client, "viewer", "Reset-Given-2026")
    assert client.get("/")["Location"] == "/accounts/security/password/"


@pytest.mark.django_db
def test_an_expired_password_must_be_changed(client, settings):
    settings.ANLAN_PASSWORD_MAX_AGE_DAYS = 90
    User.objects.filter(username="viewer").update(password_changed_at=timezone.now() - dt.timedelta(days=91))
    login(client, "viewer", PASSWORD)
    response = client.get("/")
    assert response["Location"] == "/accounts/security/password/"
    assert "已过期" in client.get("/accounts/security/password/").content.decode()
    assert change(client, PASSWORD, "Fresh-Water-2026").status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_none_of_the_last_five_passwords_may_be_reused(client):
    login(client, "viewer", PASSWORD)
    passwords = [PASSWORD, "Cloud-Peak-2031", "Stone-Bridge-2032", "Green-Hill-2033", "Quiet-Lake-2034"]
    for old, new in itertools.pairwise(passwords):
        assert change(client, old, new).status_code == 302
    for reused in passwords[:-1]:
        response = change(client, passwords[-1], reused)
        assert response.status_code == 400
        assert "最近 5 次使用过的密码" in response.content.decode()
    assert change(client, passwords[-1], "Sixth-Moon-2035").status_code == 302
    # Only hashes are stored, and only as many as the rule needs (the current one is the user's own).
    stored = list(PasswordHistory.objects.filter(user__username="viewer").values_list("password", flat=True))
    assert len(stored) == 4 and all(h.startswith("md5$") for h in stored)
    # The sixth password back is free again.
    assert change(client, "Sixth-Moon-2035", PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Viewer-2026!", "不能包含用户名"),
        ("V-i-e-w-e-r-99", "不能包含用户名"),
        ("P@ssw0rd2026", "容易猜"),
        ("Qwerty123!", "容易猜"),
        ("Abcd1234!", "容易猜"),
    ],
)
def test_passwords_from_the_user_name_or_common_patterns_are_refused(client, password, message):
    login(client, "viewer", PASSWORD)
    response = change(client, PASSWORD, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert persona("viewer").check_password(PASSWORD)
