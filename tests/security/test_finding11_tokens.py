"""Finding 11 (API tokens) and the token half of finding 4: tokens listed per user, revocable, expiring by
default, revoked when an administrator resets the password; `last_used_at` written at most once a minute."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from anlan.accounts.models import ApiToken
from anlan.core.models import AuditEntry
from anlan.testing.personas import PASSWORD, persona


def new_token(username="viewer", *args) -> str:
    out = io.StringIO()
    call_command("create_token", username, *args, stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1  # CONTRACT: the token alone on one line
    return lines[0]


def api(client, token):
    return client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")


@pytest.mark.django_db
def test_tokens_expire_by_default(client, settings):
    settings.ANLAN_API_TOKEN_DAYS = 90
    key = new_token()
    token = ApiToken.objects.get(prefix=key[:8])
    assert token.expires_at is not None
    assert abs((token.expires_at - timezone.now()) - dt.timedelta(days=90)) < dt.timedelta(minutes=1)
    assert api(client, key).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = api(client, key)
    assert response.status_code == 401 and "过期" in response.json()["detail"]


@pytest.mark.django_db
def test_a_user_lists_creates_and_revokes_their_tokens(client):
    key = new_token()
    client.force_login(persona("viewer"))
    page = client.get("/accounts/security/").content.decode()
    assert key[:8] in page and key not in page  # listed by prefix; the key itself is never shown again
    token = ApiToken.objects.get(prefix=key[:8])
    # Someone else's token cannot be revoked (nor seen) from one's own page.
    others = ApiToken.objects.get(prefix=new_token("county_operator")[:8])
    assert others.prefix not in client.get("/accounts/security/").content.decode()
    assert client.post("/accounts/security/", {"revoke": others.pk}).status_code == 404
    assert client.post("/accounts/security/", {"revoke": token.pk}).status_code == 302
    assert api(client.__class__(), key).status_code == 401
    assert AuditEntry.objects.filter(action="token_revoke", object_id=str(token.user_id)).exists()
    # A new one is shown once, expiring after the days asked for.
    # Creating one asks for the password again (a token outlives the session and skips the second factor).
    refused = client.post("/accounts/security/", {"name": "报表脚本", "days": 30, "password": "wrong"})
    assert "当前密码不正确" in refused.content.decode()
    assert not ApiToken.objects.filter(user__username="viewer", revoked=False).exists()
    page = client.post("/accounts/security/", {"name": "报表脚本", "days": 30, "password": PASSWORD}).content.decode()
    created = ApiToken.objects.filter(user__username="viewer", revoked=False).get()
    assert created.name == "报表脚本" and created.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    assert 'id="new-token"' in page


@pytest.mark.django_db
def test_an_administrator_sees_and_revokes_a_users_tokens_and_a_reset_revokes_them_all(client, tree):
    first, second = new_token(), new_token()
    viewer = persona("viewer")
    client.force_login(persona("county_admin"))
    page = client.get(f"/accounts/user/{viewer.pk}/security/").content.decode()
    assert first[:8] in page and second[:8] in page
    token = ApiToken.objects.get(prefix=first[:8])
    client.post(f"/accounts/user/{viewer.pk}/security/", {"action": "revoke", "token": token.pk})
    assert api(client.__class__(), first).status_code == 401
    assert api(client.__class__(), second).status_code == 200
    data = {
        "username": "viewer",
        "role": "viewer",
        "region": tree.county.code,
        "is_active": "on",
        "new_password": "Reset-Given-2026",
        "confirm_password": "Reset-Given-2026",
    }
    assert client.post(f"/accounts/user/{viewer.pk}/edit/", data).status_code == 302
    assert api(client.__class__(), second).status_code == 401
    assert AuditEntry.objects.filter(action="token_revoke", after__reason="password_reset").exists()


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(client):
    key = new_token()
    token = ApiToken.objects.get(prefix=key[:8])
    assert api(client, key).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    api(client, key)
    token.refresh_from_db()
    assert token.last_used_at == first  # no write for a second request within the minute
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - dt.timedelta(seconds=61))
    api(client, key)
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_changing_ones_own_password_revokes_ones_tokens(client):
    """A user who suspects a compromise changes their password: tokens made before stop working too."""
    key = new_token()
    assert api(client.__class__(), key).status_code == 200
    client.force_login(persona("viewer"))
    new = "Zhu-Quan-Shan-7319-Lu"
    data = {"old_password": PASSWORD, "new_password": new, "confirm_password": new}
    assert client.post("/accounts/security/password/", data).status_code == 302
    assert api(client.__class__(), key).status_code == 401
    revoked = AuditEntry.objects.filter(action="token_revoke", object_id=str(persona("viewer").pk)).get()
    assert revoked.after["reason"] == "password_change"
