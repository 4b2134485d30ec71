"""The public side of warnings: the page of current warnings by area, and 公众订阅 — anyone may subscribe
a phone to an area's warnings, confirmed by a code sent to that phone (so no one subscribes another
person's number), and unsubscribe the same way.

Codes: six digits, kept only as a keyed hash, valid ANLAN_SUBSCRIBE_CODE_MINUTES, five tries; one code
per phone a minute; ANLAN_TIP_RATE_PER_HOUR requests per address an hour (the tip page's limit).
"""

import datetime as dt
import secrets

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from anlan.core.audit import audit_record
from anlan.core.errors import DomainError
from anlan.core.public import ChallengeForm, keyed_hash
from anlan.core.regions import choice_label
from anlan.core.validators import validate_phone
from anlan.geo.models import Region, RegionLevel
from anlan.notify.channels import CHANNELS, Outgoing

from . import services
from .messages import sender_name
from .models import Subscriber, Warning

SALT = "anlan.public-subscribe"
RESEND_SECONDS = 60
MAX_TRIES = 5
PUBLIC_ACTOR = "公众（短信验证）"


def phone_digest(phone: str) -> str:
    return keyed_hash("phone:" + phone.strip())


def area_choices():
    # Names and codes only: the outlines (GeoJSON) of some 600 areas would be decoded for one list of names.
    return (
        Region.objects.filter(level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
        .select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("code")
    )


class SubscribeForm(ChallengeForm):
    salt = SALT

    phone = forms.CharField(label="手机号码", max_length=20, validators=[validate_phone])
    region = forms.ModelChoiceField(label="订阅区域（乡镇或村）", queryset=None, to_field_name="code", required=False)
    name = forms.CharField(label="称呼（可选）", max_length=64, required=False)
    action = forms.ChoiceField(
        label="操作", choices=[("subscribe", "订阅"), ("unsubscribe", "退订全部")], widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = area_choices()
        self.fields["region"].label_from_instance = choice_label
        self.fields["region"].error_messages["invalid_choice"] = "请选择乡镇或村（社区）"
        self.fields["action"].initial = "subscribe"

    def clean(self):
        data = super().clean()
        if data.get("action") == "subscribe" and not data.get("region"):
            self.add_error("region", "请选择订阅区域")
        return data


class ConfirmForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20, validators=[validate_phone])
    code = forms.RegexField(
        label="短信验证码", regex=r"^\d{6}$", error_messages={"invalid": "验证码是 6 位数字"}, max_length=6
    )


def recent_requests(address: str) -> int:
    since = timezone.now() - dt.timedelta(hours=1)
    return Subscriber.objects.filter(requested_from=address, code_sent_at__gte=since).count()


def _send_code(phone: str, code: str, purpose: str, ref: str) -> None:
    sender = sender_name()
    minutes = settings.ANLAN_SUBSCRIBE_CODE_MINUTES
    text = f"【{sender}】您正在{purpose}预警短信，验证码 {code}，{minutes} 分钟内有效。如非本人操作请忽略。"
    outcome = CHANNELS["sms"].send([Outgoing(ref, phone, text, "验证码")])
    error = outcome.get(ref)
    if error:
        raise DomainError("subscribe.sms_failed", f"验证码短信发送失败，请稍后再试（{error}）")


@transaction.atomic
def request_code(*, phone: str, action: str, region: Region | None, name: str, address: str) -> None:
    """Store a fresh code on the phone's subscription rows (creating the one asked for) and text it."""
    digest, now = phone_digest(phone), timezone.now()
    rows = Subscriber.objects.select_for_update().filter(phone_digest=digest)
    last = max((r.code_sent_at for r in rows if r.code_sent_at), default=None)
    if last and (now - last).total_seconds() < RESEND_SECONDS:
        raise DomainError("subscribe.too_soon", "验证码已发送，请 1 分钟后再试")
    if action == "subscribe":
        row, _ = Subscriber.objects.get_or_create(
            phone_digest=digest, region=region, defaults={"phone": phone, "name": name}
        )
        if row.confirmed:
            raise DomainError("subscribe.already", f"该号码已订阅“{region.name}”的预警")
        targets = [row]
    else:
        targets = list(rows.filter(confirmed=True))
        if not targets:
            raise DomainError("subscribe.not_subscribed", "该号码没有订阅任何区域")
    code = f"{secrets.randbelow(10**6):06d}"
    for row in targets:
        row.code_digest, row.code_sent_at, row.code_attempts = keyed_hash(f"code:{digest}:{code}"), now, 0
        row.pending, row.requested_from = action, address
        row.save(update_fields=["code_digest", "code_sent_at", "code_attempts", "pending", "requested_from"])
    purpose = "订阅" if action == "subscribe" else "退订"
    # Raising rolls the rows back: a code that never left is not waiting to be typed.
    _send_code(phone, code, purpose, f"code-{targets[0].pk}-{int(now.timestamp())}")


@transaction.atomic
def confirm(*, phone: str, code: str) -> tuple[str, list[str]]:
    """Apply the pending subscribe/unsubscribe; returns (action, area names)."""
    digest, now = phone_digest(phone), timezone.now()
    rows = list(Subscriber.objects.select_for_update().filter(phone_digest=digest).exclude(pending=""))
    valid_since = now - dt.timedelta(minutes=settings.ANLAN_SUBSCRIBE_CODE_MINUTES)
    latest = max((r.code_sent_at for r in rows if r.code_sent_at), default=None)
    rows = [r for r in rows if latest and r.code_sent_at == latest and latest >= valid_since]
    if not rows:
        raise DomainError("subscribe.no_pending", "没有待确认的请求或验证码已过期，请重新获取")
    if any(r.code_attempts >= MAX_TRIES for r in rows):
        raise DomainError("subscribe.too_many_attempts", "验证码错误次数过多，请重新获取")
    if rows[0].code_digest != keyed_hash(f"code:{digest}:{code}"):
        Subscriber.objects.filter(pk__in=[r.pk for r in rows]).update(code_attempts=rows[0].code_attempts + 1)
        raise DomainError("subscribe.wrong_code", "验证码不正确")
    action = rows[0].pending
    names = [r.region.name for r in rows]
    for row in rows:
        if action == "subscribe":
            row.confirmed, row.pending, row.code_digest = True, "", ""
            row.save(update_fields=["confirmed", "pending", "code_digest", "updated_at"])
            audit_record(action="subscriber_confirm", obj=row, actor=PUBLIC_ACTOR, after={"region": row.region_id})
        else:
            audit_record(action="subscriber_remove", obj=row, actor=PUBLIC_ACTOR, before={"region": row.region_id})
            row.delete()
    return action, names


def current_warnings(area: Region | None) -> list[tuple[Warning, list[str]]]:
    """Issued, unexpired warnings (the latest of each chain) with the area names, for one area or all."""
    now = timezone.now()
    warnings = list(
        Warning.objects.real()
        .filter(status=Warning.Status.ISSUED, expires__gt=now)
        .exclude(msg_type=Warning.MsgType.CANCEL)
        .prefetch_related(Prefetch("regions", queryset=Region.objects.defer("boundary")))  # names and codes
        .order_by("-sent")
    )
    out = []
    for warning in warnings:
        if area is not None and area.code not in services.target_codes(warning):
            continue
        out.append((warning, [r.name for r in warning.regions.all()]))
    return out


def public_instruction(warning: Warning) -> str:
    return (warning.measures or {}).get("resident") or warning.instruction


def unconfirmed_cleanup_job(today: dt.date) -> str:
    """Daily: forget subscriptions never confirmed within a day (typed numbers that were not the typist's)."""
    cutoff = timezone.now() - dt.timedelta(days=1)
    removed, _ = Subscriber.objects.filter(confirmed=False, created_at__lt=cutoff).delete()
    return f"删除未确认的订阅 {removed} 条"
