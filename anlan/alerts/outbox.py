"""The outbox worker: claim due deliveries (per channel, within the channel's shared rate budget, see
ratelimit), resolve each recipient's address, send through the channel in batches, record the outcome;
retry failures with exponential backoff, give up after ANLAN_OUTBOX_MAX_ATTEMPTS, and then try the
recipient's next channel (their channel order: e.g. SMS, then a voice call).

Crash safety: a claim is a lease. A worker killed between claiming and recording leaves rows in
"sending"; once the lease (ANLAN_OUTBOX_LEASE_SECONDS) has passed any worker takes them back. Those
messages may already have left, so every message carries its delivery id and gateways drop repeats
(see channels): nothing is lost, nothing reaches a phone twice.
"""

import datetime as dt
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.embedded import EmbeddedService, register_service
from anlan.registry.models import Enterprise, Person
from anlan.resources.models import Shelter

from . import acks, ratelimit
from .channels import CHANNEL_LABELS, CHANNELS, Outgoing
from .messages import SECTORS, compose, sender_name
from .models import BroadcastTerminal, Delivery, Resident, Subscriber, WorkGroup

NO_ADDRESS = "无联系方式"

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


@dataclass
class Resolved:
    address: str
    sectors: tuple[str, ...] = ()  # an enterprise's special sectors, for its measures


def _kind_and_pk(delivery: Delivery) -> tuple[str, int]:
    kind, _, pk = delivery.recipient_key.split("#")[0].partition(":")
    return kind, int(pk)


def _addresses(deliveries) -> dict[int, Resolved]:
    """Delivery id → address, resolved in one query per recipient kind (phones decrypted here only). A
    recipient without an address on the delivery's channel is left out (the outcome "无联系方式")."""
    wanted: dict[str, dict[int, list[Delivery]]] = defaultdict(lambda: defaultdict(list))
    for d in deliveries:
        kind, pk = _kind_and_pk(d)
        wanted[kind][pk].append(d)
    out: dict[int, Resolved] = {}
    for kind, by_pk in wanted.items():
        for pk, address, sectors in _lookup(kind, list(by_pk)):
            for d in by_pk[pk]:
                resolved = _for_channel(d.channel, address)
                if resolved:
                    out[d.pk] = Resolved(resolved, sectors)
    return out


def _for_channel(channel: str, address: dict) -> str:
    if channel in ("sms", "voice"):
        return address.get("phone", "")
    return address.get(channel, "")


def _lookup(kind: str, pks: list[int]):
    """(pk, {channel: address}, sectors) for the recipients of one kind."""
    if kind in ("person", "resident", "subscriber"):
        model = {"person": Person, "resident": Resident, "subscriber": Subscriber}[kind]
        for obj in model.objects.filter(pk__in=pks).only("pk", "phone"):
            yield obj.pk, {"phone": obj.phone or ""}, ()
    elif kind == "enterprise":
        for e in Enterprise.objects.filter(pk__in=pks).only("pk", "principal_phone", *(f for f, _ in SECTORS)):
            yield e.pk, {"phone": e.principal_phone or ""}, tuple(f for f, _ in SECTORS if getattr(e, f))
    elif kind == "shelter":
        for pk, phone in (
            (s.pk, s.manager_phone) for s in Shelter.objects.filter(pk__in=pks).only("pk", "manager_phone")
        ):
            yield pk, {"phone": phone or ""}, ()
    elif kind == "user":
        for pk, email in User.objects.filter(pk__in=pks, is_active=True).values_list("pk", "email"):
            yield pk, {"inapp": str(pk), "email": email}, ()
    elif kind == "terminal":
        terminals = BroadcastTerminal.objects.filter(pk__in=pks, active=True).values_list("pk", "protocol", "code")
        for pk, protocol, code in terminals:
            yield pk, {"broadcast": f"{protocol}:{code}"}, ()
    elif kind == "group":
        for pk, platform in WorkGroup.objects.filter(pk__in=pks, active=True).values_list("pk", "platform"):
            yield pk, {platform: str(pk)}, ()


def _text(delivery: Delivery, sectors: tuple[str, ...] = ()) -> str:
    """The message: the delivery's own (escalations) or the warning's for this audience, with the 叫应 link
    for responsible persons when the platform has a public address."""
    warning = delivery.warning
    body = delivery.message or compose(
        sender=sender_name(),
        headline=warning.headline,
        instruction=warning.instruction,
        description=warning.description,
        measures=warning.measures or {},
        tier=delivery.tier,
        region_code=delivery.region_code,
        sectors=sectors,
    )
    if delivery.tier in acks.RESPONSIBLE_TIERS and delivery.channel == "sms" and not delivery.message:
        if settings.ANLAN_SMS_REPLY_TOKEN:
            body = f"{body[:220]}（回复1确认收到）"
        if settings.ANLAN_PUBLIC_URL:
            body = f"{body[:230]} 收到请确认：{acks.ack_url(warning.pk, delivery.recipient_key)}"
    return body[:300]


def claim(*, limit: int, now: dt.datetime) -> list[Delivery]:
    """Take up to `limit` due deliveries per channel (and any whose worker died), within each channel's
    rate budget, for this worker."""
    lease = now - dt.timedelta(seconds=settings.ANLAN_OUTBOX_LEASE_SECONDS)
    ids: list[int] = []
    with transaction.atomic():
        Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=lease).update(
            status=Delivery.Status.QUEUED
        )
        for channel in CHANNELS:
            due = Delivery.objects.filter(
                status=Delivery.Status.QUEUED, channel=channel, next_attempt_at__lte=now
            ).order_by("next_attempt_at", "pk")
            if connections["default"].features.has_select_for_update_skip_locked:
                due = due.select_for_update(skip_locked=True)
            found = list(due.values_list("pk", flat=True)[:limit])
            ids += found[: ratelimit.take(channel, len(found), now)]
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENDING, claimed_at=now)
    return list(Delivery.objects.filter(pk__in=ids).select_related("warning", "alarm", "alarm__sensor").order_by("pk"))


def process(*, limit: int = 2000, now: dt.datetime | None = None) -> dict:
    """One round: claim, send per channel in batches, record. Returns counts."""
    now = now or timezone.now()
    batch = claim(limit=limit, now=now)
    if not batch:
        return {"claimed": 0, "sent": 0, "failed": 0, "retry": 0}
    addresses = _addresses(batch)
    outcome: dict[int, str | None] = {}
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for d in batch:
        if d.pk not in addresses:
            outcome[d.pk] = NO_ADDRESS
        else:
            by_channel[d.channel].append(d)
    for name, deliveries in by_channel.items():
        channel = CHANNELS[name]
        for i in range(0, len(deliveries), channel.batch_size):
            chunk = deliveries[i : i + channel.batch_size]
            messages = [
                Outgoing(d.pk, addresses[d.pk].address, _text(d, addresses[d.pk].sectors), *_about(d)) for d in chunk
            ]
            outcome.update(channel.send(messages))
    return _record(batch, outcome, now)


def _about(delivery: Delivery) -> tuple[str, str, str]:
    """(title, link, level) of what the delivery carries: a warning or a monitoring alarm."""
    if delivery.warning_id:
        warning = delivery.warning
        return warning.headline, reverse("alerts:warning_detail", kwargs={"pk": warning.pk}), warning.level
    alarm = delivery.alarm
    return str(alarm), reverse("monitoring:alarm_detail", kwargs={"pk": alarm.pk}), alarm.level


def _record(batch: list[Delivery], outcome: dict, now: dt.datetime) -> dict:
    sent, retry, failed = [], [], []
    for d in batch:
        error = outcome.get(d.pk, "未发送")
        d.attempts += 1
        d.claimed_at = None
        if error is None:
            d.status, d.sent_at, d.last_error = Delivery.Status.SENT, now, ""
            sent.append(d)
        elif d.attempts >= settings.ANLAN_OUTBOX_MAX_ATTEMPTS or error == NO_ADDRESS:
            d.status, d.last_error = Delivery.Status.FAILED, error
            failed.append(d)
        else:
            d.status, d.last_error, d.next_attempt_at = Delivery.Status.QUEUED, error, now + backoff(d.attempts)
            retry.append(d)
    with transaction.atomic():
        Delivery.objects.bulk_update(
            batch, ["status", "attempts", "claimed_at", "sent_at", "last_error", "next_attempt_at"], batch_size=1000
        )
        fell_back = _fall_back(failed, now)
    return {
        "claimed": len(batch),
        "sent": len(sent),
        "failed": len(failed),
        "retry": len(retry),
        "fallback": fell_back,
    }


def _fall_back(failed: list[Delivery], now: dt.datetime) -> int:
    """A recipient whose channel failed for good is tried on the next channel of their order."""
    nexts = []
    for d in failed:
        if not d.fallback:
            continue
        channel, _, rest = d.fallback.partition(",")
        nexts.append(
            Delivery(
                warning_id=d.warning_id,
                alarm_id=d.alarm_id,
                recipient_key=d.recipient_key,
                recipient_name=d.recipient_name,
                region_code=d.region_code,
                tier=d.tier,
                channel=channel,
                fallback=rest,
                message=d.message,
                next_attempt_at=now,
                last_error=f"{CHANNEL_LABELS.get(d.channel, d.channel)}未送达，改用本渠道",
            )
        )
    # A responsible person may already have a voice call from 叫应; the unique index keeps it to one.
    Delivery.objects.bulk_create(nexts, ignore_conflicts=True)
    return len(nexts)


def run_worker(stop: threading.Event, *, idle_seconds: float = 1.0) -> None:
    """Send until stopped; once a minute also run the 叫应 escalation (voice calls, superiors)."""
    next_escalation = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_escalation:
                acks.escalate()
                next_escalation = time.monotonic() + 60
            counts = process()
        except Exception:
            log.exception("outbox round failed")
            counts = {"claimed": 0}
        finally:
            connections.close_all()
        if not counts["claimed"]:
            stop.wait(idle_seconds)


register_service(EmbeddedService("outbox", run_worker))
