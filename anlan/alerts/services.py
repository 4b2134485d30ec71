"""Warning workflow (draft → review → issue; update and cancel by CAP reference) and targeting.

Issuing resolves the area to regions (the chosen ones and everything below them, plus every village
the drawn polygon touches, plus the township and county above each: 三级), then writes the outbox in
a few INSERT … SELECT statements — responsible persons by tier, residents, enterprises — so that a
million recipients cost seconds, not a million round trips. A recipient is reached once per channel
(unique constraint; issuing twice adds nothing).
"""

import datetime as dt
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.fields import CHANNEL_ORDERS
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Enterprise, Person
from anlan.resources.models import Shelter

from . import cap, workflow
from .models import BroadcastTerminal, Delivery, Resident, Subscriber, Warning, WorkGroup

ISSUERS = workflow.ISSUERS


def next_identifier(region_code: str, when: dt.datetime) -> str:
    for sequence in range(10):
        identifier = cap.new_identifier(region_code[:6], when, sequence)
        if not Warning.objects.filter(identifier=identifier).exists():
            return identifier
    return cap.new_identifier(region_code[:6], when + dt.timedelta(seconds=1), 0)


@transaction.atomic
def warning_create(*, actor, warning: Warning, regions) -> Warning:
    warning.identifier = next_identifier(warning.region_id, timezone.now())
    warning.status, warning.author = Warning.Status.DRAFT, actor_name(actor)
    warning.full_clean(exclude=["regions"])
    warning.save()
    warning.regions.set(regions)
    audit_record(action="warning_draft", obj=warning, actor=actor, after=snapshot(warning, with_m2m=True))
    return warning


@transaction.atomic
def warning_submit(*, actor, warning: Warning) -> Warning:
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    workflow.FLOW.apply(actor, warning, "submit")
    warning.save(update_fields=["status", "updated_at"])
    audit_record(action="warning_submit", obj=warning, actor=actor, after={"status": warning.status})
    return warning


@transaction.atomic
def warning_issue(*, actor, warning: Warning) -> dict:
    """签发: validate the CAP document, mark issued, write the outbox. Returns the delivery summary."""
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    workflow.FLOW.apply(actor, warning, "issue")
    warning.sent, warning.issuer = timezone.now(), actor_name(actor)
    regions = list(warning.regions.order_by("code"))
    try:
        cap.document(warning, regions)  # checked before anything is published
    except cap.CapInvalid as exc:
        raise DomainError("warning.cap_invalid", f"CAP 文档校验失败：{exc}") from None
    warning.save(update_fields=["sent", "issuer", "status", "updated_at"])
    if warning.references_id:
        Warning.objects.filter(pk=warning.references_id, status=Warning.Status.ISSUED).update(
            status=Warning.Status.SUPERSEDED
        )
    codes = target_codes(warning)
    queued = enqueue(warning, codes)
    audit_record(
        action="warning_issue",
        obj=warning,
        actor=actor,
        after={"identifier": warning.identifier, "regions": len(codes), "queued": queued},
    )
    return summary(warning)


@transaction.atomic
def warning_follow_up(*, actor, warning: Warning, msg_type: str, changes: dict | None = None, regions=None) -> Warning:
    """A CAP Update (new content, same area unless changed) or Cancel of an issued warning, issued at once."""
    original = Warning.objects.select_for_update().get(pk=warning.pk)
    step = workflow.FLOW.check(actor, original, msg_type.lower())  # update | cancel
    follower = Warning.objects.get(pk=original.pk)
    follower.pk, follower.id, follower.identifier = None, None, next_identifier(original.region_id, timezone.now())
    follower._state.adding = True
    follower.msg_type, follower.references, follower.status = msg_type, original, Warning.Status.DRAFT
    for key, value in (changes or {}).items():
        setattr(follower, key, value)
    if msg_type == Warning.MsgType.CANCEL:
        follower.headline = f"解除：{original.headline}"[:200]
        follower.description = (changes or {}).get("description") or f"{original.event}预警解除。"
        follower.urgency, follower.certainty = "Past", "Observed"
    follower.save()
    follower.regions.set(original.regions.all() if regions is None else regions)
    warning_issue(actor=actor, warning=follower)
    Warning.objects.filter(pk=original.pk).update(status=step.target)  # superseded or cancelled
    follower.refresh_from_db()
    return follower


# ---------------------------------------------------------------- targeting and the outbox


def target_codes(warning: Warning) -> list[str]:
    """Region codes reached: the chosen regions and their subtrees, villages the polygon touches, and
    the township and county above every reached village (their responsible persons act first)."""
    return area_codes(list(warning.regions.values_list("code", "level")), warning.polygon)


def area_codes(chosen: list[tuple[str, str]], polygon: dict | None) -> list[str]:
    """`target_codes` for (code, level) pairs and a GeoJSON polygon, before anything is saved."""
    prefixes = [
        code[:6] if level == RegionLevel.COUNTY else code[:9] if level == RegionLevel.TOWNSHIP else code
        for code, level in chosen
    ]
    codes = set()
    for prefix in prefixes:
        codes.update(Region.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    if polygon:
        area = shapely.geometry.shape(polygon)
        for code, boundary in Region.objects.filter(level=RegionLevel.VILLAGE, boundary__isnull=False).values_list(
            "code", "boundary"
        ):
            if shapely.geometry.shape(boundary).intersects(area):
                codes.add(code)
    for code in list(codes):
        codes.update({code[:9] + "000", code[:6] + "000000"})
    return sorted(codes)


TIER_SQL = (
    "CASE WHEN substr(region_id, 7) = '000000' THEN 'county' "
    "WHEN substr(region_id, 10) = '000' THEN 'township' ELSE 'village' END"
)


def _split(order: str) -> tuple[str, str]:
    first, _, rest = order.partition(",")
    return first, rest


def channel_sql(default: str, vulnerable_default: str = "") -> tuple[str, str]:
    """SQL for (first channel, fallback channels) from a recipient's `channel_order`, its default when
    blank (`vulnerable_default` for rows whose `vulnerable` is true). Built from the fixed choices, so
    the database does no string parsing."""
    first, rest = ["CASE channel_order"], ["CASE channel_order"]
    for order, _label in CHANNEL_ORDERS:
        if order:
            a, b = _split(order)
            first.append(f"WHEN '{a}' THEN '{a}'")
            rest.append(f"WHEN '{order}' THEN '{b}'")
    a, b = _split(default)
    if vulnerable_default:
        va, vb = _split(vulnerable_default)
        first.append(f"ELSE CASE WHEN vulnerable THEN '{va}' ELSE '{a}' END END")
        rest.append(f"ELSE CASE WHEN vulnerable THEN '{vb}' ELSE '{b}' END END")
    else:
        first.append(f"ELSE '{a}' END")
        rest.append(f"ELSE '{b}' END")
    return " ".join(first), " ".join(rest)


@dataclass(frozen=True)
class Source:
    key: str  # SQL for the recipient key
    name: str
    tier: str  # SQL
    channel: str  # SQL
    table: str
    fallback: str = "''"
    condition: str = ""  # extra SQL condition (no parameters)
    unique: bool = False  # written under the unique index: skip rows already there


def _sources() -> list[Source]:
    order = settings.ANLAN_CHANNEL_ORDER
    person = channel_sql(order["responsible"])
    resident = channel_sql(order["resident"], order["vulnerable"])
    enterprise_first, enterprise_rest = _split(order["enterprise"])
    subscriber_first, subscriber_rest = _split(order["subscriber"])
    users = User._meta.db_table
    return [
        Source("'person:' || id", "name", TIER_SQL, person[0], Person._meta.db_table, person[1], unique=True),
        Source("'resident:' || id", "name", "'resident'", resident[0], Resident._meta.db_table, resident[1]),
        Source(
            "'enterprise:' || id",
            "name",
            "'enterprise'",
            f"'{enterprise_first}'",
            Enterprise._meta.db_table,
            f"'{enterprise_rest}'",
        ),
        Source(
            "'shelter:' || id",
            "name",
            "'shelter'",
            "'sms'",
            Shelter._meta.db_table,
            "'voice'",
            condition=" AND status <> 'closed'",
        ),
        Source(
            "'subscriber:' || id",
            "'公众订阅'",
            "'subscriber'",
            f"'{subscriber_first}'",
            Subscriber._meta.db_table,
            f"'{subscriber_rest}'",
            condition=" AND confirmed = TRUE",
        ),
        Source(
            "'terminal:' || id",
            "name",
            "'terminal'",
            "'broadcast'",
            BroadcastTerminal._meta.db_table,
            condition=" AND active = TRUE",
        ),
        Source(
            "'group:' || id", "name", "'group'", "platform", WorkGroup._meta.db_table, condition=" AND active = TRUE"
        ),
        Source("'user:' || id", "username", "'user'", "'inapp'", users, condition=" AND is_active = TRUE"),
        Source(
            "'user:' || id", "username", "'user'", "'email'", users, condition=" AND is_active = TRUE AND email <> ''"
        ),
    ]


def enqueue(warning: Warning, codes: list[str]) -> int:
    """Write the outbox for every recipient in `codes` on their first channel; returns the rows added.

    Called once per warning, when it is issued (the warning row is locked and leaves draft/review), so
    rows other than responsible persons' cannot exist yet and are inserted without a conflict check."""
    if not codes:
        return 0
    table = Delivery._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(codes))
    added = 0
    with connection.cursor() as cursor:
        for src in _sources():
            cursor.execute(
                f"INSERT INTO {table} (warning_id, recipient_key, recipient_name, region_code, tier, channel, "
                "status, attempts, next_attempt_at, last_error, message, fallback) "
                f"SELECT %s, {src.key}, {src.name}, region_id, {src.tier}, {src.channel}, 'queued', 0, %s, '', '', "
                f"{src.fallback} FROM {src.table} WHERE region_id IN ({marks}){src.condition}"
                + (" ON CONFLICT DO NOTHING" if src.unique else ""),
                [warning.pk, now, *codes],
            )
            added += max(cursor.rowcount, 0)
    return added


def reach(codes: list[str]) -> list[tuple[str, str, int]]:
    """Before issuing: how many recipients each source holds in these regions, as (label, channel, n)."""
    if not codes:
        return []
    marks = ", ".join(["%s"] * len(codes))
    labels = {
        "person": "三级责任人",
        "resident": "居民",
        "enterprise": "企业",
        "subscriber": "公众订阅",
        "shelter": "避难场所管理人",
        "terminal": "应急广播终端",
        "group": "工作群",
        "user": "平台用户",
    }
    out = []
    with connection.cursor() as cursor:
        for src in _sources():
            if src.channel == "'email'":
                continue  # the same users as in-app
            cursor.execute(f"SELECT count(*) FROM {src.table} WHERE region_id IN ({marks}){src.condition}", codes)
            kind = src.key.split("'")[1].rstrip(":")
            out.append((labels[kind], kind, cursor.fetchone()[0]))
    return out


@transaction.atomic
def warning_update_draft(*, actor, warning: Warning, regions) -> Warning:
    """Save changes to a draft (or one waiting for 签发): the wording, the area, the measures."""
    current = Warning.objects.select_for_update().get(pk=warning.pk)
    workflow.FLOW.check(actor, current, "edit")
    before = snapshot(current, with_m2m=True)
    warning.status = current.status
    warning.full_clean(exclude=["regions"])
    warning.save()
    warning.regions.set(regions)
    audit_record(action="warning_edit", obj=warning, actor=actor, before=before, after=snapshot(warning, with_m2m=True))
    return warning


def summary(warning: Warning) -> dict:
    counts = {
        row["status"]: row["n"]
        for row in Delivery.objects.filter(warning=warning).values("status").annotate(n=Count("pk")).order_by()
    }
    targeted = sum(counts.values())
    return {
        "targeted": targeted,
        "queued": counts.get(Delivery.Status.QUEUED, 0),
        "sent": counts.get(Delivery.Status.SENT, 0) + counts.get(Delivery.Status.ACKNOWLEDGED, 0),
        "failed": counts.get(Delivery.Status.FAILED, 0),
        "acknowledged": counts.get(Delivery.Status.ACKNOWLEDGED, 0),
    }
