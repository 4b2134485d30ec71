"""Routing to the desk (值班提醒): what happens somewhere reaches the people on duty at the desk of its
township and at the county desk — an incident recorded, an alarm opening or rising to orange or red, a
warning submitted for signing, an escalated 叫应, an overdue report.

Monitoring, alerts and incidents call `route_to_desks` inside the transaction of their own change (they
sit above duty; duty imports none of them). What it does:

- in-app messages (站内消息) at once, one per person and event (`dedupe_key`), written in the caller's
  transaction, so they commit with the change;
- for orange/red and incidents (`sms=True` or level orange/red) an SMS to each of them through notify's
  outbox (sent after commit by the worker; the phone is the user's own, decrypted only when sending);
- a periodic job (`call_unread`) places a voice call to those whose urgent message is still unread after
  the desk's `voice_after_minutes`, once per person and event.

Nobody on duty at a desk → the desk's fallback list (DeskSetting.fallback); the header and the 当前值班
page show "无人值班".
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.regioncodes import county_of, township_of
from anlan.inbox.models import Notification
from anlan.inbox.services import Message, notify_many
from anlan.notify import recipients
from anlan.notify.models import Delivery, Notice, NoticeText
from anlan.notify.texts import sender_name

from .models import DeskSetting
from .selectors import on_duty

log = logging.getLogger(__name__)

URGENT_LEVELS = frozenset({"orange", "red"})
TOPIC_PREFIX = "duty:"
# How far back the voice job looks for unread urgent messages (older ones were handled by people).
VOICE_LOOKBACK = dt.timedelta(hours=12)


@dataclass
class Routed:
    """Who was told: user ids per desk, the desks that had nobody on duty (their fallback list was used),
    and how many SMS were queued."""

    users: dict[str, list[int]] = field(default_factory=dict)
    unstaffed: list[str] = field(default_factory=list)
    sms: int = 0

    @property
    def user_ids(self) -> set[int]:
        return {pk for ids in self.users.values() for pk in ids}


def desks_of(region_code: str) -> list[str]:
    """The township desk and the county desk a region's events go to (the county's once for a county)."""
    township, county = township_of(region_code), county_of(region_code)
    return [township, county] if township != county else [county]


def topic_for(dedupe_key: str) -> str:
    return f"{TOPIC_PREFIX}{dedupe_key}"[:64]


def _fallbacks(desks: list[str]) -> dict[str, list[User]]:
    out: dict[str, list[User]] = {d: [] for d in desks}
    through = DeskSetting.fallback.through.objects.filter(desksetting__desk_id__in=desks, user__is_active=True)
    for desk, user in ((t.desksetting.desk_id, t.user) for t in through.select_related("desksetting", "user")):
        out[desk].append(user)
    return out


def people_for(region_code: str, at: dt.datetime | None = None) -> tuple[dict[str, list[User]], list[str]]:
    """desk → the users to tell (on duty, else the fallback list), and the desks with nobody on duty."""
    desks = desks_of(region_code)
    at = at or timezone.now()
    people, unstaffed = {}, []
    for desk in desks:
        duty = on_duty(desk, at)
        people[desk] = [u for u in duty.users if u.is_active]
        if not people[desk]:
            unstaffed.append(desk)
    if unstaffed:
        fallback = _fallbacks(unstaffed)
        for desk in unstaffed:
            people[desk] = fallback[desk]
    return people, unstaffed


def route_to_desks(
    region_code: str,
    *,
    title: str,
    body: str = "",
    link: str = "",
    level: str = "",
    sms: bool = False,
    dedupe_key: str,
    category: str = Notification.Category.TASK,
) -> Routed:
    """Tell the people on duty at the desks of `region_code` (see the module docstring). Call it inside
    the transaction of the change it announces; `dedupe_key` names the event ("incident:12",
    "alarm:5:red"): calling again for the same key tells nobody twice.

    Telling the desk must never undo what it announces: the work runs in a savepoint, and a failure is
    logged and rolled back alone (the incident, the alarm or the submission stays recorded)."""
    try:
        with transaction.atomic():
            return _route(
                region_code,
                title=title,
                body=body,
                link=link,
                level=level,
                sms=sms,
                key=topic_for(dedupe_key),
                category=category,
            )
    except Exception:
        log.exception("duty routing failed for %s; the change it announces is kept", dedupe_key)
        return Routed()


def _route(region_code, *, title, body, link, level, sms, key, category) -> Routed:
    people, unstaffed = people_for(region_code)
    routed = Routed(users={d: [u.pk for u in users] for d, users in people.items()}, unstaffed=unstaffed)
    if unstaffed:
        log.warning("duty routing: nobody on duty at %s for %s", ", ".join(unstaffed), key)
    message = Message(category=category, title=title[:200], body=body, link=link, dedupe_key=key)
    notify_many((pk, message) for pk in routed.user_ids)
    if sms or level in URGENT_LEVELS:
        routed.sms = _enqueue_sms(people, key=key, title=title, body=body, link=link, level=level)
    return routed


def _enqueue_sms(people: dict[str, list[User]], *, key: str, title: str, body: str, link: str, level: str) -> int:
    notice, created = Notice.objects.get_or_create(
        topic=key, defaults={"title": title[:200], "link": link, "level": level}
    )
    if created:
        text = f"【{sender_name()}】值班提醒：{title}。{body}".rstrip("。") + "。请登录平台处理。"
        NoticeText.objects.create(notice=notice, key="", text=text[:300])
    rows, seen = [], set()
    for desk, users in people.items():
        tier = "county" if desk == county_of(desk) else "township"
        for user in users:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            # The tier makes the outbox's unique index hold: one SMS per person and event, however often routed.
            rows.append(recipients.Recipient(f"user:{user.pk}", str(user)[:100], desk, tier, "sms", "voice"))
    return recipients.enqueue(notice, rows)


def call_unread(*, now: dt.datetime | None = None) -> int:
    """Voice-call the people whose urgent duty message (one that went by SMS) is still unread after their
    desk's `voice_after_minutes`; once per person and event. Returns calls queued. A periodic job."""
    now = now or timezone.now()
    texts = Delivery.objects.filter(
        notice__topic__startswith=TOPIC_PREFIX,
        notice__created_at__gte=now - VOICE_LOOKBACK,
        channel="sms",
        recipient_key__startswith="user:",
    ).select_related("notice")
    texts = list(texts)
    if not texts:
        return 0
    minutes = dict(
        DeskSetting.objects.filter(desk_id__in={d.region_code for d in texts}).values_list(
            "desk_id", "voice_after_minutes"
        )
    )
    default = DeskSetting._meta.get_field("voice_after_minutes").default
    unread = {
        (r, k): created
        for r, k, created in Notification.objects.filter(
            dedupe_key__in={d.notice.topic for d in texts}, read_at__isnull=True
        ).values_list("recipient_id", "dedupe_key", "created_at")
    }
    called = set(
        Delivery.objects.filter(notice_id__in={d.notice_id for d in texts}, channel="voice").values_list(
            "notice_id", "recipient_key"
        )
    )
    calls = []
    for d in texts:
        user_id = recipients.split_key(d.recipient_key)[1]
        created = unread.get((user_id, d.notice.topic))
        if created is None or (d.notice_id, d.recipient_key) in called:
            continue
        if now - created < dt.timedelta(minutes=minutes.get(d.region_code, default)):
            continue
        calls.append(
            Delivery(
                notice_id=d.notice_id,
                recipient_key=d.recipient_key,
                recipient_name=d.recipient_name,
                region_code=d.region_code,
                tier=d.tier,
                channel="voice",
                next_attempt_at=now,
            )
        )
    Delivery.objects.bulk_create(calls, ignore_conflicts=True)
    return len(calls)
