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
from collections import defaultdict

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from anlan.core.embedded import EmbeddedService, register_service

from . import ratelimit, recipients
from .channels import CHANNEL_LABELS, CHANNELS, Outgoing
from .models import Delivery, NoticeText
from .tokens import confirm_token

NO_ADDRESS = "无联系方式"
# A drill's delivery on any channel but the in-app one is never sent (recipients.enqueue_exercise writes none;
# this holds whatever wrote it) and is not passed on to a fallback channel.
SANDBOXED = "演练消息，不经外部渠道发送"

log = logging.getLogger(__name__)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def _addresses(deliveries) -> dict[int, str]:
    """Delivery id → address, read in one query per recipient source (phones decrypted there only). A
    recipient without an address on the delivery's channel is left out (the outcome "无联系方式")."""
    wanted: dict[str, dict[int, list[Delivery]]] = defaultdict(lambda: defaultdict(list))
    for d in deliveries:
        kind, pk = recipients.split_key(d.recipient_key)
        wanted[kind][pk].append(d)
    out: dict[int, str] = {}
    for kind, by_pk in wanted.items():
        try:
            found = recipients.lookup(kind, list(by_pk))
        except KeyError:
            log.error("no recipient source %s", kind)
            continue
        for pk, addresses in found:
            for d in by_pk[pk]:
                channel = CHANNELS.get(d.channel)
                address = channel.address(addresses) if channel else ""
                if address:
                    out[d.pk] = address
    return out


def _texts(batch: list[Delivery]) -> dict[tuple[int, str], NoticeText]:
    """(notice id, variant) → text, for the notices of a batch: one query."""
    notices = {d.notice_id for d in batch}
    return {(t.notice_id, t.key): t for t in NoticeText.objects.filter(notice_id__in=notices)}


def _text(delivery: Delivery, texts: dict) -> str:
    """The notice's text for the delivery's variant (the general one when it has none), with the
    per-recipient confirmation parts (reply hint, signed link) on SMS where the text asks for them."""
    text = texts.get((delivery.notice_id, delivery.variant)) or texts.get((delivery.notice_id, ""))
    if text is None:
        return delivery.notice.title[:300]
    body = text.text
    if text.confirm and delivery.channel == "sms":
        notice = delivery.notice
        if notice.confirm_reply:
            body = f"{body[:220]}{notice.confirm_reply}"
        if notice.confirm_link:
            link = notice.confirm_link.replace("{token}", confirm_token(notice.topic, delivery.recipient_key))
            body = f"{body[:230]} 收到请确认：{link}"
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
    return list(Delivery.objects.filter(pk__in=ids).select_related("notice").order_by("pk"))


def process(*, limit: int = 2000, now: dt.datetime | None = None) -> dict:
    """One round: claim, send per channel in batches, record. Returns counts."""
    now = now or timezone.now()
    batch = claim(limit=limit, now=now)
    if not batch:
        return {"claimed": 0, "sent": 0, "failed": 0, "retry": 0}
    addresses = _addresses(batch)
    texts = _texts(batch)
    outcome: dict[int, str | None] = {}
    by_channel: dict[str, list[Delivery]] = defaultdict(list)
    for d in batch:
        if d.notice.exercise_id and d.channel != recipients.SANDBOX_CHANNEL:
            outcome[d.pk] = SANDBOXED
        elif d.pk not in addresses:
            outcome[d.pk] = NO_ADDRESS
        else:
            by_channel[d.channel].append(d)
    mark = now  # this worker's claim on the batch, renewed before each chunk (see _renew)
    for name, deliveries in by_channel.items():
        channel = CHANNELS[name]
        for i in range(0, len(deliveries), channel.batch_size):
            mark, mine = _renew([d.pk for d in batch], mark)
            # A row another worker took over (our lease ran out) or a recipient already confirmed (叫应) is
            # not sent again by us.
            chunk = [d for d in deliveries[i : i + channel.batch_size] if d.pk in mine]
            if not chunk:
                continue
            messages = [
                Outgoing(
                    d.pk,
                    addresses[d.pk],
                    _text(d, texts),
                    d.notice.title,
                    d.notice.link,
                    d.notice.level,
                    d.notice.topic,
                )
                for d in chunk
            ]
            outcome.update(channel.send(messages))
    return _record(batch, outcome, now, mark)


def _renew(ids: list[int], mark: dt.datetime) -> tuple[dt.datetime, set[int]]:
    """Renew the lease on the rows of this round still ours (sending, claimed at `mark`): a long round
    (e-mail and robots send one by one) must not outlast the lease and be sent again by another worker.
    Returns the new mark and the ids still ours."""
    renewed = max(mark, timezone.now())
    ours = Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_at=mark)
    ours.update(claimed_at=renewed)
    mine = set(
        Delivery.objects.filter(pk__in=ids, status=Delivery.Status.SENDING, claimed_at=renewed).values_list(
            "pk", flat=True
        )
    )
    return renewed, mine


def _record(batch: list[Delivery], outcome: dict, now: dt.datetime, mark: dt.datetime) -> dict:
    """Write each delivery's outcome, only on rows still ours: a row acknowledged meanwhile (叫应) keeps its
    status, and one another worker took over is left to that worker."""
    with transaction.atomic():
        mine = set(
            Delivery.objects.select_for_update()
            .filter(pk__in=[d.pk for d in batch], status=Delivery.Status.SENDING, claimed_at=mark)
            .values_list("pk", flat=True)
        )
        return _record_mine([d for d in batch if d.pk in mine], outcome, now, claimed=len(batch))


def _record_mine(batch: list[Delivery], outcome: dict, now: dt.datetime, *, claimed: int) -> dict:
    sent, retry, failed = [], [], []
    for d in batch:
        error = outcome.get(d.pk, "未发送")
        d.attempts += 1
        d.claimed_at = None
        if error is None:
            d.status, d.sent_at, d.last_error = Delivery.Status.SENT, now, ""
            sent.append(d)
        elif d.attempts >= settings.ANLAN_OUTBOX_MAX_ATTEMPTS or error in (NO_ADDRESS, SANDBOXED):
            d.status, d.last_error = Delivery.Status.FAILED, error
            failed.append(d)
        else:
            d.status, d.last_error, d.next_attempt_at = Delivery.Status.QUEUED, error, now + backoff(d.attempts)
            retry.append(d)
    Delivery.objects.bulk_update(
        batch, ["status", "attempts", "claimed_at", "sent_at", "last_error", "next_attempt_at"], batch_size=1000
    )
    fell_back = _fall_back(failed, now)
    return {
        "claimed": claimed,
        "sent": len(sent),
        "failed": len(failed),
        "retry": len(retry),
        "fallback": fell_back,
    }


def _fall_back(failed: list[Delivery], now: dt.datetime) -> int:
    """A recipient whose channel failed for good is tried on the next channel of their order."""
    nexts = []
    for d in failed:
        if not d.fallback or d.last_error == SANDBOXED:
            continue
        channel, _, rest = d.fallback.partition(",")
        nexts.append(
            Delivery(
                notice_id=d.notice_id,
                variant=d.variant,
                recipient_key=d.recipient_key,
                recipient_name=d.recipient_name,
                region_code=d.region_code,
                tier=d.tier,
                channel=channel,
                fallback=rest,
                next_attempt_at=now,
                last_error=f"{CHANNEL_LABELS.get(d.channel, d.channel)}未送达，改用本渠道",
            )
        )
    # A responsible person may already have a voice call from 叫应; the unique index keeps it to one.
    Delivery.objects.bulk_create(nexts, ignore_conflicts=True)
    return len(nexts)


def retry_failed(deliveries, *, now: dt.datetime | None = None) -> int:
    """Queue again the recipients of `deliveries` none of whose rows got through (every channel they were
    tried on failed for good); returns how many. Each is tried again from the first channel of their
    chain with a fresh count of attempts; the failed rows further down that chain are removed, since the
    chain writes them again if the first channel fails once more (a responsible person's unique index
    would otherwise refuse the new row and end the chain there).

    Idempotent: a recipient queued again is pending, not unreached, so a second call finds nothing to do
    for them until they have failed again. Call inside the caller's transaction, holding a lock on what
    the deliveries belong to (two clicks then run one after the other)."""
    from .outcomes import unreached

    now = now or timezone.now()
    keys = set(unreached(deliveries).values_list("recipient_key", flat=True))
    if not keys:
        return 0
    first: dict[str, tuple[int, set[str]]] = {}
    requeue, remove = [], []
    failed = deliveries.filter(status=Delivery.Status.FAILED).order_by("pk")
    for pk, key, channel, fallback in failed.values_list("pk", "recipient_key", "channel", "fallback").iterator():
        if key not in keys:
            continue
        if key not in first:
            first[key] = (pk, set(filter(None, fallback.split(","))))
            requeue.append(pk)
        elif channel in first[key][1]:
            remove.append(pk)
    for i in range(0, len(requeue), 500):
        Delivery.objects.filter(pk__in=requeue[i : i + 500], status=Delivery.Status.FAILED).update(
            status=Delivery.Status.QUEUED, attempts=0, next_attempt_at=now, claimed_at=None
        )
    for i in range(0, len(remove), 500):
        Delivery.objects.filter(pk__in=remove[i : i + 500], status=Delivery.Status.FAILED).delete()
    return len(requeue)


def run_worker(stop: threading.Event, *, idle_seconds: float = 1.0) -> None:
    """Send until stopped. (Periodic jobs such as the 叫应 escalation are the scheduler's, core.schedule.)"""
    while not stop.is_set():
        try:
            counts = process()
        except Exception:
            log.exception("outbox round failed")
            counts = {"claimed": 0}
        finally:
            connections.close_all()
        if not counts["claimed"]:
            stop.wait(idle_seconds)


register_service(EmbeddedService("outbox", run_worker))
