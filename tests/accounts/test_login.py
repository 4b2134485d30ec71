import datetime as dt

import pytest
from django.utils import timezone

from anlan.accounts.models import LoginAttempt
from anlan.core.models import AuditEntry
from anlan.testing.personas import PASSWORD


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_wrong_password_gets_a_chinese_message_and_no_session(client):
    response = login(client, "township_officer", "wrong")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_correct_password_logs_in(client):
    response = login(client, "township_officer", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_five_failures_in_fifteen_minutes_lock_the_account(client):
    for _ in range(4):
        assert "用户名或密码错误" in login(client, "viewer", "wrong").content.decode()
    assert "已锁定" in login(client, "viewer", "wrong").content.decode()
    # Even the right password is refused while locked.
    response = login(client, "viewer", PASSWORD)
    assert "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_locked", object_repr="viewer").exists()


@pytest.mark.django_db
def test_lock_lifts_after_the_window(client):
    long_ago = timezone.now() - dt.timedelta(minutes=16)
    LoginAttempt.objects.bulk_create([LoginAttempt(username="viewer", at=long_ago, success=False) for _ in range(5)])
    assert login(client, "viewer", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sessions_expire(settings, client):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    login(client, "viewer", PASSWORD)
    assert client.session.get_expire_at_browser_close()


@pytest.mark.django_db
def test_a_forged_address_header_cannot_break_the_login(client):
    response = client.post(
        "/accounts/login/", {"username": "viewer", "password": PASSWORD}, HTTP_X_REAL_IP="<not an address>"
    )
    assert response.status_code == 302
    assert LoginAttempt.objects.filter(username="viewer", success=True).exists()
