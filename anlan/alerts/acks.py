"""叫应: responsible persons acknowledge a warning; those who do not are called by voice, and if they
still do not, their superior (village → township → county) is called up.

Deadlines per warning level are ANLAN_ACK_MINUTES (red 10 minutes by default). `escalate(now=…)` is
idempotent and takes the clock as an argument, so tests (and a replayed exercise) control time.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import AuditItem, append
from anlan.registry.models import Person

from .models import Delivery, Warning

RESPONSIBLE_TIERS = ("county", "township", "village")
SALT = "anlan.warning-ack"
SUPERIOR_TIER = {"village": "township", "township": "county"}


def ack_token(warning_id: int, recipient_key: str) -> str:
    return signing.dumps([warning_id, recipient_key.split("#")[0]], salt=SALT, compress=True)


def ack_url(warning_id: int, recipient_key: str) -> str:
    return settings.ANLAN_PUBLIC_URL + reverse("warning_ack", kwargs={"token": ack_token(warning_id, recipient_key)})


def read_token(token: str) -> tuple[int, str] | None:
    try:
        warning_id, key = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(warning_id), str(key)


@transaction.atomic
def acknowledge(*, warning_id: int, recipient_key: str, via: str, now: dt.datetime | None = None) -> int:
    """Mark every delivery of this warning to this recipient acknowledged; returns how many changed."""
    now = now or timezone.now()
    base = recipient_key.split("#")[0]
    changed = (
        Delivery.objects.filter(warning_id=warning_id, recipient_key=base, acknowledged_at__isnull=True)
        .exclude(status=Delivery.Status.FAILED)
        .update(status=Delivery.Status.ACKNOWLEDGED, acknowledged_at=now)
    )
    if changed:
        warning = Warning.objects.get(pk=warning_id)
        append(
            [
                AuditItem(
                    "warning_ack",
                    "alerts.warning",
                    str(warning_id),
                    str(warning)[:255],
                    warning.region_id,
                    None,
                    {"recipient": base, "via": via},
                )
            ],
            actor=base,
        )
    return changed


REPLY_WORDS = ("1", "收到", "确认", "已收到")


def is_ack_reply(text: str) -> bool:
    return text.strip().strip("。.!！ ").upper() in REPLY_WORDS


def acknowledge_by_reply(*, phone: str, text: str, now: dt.datetime | None = None) -> int:
    """A responsible person answered the SMS ("回复1确认"): acknowledge every active warning still waiting
    for them. Phones are encrypted, so the candidates are the few persons with an open 叫应, decrypted
    in one query, and compared. Returns the deliveries acknowledged."""
    if not is_ack_reply(text):
        return 0
    now = now or timezone.now()
    waiting = (
        Delivery.objects.filter(
            warning__status=Warning.Status.ISSUED,
            warning__expires__gt=now,
            tier__in=RESPONSIBLE_TIERS,
            acknowledged_at__isnull=True,
            sent_at__isnull=False,
        )
        .exclude(recipient_key__contains="#")
        .values_list("warning_id", "recipient_key")
        .distinct()
    )
    by_person: dict[int, set[int]] = {}
    for warning_id, key in waiting:
        by_person.setdefault(int(key.split(":")[1]), set()).add(warning_id)
    wanted = phone.strip().removeprefix("+86")
    changed = 0
    for person in Person.objects.filter(pk__in=list(by_person)).only("pk", "phone"):
        if person.phone and person.phone.strip() == wanted:
            for warning_id in by_person[person.pk]:
                changed += acknowledge(warning_id=warning_id, recipient_key=f"person:{person.pk}", via="sms", now=now)
    return changed


def _acknowledged_keys(warning) -> set[str]:
    return set(
        Delivery.objects.filter(warning=warning, acknowledged_at__isnull=False).values_list("recipient_key", flat=True)
    )


def escalate(*, now: dt.datetime | None = None) -> dict:
    """Voice-call the responsible persons past their deadline; call up the superiors of those who did
    not answer the call either. Returns counts of deliveries added."""
    now = now or timezone.now()
    added = {"voice": 0, "superior": 0}
    for warning in Warning.objects.filter(status=Warning.Status.ISSUED, expires__gt=now):
        deadline = now - dt.timedelta(minutes=settings.ANLAN_ACK_MINUTES.get(warning.level, 30))
        acked = _acknowledged_keys(warning)
        late = Delivery.objects.filter(warning=warning, tier__in=RESPONSIBLE_TIERS, sent_at__lte=deadline)
        # Stage 1: no answer to the SMS → voice call (once).
        voiced = set(Delivery.objects.filter(warning=warning, channel="voice").values_list("recipient_key", flat=True))
        calls = [
            Delivery(
                warning=warning,
                recipient_key=d.recipient_key,
                recipient_name=d.recipient_name,
                region_code=d.region_code,
                tier=d.tier,
                channel="voice",
                next_attempt_at=now,
            )
            for d in late.filter(channel="sms").exclude(recipient_key__contains="#")
            if d.recipient_key not in acked and d.recipient_key not in voiced
        ]
        Delivery.objects.bulk_create(calls, ignore_conflicts=True)
        added["voice"] += len(calls)
        # Stage 2: no answer to the call either → call up their superiors.
        unanswered = [
            d for d in late.filter(channel="voice").exclude(recipient_key__contains="#") if d.recipient_key not in acked
        ]
        called_up = set(
            Delivery.objects.filter(warning=warning, recipient_key__contains="#up:").values_list(
                "recipient_key", flat=True
            )
        )
        ups = [d for d in _superior_calls(warning, unanswered, now) if d.recipient_key not in called_up]
        Delivery.objects.bulk_create(ups, ignore_conflicts=True)
        added["superior"] += len(ups)
    return added


def _superior_calls(warning, unanswered, now) -> list[Delivery]:
    if not unanswered:
        return []
    codes = {
        d.region_code[:9] + "000" if d.tier == "village" else d.region_code[:6] + "000000"
        for d in unanswered
        if d.tier in SUPERIOR_TIER
    }
    superiors: dict[str, list[tuple[int, str]]] = {}
    for pk, name, region in Person.objects.filter(region_id__in=codes).values_list("pk", "name", "region_id"):
        superiors.setdefault(region, []).append((pk, name))
    out = []
    for d in unanswered:
        tier = SUPERIOR_TIER.get(d.tier)
        if tier is None:
            continue
        region = d.region_code[:9] + "000" if tier == "township" else d.region_code[:6] + "000000"
        original = d.recipient_key.split(":")[1]
        for pk, name in superiors.get(region, []):
            out.append(
                Delivery(
                    warning=warning,
                    recipient_key=f"person:{pk}#up:{original}",
                    recipient_name=name,
                    region_code=region,
                    tier=tier,
                    channel="voice",
                    next_attempt_at=now,
                    message=f"{d.recipient_name}（{d.region_code}）未确认收到“{warning.headline}”，请立即联系督促落实。",
                )
            )
    return out


def board(warning) -> list[tuple[str, int, int, list[str]]]:
    """Per region: responsible persons targeted, acknowledged, and the names still silent."""
    rows: dict[str, list] = {}
    acked = _acknowledged_keys(warning)
    seen = set()
    for key, name, region in (
        Delivery.objects.filter(warning=warning, tier__in=RESPONSIBLE_TIERS)
        .filter(~Q(recipient_key__contains="#"))
        .values_list("recipient_key", "recipient_name", "region_code")
        .order_by("region_code", "recipient_name")
    ):
        if key in seen:
            continue
        seen.add(key)
        row = rows.setdefault(region, [0, 0, []])
        row[0] += 1
        if key in acked:
            row[1] += 1
        else:
            row[2].append(name)
    return [(region, n, ok, silent) for region, (n, ok, silent) in rows.items()]
