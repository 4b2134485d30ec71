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
from anlan.core.labels import region_names
from anlan.core.regioncodes import county_of, township_of
from anlan.duty.routing import route_to_desks
from anlan.notify import recipients
from anlan.notify.models import Delivery, Notice, NoticeText
from anlan.notify.tokens import confirm_token, read_confirm_token
from anlan.registry.models import Person

from .models import Warning
from .services import deliveries, topic

RESPONSIBLE_TIERS = ("county", "township", "village")
LEGACY_SALT = "anlan.warning-ack"  # links sent before notify signed them (still honoured)
SUPERIOR_TIER = {"village": "township", "township": "county"}


def ack_token(warning_id: int, recipient_key: str) -> str:
    """The token notify puts in a responsible person's SMS (tokens.confirm_token of the warning's topic)."""
    return confirm_token(topic(warning_id), recipient_key)


def ack_url(warning_id: int, recipient_key: str) -> str:
    return settings.ANLAN_PUBLIC_URL + reverse("warning_ack", kwargs={"token": ack_token(warning_id, recipient_key)})


def read_token(token: str) -> tuple[int, str] | None:
    confirmed = read_confirm_token(token)
    if confirmed is not None:
        kind, _, pk = confirmed[0].partition(":")
        return (int(pk), confirmed[1]) if kind == "warning" and pk.isdigit() else None
    try:
        warning_id, key = signing.loads(token, salt=LEGACY_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(warning_id), str(key)


@transaction.atomic
def acknowledge(*, warning_id: int, recipient_key: str, via: str, now: dt.datetime | None = None) -> int:
    """Mark every delivery of this warning to this recipient acknowledged; returns how many changed."""
    now = now or timezone.now()
    base = recipient_key.split("#")[0]
    changed = (
        deliveries(warning_id)
        .filter(recipient_key=base, acknowledged_at__isnull=True)
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
    open_topics = {
        topic(pk): pk
        for pk in Warning.objects.real()
        .filter(status=Warning.Status.ISSUED, expires__gt=now)
        .values_list("pk", flat=True)
    }
    waiting = (
        Delivery.objects.filter(
            notice__topic__in=list(open_topics),
            tier__in=RESPONSIBLE_TIERS,
            acknowledged_at__isnull=True,
            sent_at__isnull=False,
        )
        .exclude(recipient_key__contains="#")
        .values_list("notice__topic", "recipient_key")
        .distinct()
    )
    by_person: dict[int, set[int]] = {}
    for notice_topic, key in waiting:
        if key.startswith("person:"):
            by_person.setdefault(int(key.split(":")[1]), set()).add(open_topics[notice_topic])
    wanted = phone.strip().removeprefix("+86")
    changed = 0
    for person in Person.objects.filter(pk__in=list(by_person)).only("pk", "phone"):
        if person.phone and person.phone.strip() == wanted:
            for warning_id in by_person[person.pk]:
                changed += acknowledge(warning_id=warning_id, recipient_key=f"person:{person.pk}", via="sms", now=now)
    return changed


def _acknowledged_keys(warning) -> set[str]:
    return set(deliveries(warning).filter(acknowledged_at__isnull=False).values_list("recipient_key", flat=True))


def escalate(*, now: dt.datetime | None = None) -> dict:
    """Voice-call the responsible persons past their deadline; call up the superiors of those who did
    not answer the call either. Returns counts of deliveries added."""
    now = now or timezone.now()
    added = {"voice": 0, "superior": 0}
    # A drill's warning is never escalated to voice calls or superiors (演练模式: participants only, in-app).
    for warning in Warning.objects.real().filter(status=Warning.Status.ISSUED, expires__gt=now):
        notice = Notice.objects.filter(topic=topic(warning.pk)).first()
        if notice is None:
            continue
        deadline = now - dt.timedelta(minutes=settings.ANLAN_ACK_MINUTES.get(warning.level, 30))
        acked = _acknowledged_keys(warning)
        late = deliveries(warning).filter(tier__in=RESPONSIBLE_TIERS, sent_at__lte=deadline)
        # Stage 1: no answer to the SMS → voice call (once), reading the responsible persons' text.
        voiced = set(deliveries(warning).filter(channel="voice").values_list("recipient_key", flat=True))
        calls = [
            Delivery(
                notice=notice,
                variant=d.variant,
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
            deliveries(warning).filter(recipient_key__contains="#up:").values_list("recipient_key", flat=True)
        )
        ups = [d for d in _superior_calls(warning, notice, unanswered, now) if d.recipient_key not in called_up]
        Delivery.objects.bulk_create(ups, ignore_conflicts=True)
        added["superior"] += len(ups)
        if unanswered:  # also when nobody stands above them: then the desk is all there is (once per township)
            _tell_the_desks(warning, unanswered)
    return added


def _tell_the_desks(warning, unanswered) -> None:
    """An escalated 叫应 reaches those on duty at each silent person's township desk and the county desk
    (once per warning and township: the routing's dedupe key)."""
    by_township: dict[str, list[str]] = {}
    for d in unanswered:
        by_township.setdefault(township_of(d.region_code), []).append(d.recipient_name)
    for township, names in sorted(by_township.items()):
        route_to_desks(
            township,
            title=f"叫应未确认：{warning.headline}",
            body=f"{'、'.join(names[:10])}{'等' if len(names) > 10 else ''}{len(names)}人未确认收到预警，"
            "已呼叫其上级，请督促落实。",
            link=reverse("alerts:warning_board", kwargs={"pk": warning.pk}),
            level=warning.level,
            dedupe_key=f"ack:{warning.pk}:{township}",
            category="warning",
        )


def _superior_calls(warning, notice, unanswered, now) -> list[Delivery]:
    """Voice calls to the persons one level up from each silent one, with a text naming who is silent
    (one notice text per silent person: variant "up:<their id>")."""
    if not unanswered:
        return []
    codes = {
        township_of(d.region_code) if d.tier == "village" else county_of(d.region_code)
        for d in unanswered
        if d.tier in SUPERIOR_TIER
    }
    superiors: dict[str, list[recipients.Recipient]] = {}
    for r in recipients.recipients_in("person", codes):
        superiors.setdefault(r.region_code, []).append(r)
    # The silent person by place name, "新华村张三": the call is spoken, a 12-digit code is not heard.
    places = region_names({d.region_code for d in unanswered if d.tier in SUPERIOR_TIER})
    out, texts = [], []
    for d in unanswered:
        tier = SUPERIOR_TIER.get(d.tier)
        if tier is None:
            continue
        region = township_of(d.region_code) if tier == "township" else county_of(d.region_code)
        original = d.recipient_key.split(":")[1]
        who = f"{places.get(d.region_code, '')}{d.recipient_name}"
        texts.append(
            NoticeText(
                notice=notice,
                key=f"up:{original}",
                text=f"{who}未确认收到“{warning.headline}”，请立即联系督促落实。"[:300],
            )
        )
        for r in superiors.get(region, []):
            out.append(
                Delivery(
                    notice=notice,
                    variant=f"up:{original}",
                    recipient_key=f"{r.key}#up:{original}",
                    recipient_name=r.name,
                    region_code=region,
                    tier=tier,
                    channel="voice",
                    next_attempt_at=now,
                )
            )
    NoticeText.objects.bulk_create(texts, ignore_conflicts=True)
    return out


def board(warning) -> list[tuple[str, int, int, list[str]]]:
    """Per region: responsible persons targeted, acknowledged, and the names still silent."""
    rows: dict[str, list] = {}
    acked = _acknowledged_keys(warning)
    seen = set()
    for key, name, region in (
        deliveries(warning)
        .filter(tier__in=RESPONSIBLE_TIERS)
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
