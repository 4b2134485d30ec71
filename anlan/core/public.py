"""Pages anyone may use without an account (群众举报, 公众订阅): protection without any outside service
(isolated networks, no reCAPTCHA).

- a signed challenge carries the time the form was shown and the answer to a small sum; a form sent
  sooner than ANLAN_TIP_MIN_SECONDS after, later than two hours after, or with a wrong sum is refused;
- a honeypot field that people do not see and robots fill in;
- each challenge is good for one submission: its keyed hash is stored until it expires (UsedChallenge),
  so one solved page cannot be replayed (the tip form and the subscribe page's SMS-code requests);
- the caller's address only as a keyed hash (address_key), for per-address limits counted in the
  database so they hold across server processes. The address is REMOTE_ADDR, or what a configured
  reverse proxy (ANLAN_TRUSTED_PROXIES) says it forwarded: anyone can send X-Real-IP themselves.
"""

import datetime as dt
import functools
import hashlib
import hmac
import ipaddress
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

MAX_AGE_SECONDS = 2 * 3600


def new_challenge(salt: str, now: float | None = None) -> tuple[str, str]:
    """(question, signed token) for a fresh form."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"t": now if now is not None else time.time(), "s": a + b}, salt=salt)
    return f"{a} + {b} = ?", token


def keyed_hash(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


def address_key(ip: str) -> str:
    return keyed_hash(ip)


@functools.lru_cache(maxsize=8)
def _networks(setting: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in setting)


def _ip(value: str):
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(address in net for net in _networks(tuple(settings.ANLAN_TRUSTED_PROXIES)))


def client_ip(request) -> str:
    """The caller's address. Forwarded headers count only when the connection comes from a configured
    proxy (ANLAN_TRUSTED_PROXIES): then X-Real-IP (set by the proxy itself), else the right-most
    X-Forwarded-For entry that is not one of our proxies (entries left of it could be made up)."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_ip(remote)):
        return remote
    real = _ip(request.META.get("HTTP_X_REAL_IP", ""))
    if real is not None:
        return str(real)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _ip(entry)
        if address is not None and not _trusted(address):
            return str(address)
    return remote


def spend_challenge(token: str, issued_at: float) -> bool:
    """Mark a challenge as used; False when it had been used already. An insert on a unique key, so two
    submissions racing each other cannot both pass (SQLite and PostgreSQL alike)."""
    from .models import UsedChallenge

    now = timezone.now()
    expires = dt.datetime.fromtimestamp(issued_at + MAX_AGE_SECONDS, tz=dt.UTC)
    # Forget challenges that would be refused as too old anyway (an indexed range delete).
    UsedChallenge.objects.filter(expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            UsedChallenge.objects.create(digest=keyed_hash("challenge:" + token), expires_at=expires)
    except IntegrityError:
        return False
    return True


class ChallengeForm(forms.Form):
    """A public form with the sum challenge and the honeypot; subclasses set `salt` and add fields."""

    salt = "anlan.public"

    answer = forms.IntegerField(label="验证：")
    website = forms.CharField(label="请勿填写", required=False)  # honeypot, hidden by CSS
    challenge = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].error_messages["invalid"] = "请填写计算结果（数字）"
        # The challenge fields come last, whatever the subclass declares.
        for name in ("answer", "website", "challenge"):
            self.fields[name] = self.fields.pop(name)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("提交未通过校验，请刷新页面后重试")
        try:
            challenge = signing.loads(data.get("challenge") or "", salt=self.salt, max_age=None)
        except signing.BadSignature:
            raise forms.ValidationError("页面已失效，请刷新后重新填写") from None
        age = time.time() - float(challenge["t"])
        if age > MAX_AGE_SECONDS:
            raise forms.ValidationError("页面打开时间过长，请刷新后重新填写")
        # Spent before the other checks: a wrong sum cannot be retried on the same page (17 guesses).
        if not spend_challenge(data["challenge"], float(challenge["t"])):
            raise forms.ValidationError("该页面已提交过，请刷新后重新填写")
        if age < settings.ANLAN_TIP_MIN_SECONDS:
            raise forms.ValidationError("提交过快，请稍候再提交")
        if data.get("answer") is not None and data["answer"] != challenge["s"]:
            self.add_error("answer", "计算结果不正确")
        return data


def with_fresh_challenge(form_class, form=None, **kwargs):
    """The form to show: new, or the one sent back with a new challenge and the rest kept as typed."""
    question, token = new_challenge(form_class.salt)
    if form is None:
        form = form_class(initial={"challenge": token}, **kwargs)
    else:
        form.data = form.data.copy()
        form.data["challenge"], form.data["answer"] = token, ""
    form.fields["answer"].label = f"验证：{question}"
    # A form that was validated has built its bound fields already, each with a copy of its label made
    # then; without this the page comes back with "验证：" and no sum, and cannot be completed.
    form["answer"].label = form.fields["answer"].label
    return form
