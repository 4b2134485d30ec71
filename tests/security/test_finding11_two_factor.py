"""Finding 11 (two-factor login): TOTP required for county administrators, optional for others, with an
enrolment page drawing the QR code on the server and an audited reset by an administrator.

Codes are real RFC 6238 codes computed from the device's key, as an authenticator app would."""

import base64
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from anlan.accounts.models import User
from anlan.accounts.twofactor import current_code
from anlan.core.models import AuditEntry
from anlan.core.roles import Role
from anlan.testing.personas import PASSWORD, otp_code, persona


def login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def code_now(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


@pytest.mark.django_db
def test_a_county_admin_gives_a_code_after_the_password(client):
    response = login(client, "county_admin")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/otp/"
    assert "_auth_user_id" not in client.session  # not logged in on the password alone
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/regions/").status_code in (401, 403)

    response = client.post("/accounts/login/otp/", {"code": "000000" if otp_code("county_admin") != "000000" else "1"})
    assert response.status_code == 400 and "验证码错误" in response.content.decode()
    assert "_auth_user_id" not in client.session

    time.sleep(1.1)  # django-otp slows guessing: one second after a wrong code before the next is tried
    code = otp_code("county_admin")
    assert client.post("/accounts/login/otp/", {"code": code}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="login", actor_name="county_admin").exists()

    # The same code cannot log in a second time (replay).
    other = client.__class__()
    login(other, "county_admin")
    assert other.post("/accounts/login/otp/", {"code": code}).status_code == 400


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_lock(client):
    login(client, "county_admin")
    for _ in range(5):
        client.post("/accounts/login/otp/", {"code": "12345x"})
    response = client.post("/accounts/login/otp/", {"code": otp_code("county_admin")}, follow=True)
    assert "已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_county_admin_without_a_device_must_enrol_before_anything_else(client, tree):
    user = User(username="new_admin", role=Role.COUNTY_ADMIN, region=tree.county)
    user.set_password(PASSWORD)
    user.save()
    assert login(client, "new_admin").status_code == 302
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/security/otp/"
    assert client.get("/accounts/user/").status_code == 302
    assert client.get("/api/v1/regions/").status_code == 403

    page = client.get("/accounts/security/otp/").content.decode()
    # The QR code is drawn by the server as inline SVG; no outside service sees the secret.
    figure = page.split('<figure id="otp-qr"')[1].split("</figure>")[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in figure and "<path" in figure
    assert figure.count("http") == 1  # the SVG namespace only: no outside address
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert secret in page

    assert client.post("/accounts/security/otp/", {"code": "000001"}).status_code == 400
    time.sleep(1.1)  # django-otp slows guessing: one second after a wrong code before the next is tried
    assert client.post("/accounts/security/otp/", {"code": code_now(device)}).status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="otp_enrol", object_id=str(user.pk)).exists()

    client.logout()
    assert login(client, "new_admin")["Location"] == "/accounts/login/otp/"


@pytest.mark.django_db
def test_two_factor_is_optional_for_other_roles(client):
    assert login(client, "viewer").status_code == 302
    assert client.get("/").status_code == 200  # no device, no enrolment demanded
    client.get("/accounts/security/otp/")
    device = TOTPDevice.objects.get(user__username="viewer", confirmed=False)
    assert client.post("/accounts/security/otp/", {"code": code_now(device)}).status_code == 302
    client.logout()
    assert login(client, "viewer")["Location"] == "/accounts/login/otp/"


@pytest.mark.django_db
def test_an_administrator_resets_a_lost_device_and_it_is_audited(client):
    viewer = persona("viewer")
    device = TOTPDevice.objects.create(user=viewer, name="验证器", confirmed=True)
    assert current_code(device).isdigit()
    client.force_login(persona("county_admin"))
    page = client.get(f"/accounts/user/{viewer.pk}/security/").content.decode()
    assert "重置两步验证" in page
    assert client.post(f"/accounts/user/{viewer.pk}/security/", {"action": "reset_otp"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()
    entry = AuditEntry.objects.get(action="otp_reset", object_id=str(viewer.pk))
    assert entry.actor_name == "county_admin"
    other = client.__class__()
    assert login(other, "viewer").status_code == 302 and other.get("/").status_code == 200


@pytest.mark.django_db
def test_replacing_a_device_takes_the_password(client):
    """An open session alone cannot swap the owner's authenticator for another one."""
    assert login(client, "viewer").status_code == 302
    client.get("/accounts/security/otp/")
    first = TOTPDevice.objects.get(user__username="viewer", confirmed=False)
    assert client.post("/accounts/security/otp/", {"code": code_now(first)}).status_code == 302
    client.get("/accounts/security/otp/")
    second = TOTPDevice.objects.get(user__username="viewer", confirmed=False)
    refused = client.post("/accounts/security/otp/", {"code": code_now(second), "password": "wrong"})
    assert refused.status_code == 400 and "当前密码不正确" in refused.content.decode()
    assert TOTPDevice.objects.filter(user__username="viewer", confirmed=True).get() == first
    ok = client.post("/accounts/security/otp/", {"code": code_now(second), "password": PASSWORD})
    assert ok.status_code == 302
    assert TOTPDevice.objects.filter(user__username="viewer", confirmed=True).get() == second
