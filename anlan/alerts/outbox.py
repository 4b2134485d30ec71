"""The outbox worker: claim due deliveries, resolve each recipient's address, send through the channel
in batches, record the outcome; retry failures with exponential backoff, give up after
ANLAN_OUTBOX_MAX_ATTEMPTS.

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

from django.conf import settings
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.embedded import EmbeddedService, register_service
from anlan.registry.models import Enterprise, Person

from . import acks
from .channels import CHANNELS, Outgoing
from .models import Delivery, Resident

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _addresses(deliveries) -> dict[int, str]:
    """Delivery id → address, resolved in one query per recipient kind (phones decrypted here only)."""
    wanted: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for d in deliveries:
        kind, _, pk = d.recipient_key.split("#")[0].partition(":")
        wanted[kind][int(pk)].append(d.pk)
    sources = {
        "person": (Person, "phone"),
        "resident": (Resident, "phone"),
        "enterprise": (Enterprise, "principal_phone"),
    }
    out, emails = {}, {}
    for kind, by_pk in wanted.items():
        if kind == "user":
            users = User.objects.filter(pk__in=list(by_pk), is_active=True).values_list("pk", "email")
            for pk, email in users:
                for did in by_pk[pk]:
                    out[did] = str(pk)
                    emails[did] = email
            continue
        model, field = sources[kind]
        for obj in model.objects.filter(pk__in=list(by_pk)).only("pk", field):
            address = getattr(obj, field)
            if address:
                out.update(dict.fromkeys(by_pk[obj.pk], address))
    # A user's e-mail delivery goes to their mailbox; the in-app one to their id.
    for d in deliveries:
        if d.channel == "email" and d.pk in out:
            if emails.get(d.pk):
                out[d.pk] = emails[d.pk]
            else:
                del out[d.pk]
    return out


def _text(delivery: Delivery) -> str:
    """The message: the delivery's own (escalations) or the warning's, with the 叫应 link for responsible
    persons when the platform has a public address."""
    warning = delivery.warning
    sender = settings.ANLAN_CAP_SENDER_NAME or "应急管理局"
    body = delivery.message or f"【{sender}】{warning.headline}。{warning.instruction or warning.description}"
    if delivery.tier in acks.RESPONSIBLE_TIERS and settings.ANLAN_PUBLIC_URL:
        body = f"{body[:220]} 收到请确认：{acks.ack_url(warning.pk, delivery.recipient_key)}"
    return body[:300]


def claim(*, limit: int, now: dt.datetime) -> list[Delivery]:
    """Take up to `limit` due deliveries (and any whose worker died) for this worker."""
    lease = now - dt.timedelta(seconds=settings.ANLAN_OUTBOX_LEASE_SECONDS)
    with transaction.atomic():
        Delivery.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=lease).update(
            status=Delivery.Status.QUEUED
        )
        due = Delivery.objects.filter(status=Delivery.Status.QUEUED, next_attempt_at__lte=now).order_by("pk")
        if connections["default"].features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Delivery.objects.filter(pk__in=ids).update(status=Delivery.Status.SENDING, claimed_at=now)
    return list(Delivery.objects.filter(pk__in=ids).select_related("warning").order_by("pk"))


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
            outcome[d.pk] = "无联系方式"
        elif d.channel not in CHANNELS:
            outcome[d.pk] = f"渠道未接入：{d.channel}"
        else:
            by_channel[d.channel].append(d)
    for name, deliveries in by_channel.items():
        channel = CHANNELS[name]
        for i in range(0, len(deliveries), channel.batch_size):
            chunk = deliveries[i : i + channel.batch_size]
            messages = [
                Outgoing(
                    d.pk,
                    addresses[d.pk],
                    _text(d),
                    d.warning.headline,
                    reverse("alerts:warning_detail", kwargs={"pk": d.warning_id}),
                )
                for d in chunk
            ]
            outcome.update(channel.send(messages))
    return _record(batch, outcome, now)


def _record(batch: list[Delivery], outcome: dict, now: dt.datetime) -> dict:
    sent, retry, failed = [], [], []
    for d in batch:
        error = outcome.get(d.pk, "未发送")
        d.attempts += 1
        d.claimed_at = None
        if error is None:
            d.status, d.sent_at, d.last_error = Delivery.Status.SENT, now, ""
            sent.append(d)
        elif d.attempts >= settings.ANLAN_OUTBOX_MAX_ATTEMPTS or error == "无联系方式":
            d.status, d.last_error = Delivery.Status.FAILED, error
            failed.append(d)
        else:
            d.status, d.last_error, d.next_attempt_at = Delivery.Status.QUEUED, error, now + backoff(d.attempts)
            retry.append(d)
    Delivery.objects.bulk_update(
        batch, ["status", "attempts", "claimed_at", "sent_at", "last_error", "next_attempt_at"], batch_size=1000
    )
    return {"claimed": len(batch), "sent": len(sent), "failed": len(failed), "retry": len(retry)}


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
