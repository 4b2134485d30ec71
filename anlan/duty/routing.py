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

from .models import DeskSetting, Post, Shift
from .selectors import OnDuty

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


@dataclass(frozen=True)
class DeskEvent:
    """One event for the desks (see `route_to_desks` for the fields)."""

    region_code: str
    title: str
    dedupe_key: str
    body: str = ""
    link: str = ""
    level: str = ""
    sms: bool = False
    category: str = Notification.Category.TASK


def _people(desks: list[str], at: dt.datetime) -> tuple[dict[str, list[User]], list[str]]:
    """desk → the users to tell (on duty, else the fallback list), and the desks with nobody on duty: one
    query for the shifts of all the desks, one for the fallback lists of the unstaffed ones."""
    duties = {desk: OnDuty(desk=desk, at=at) for desk in desks}
    shifts = (
        Shift.objects.filter(desk_id__in=desks, starts__lte=at, ends__gt=at)
        .select_related("user")
        .order_by("starts", "id")
    )
    for shift in shifts:
        duty = duties[shift.desk_id]
        {Post.LEADER: duty.leaders, Post.OFFICER: duty.officers, Post.TECH: duty.tech}[shift.post].append(shift.user)
    people, unstaffed = {}, []
    for desk in desks:
        people[desk] = [u for u in duties[desk].users if u.is_active]
        if not people[desk]:
            unstaffed.append(desk)
    if unstaffed:
        fallback = _fallbacks(unstaffed)
        for desk in unstaffed:
            people[desk] = fallback[desk]
    return people, unstaffed


def people_for(region_code: str, at: dt.datetime | None = None) -> tuple[dict[str, list[User]], list[str]]:
    """desk → the users to tell (on duty, else the fallback list), and the desks with nobody on duty."""
    return _people(desks_of(region_code), at or timezone.now())


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
    event = DeskEvent(region_code, title, dedupe_key, body, link, level, sms, category)
    return route_many([event])[0]


def route_many(events: list[DeskEvent]) -> list[Routed]:
    """`route_to_desks` for many events at once (an ingest batch's orange and red alarm steps), in a fixed
    number of queries whatever their number; one savepoint for all (a failure tells none of them, and
    keeps the changes they announce)."""
    events = list(events)
    if not events:
        return []
    try:
        with transaction.atomic():
            return _route_many(events)
    except Exception:
        keys = ", ".join(e.dedupe_key for e in events[:5])
        log.exception("duty routing failed for %s; the change it announces is kept", keys)
        return [Routed() for _ in events]


def _route_many(events: list[DeskEvent]) -> list[Routed]:
    people, unstaffed = _people(sorted({d for e in events for d in desks_of(e.region_code)}), timezone.now())
    results, pairs, texted = [], [], []
    for event in events:
        desks = desks_of(event.region_code)
        mine = {d: people[d] for d in desks}
        routed = Routed(users={d: [u.pk for u in users] for d, users in mine.items()})
        routed.unstaffed = [d for d in desks if d in unstaffed]
        key = topic_for(event.dedupe_key)
        if routed.unstaffed:
            log.warning("duty routing: nobody on duty at %s for %s", ", ".join(routed.unstaffed), key)
        message = Message(
            category=event.category, title=event.title[:200], body=event.body, link=event.link, dedupe_key=key
        )
        pairs += [(pk, message) for pk in routed.user_ids]
        if event.sms or event.level in URGENT_LEVELS:
            texted.append((event, key, mine, routed))
        results.append(routed)
    notify_many(pairs)
    if texted:
        _enqueue_sms(texted)
    return results


def _enqueue_sms(texted) -> None:
    """The SMS of each (event, topic, desk → users, routed): one notice per topic (reused when routed
    before), its text, and one outbox row per person and event; `routed.sms` is set to the rows written."""
    notices = {}
    for notice in Notice.objects.filter(topic__in={key for _, key, _, _ in texted}).order_by("id"):
        notices.setdefault(notice.topic, notice)
    created = []
    for event, key, _, _ in texted:
        if key not in notices:
            notices[key] = Notice(topic=key, title=event.title[:200], link=event.link, level=event.level)
            created.append((notices[key], event))
    Notice.objects.bulk_create([notice for notice, _ in created])
    sender = sender_name()
    NoticeText.objects.bulk_create(
        [
            NoticeText(
                notice=notice,
                key="",
                text=(f"【{sender}】值班提醒：{e.title}。{e.body}".rstrip("。") + "。请登录平台处理。")[:300],
            )
            for notice, e in created
        ]
    )
    batches = []
    for _, key, people, routed in texted:
        rows, seen = [], set()
        for desk, users in people.items():
            tier = "county" if desk == county_of(desk) else "township"
            for user in users:
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                # The tier makes the outbox's unique index hold: one SMS per person and event, however often
                # routed.
                rows.append(recipients.Recipient(f"user:{user.pk}", str(user)[:100], desk, tier, "sms", "voice"))
        routed.sms = len(rows)
        batches.append((notices[key], rows))
    recipients.enqueue_many(batches)


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
