"""The public tip page (群众举报): anyone may report a hazard without an account.

Anti-spam without any outside service (isolated networks, no reCAPTCHA):
- a signed challenge carries the time the form was shown and the answer to a small sum; a tip sent
  sooner than ANLAN_TIP_MIN_SECONDS after, later than two hours after, or with a wrong sum is refused;
- a honeypot field that people do not see and robots fill in;
- at most ANLAN_TIP_RATE_PER_HOUR tips per address per hour, counted in the database (a keyed hash of
  the address, never the address itself) so the limit holds across server processes.
"""

import datetime as dt
import hashlib
import hmac
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone

from anlan.core.validators import validate_phone
from anlan.geo.models import Region, RegionLevel

from .models import HiddenHazard

SALT = "anlan.public-tip"
MAX_AGE_SECONDS = 2 * 3600
REVIEW_DAYS = 7  # the deadline a tip carries until a township assigns it with its own


def new_challenge(now: float | None = None) -> tuple[str, str]:
    """(question, signed token) for a fresh form."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"t": now if now is not None else time.time(), "s": a + b}, salt=SALT)
    return f"{a} + {b} = ?", token


def address_key(ip: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def client_ip(request) -> str:
    # Behind the bureau's reverse proxy REMOTE_ADDR is the proxy; it passes the client in X-Real-IP.
    return request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR", "")


def recent_tips(key: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return HiddenHazard.objects.filter(
        source=HiddenHazard.Source.PUBLIC_TIP, submitted_from=key, created_at__gte=since
    ).count()


class PublicTipForm(forms.Form):
    region = forms.ModelChoiceField(label="所在村（社区）", queryset=None, to_field_name="code")
    place = forms.CharField(label="具体位置", max_length=200)
    description = forms.CharField(label="隐患情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    photo = forms.FileField(label="照片（可选，JPEG 或 PNG）", required=False)
    name = forms.CharField(label="您的称呼（可选）", max_length=64, required=False)
    phone = forms.CharField(
        label="联系电话（可选，便于核实）", max_length=20, required=False, validators=[validate_phone]
    )
    answer = forms.IntegerField(label="验证：")
    website = forms.CharField(label="请勿填写", required=False)  # honeypot, hidden by CSS
    challenge = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.filter(level__in=[RegionLevel.VILLAGE, RegionLevel.TOWNSHIP])
            .select_related("parent")
            .order_by("code")
        )
        self.fields["region"].label_from_instance = lambda r: (
            f"{r.parent.name} {r.name}" if r.level == "village" else r.name
        )
        self.fields["region"].error_messages["invalid_choice"] = "请选择所在村（社区）"
        self.fields["answer"].error_messages["invalid"] = "请填写计算结果（数字）"

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("提交未通过校验，请刷新页面后重试")
        try:
            challenge = signing.loads(data.get("challenge") or "", salt=SALT, max_age=None)
        except signing.BadSignature:
            raise forms.ValidationError("页面已失效，请刷新后重新填写") from None
        age = time.time() - float(challenge["t"])
        if age > MAX_AGE_SECONDS:
            raise forms.ValidationError("页面打开时间过长，请刷新后重新填写")
        if age < settings.ANLAN_TIP_MIN_SECONDS:
            raise forms.ValidationError("提交过快，请稍候再提交")
        if data.get("answer") is not None and data["answer"] != challenge["s"]:
            self.add_error("answer", "计算结果不正确")
        return data

    def hazard(self, key: str) -> HiddenHazard:
        d = self.cleaned_data
        return HiddenHazard(
            title=f"群众举报：{d['place']}"[:200],
            description=d["description"],
            level=HiddenHazard.Level.GENERAL,
            region=d["region"],
            deadline=timezone.localdate() + dt.timedelta(days=REVIEW_DAYS),
            source=HiddenHazard.Source.PUBLIC_TIP,
            reporter_name=d["name"] or "群众",
            reporter_phone=d["phone"],
            submitted_from=key,
        )
