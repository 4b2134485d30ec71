"""Two-factor login with TOTP (RFC 6238) devices from django-otp: enrolment, verification, QR codes.

The second step is part of the login itself: a session is authenticated only after the code, so every
view behind LoginRequired is behind both factors without a per-request check."""

import base64
import io
import time

import segno
from django.db import transaction
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from anlan.core.audit import audit_record
from anlan.core.roles import Role

from .models import User

DEVICE_NAME = "验证器"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def two_factor_required(user) -> bool:
    """County administrators must use a second factor; for everyone else it is optional."""
    return user.role == Role.COUNTY_ADMIN


def pending_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled (one at a time; a new visit keeps the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed in by hand."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as SVG markup to place inline in the page, drawn on the server: no outside service
    sees the secret, and inline markup needs no `data:` source in the Content-Security-Policy."""
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, svgclass="otp-qr", lineclass=None
    )
    return buffer.getvalue().decode()


@transaction.atomic
def enrol_confirm(*, user: User, code: str) -> bool:
    """Confirm the pending device with a code from the app; it replaces any earlier device."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-id").first()
    if device is None or not device.verify_token(code):
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_record(action="otp_enrol", obj=user, actor=user, after={"device": device.name})
    return True


@transaction.atomic
def device_reset(*, actor, user: User) -> int:
    """Recovery: an administrator removes a user's devices (lost phone). The user enrols again at next
    login (required for county administrators). Audited."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    audit_record(action="otp_reset", obj=user, actor=actor, after={"devices_removed": removed})
    return removed


def current_code(device: TOTPDevice, now: float | None = None) -> str:
    """The code an authenticator app shows now for this device (tests, and the bench that logs in).

    A code is accepted once (django-otp refuses a time step at or before the last one used), so when the
    current step was already used this returns the next step's code, which the device's tolerance accepts."""
    device.refresh_from_db()
    step_now = int(((now or time.time()) - device.t0) // device.step) + device.drift
    step = max(step_now, device.last_t + 1)
    if step > step_now + device.tolerance:
        time.sleep(device.step * (step - step_now - device.tolerance))
    return str(hotp(device.bin_key, step, device.digits)).zfill(device.digits)
