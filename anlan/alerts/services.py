"""Warning workflow (draft → review → issue; update and cancel by CAP reference) and targeting.

Issuing resolves the area to regions (the chosen ones and everything below them, plus every village
the drawn polygon touches, plus the township and county above each: 三级), renders the warning as a
notify Notice (one text per audience, enterprise sector and township plan), then has notify write the
outbox with one INSERT … SELECT per recipient source — responsible persons by tier, residents,
enterprises… — each row naming the text variant it reads, so that a million recipients cost seconds, not
a million round trips. A recipient is reached once per channel (issuing twice adds nothing).
"""

import datetime as dt

import shapely
from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import ancestor_codes, county_of, is_region_code, township_of
from anlan.duty.routing import route_to_desks
from anlan.geo.models import Region, RegionLevel
from anlan.notify import outbox, outcomes, recipients
from anlan.notify.models import Delivery, Notice, NoticeText

from . import cap, hooks, workflow
from .messages import SECTORS, audience_of, compose, sender_name
from .models import Warning

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
    # Those who may sign it are told (inbox, once); those on duty see it at once too (SMS for orange and red).
    tell_issuers(warning, submitted_by=actor_name(actor))
    if warning.exercise_id:
        return warning  # a drill's warning: its participants are told in-app (tell_issuers), no duty desk
    route_to_desks(
        warning.region_id,
        title=f"预警待签发：{warning.headline}",
        body=f"{warning.get_level_display()}预警，由{warning.author or '经办人'}提交审核签发。",
        link=reverse("alerts:warning_steps", kwargs={"pk": warning.pk}),
        level=warning.level,
        dedupe_key=f"warning:{warning.pk}:submit:{timezone.now():%Y%m%d%H%M%S}",
        category="warning",
    )
    return warning


def issuers_of(warning: Warning) -> list[int]:
    """Ids of the active users who may 签发 this warning: county roles whose region covers its region (the
    county itself or above it)."""
    covering = [*ancestor_codes(warning.region_id), warning.region_id]
    users = User.objects.filter(is_active=True, role__in=ISSUERS, region_id__in=covering)
    return list(users.order_by("pk").values_list("pk", flat=True))


def tell_issuers(warning: Warning, *, submitted_by: str) -> int:
    """A 站内消息 to everyone who may sign a warning just submitted (through notify's outbox, in the
    submitting transaction: sent after it commits, once per warning). Returns messages queued."""
    notice, created = Notice.objects.get_or_create(
        topic=f"{topic(warning.pk)}:review",
        defaults={
            "title": f"待签发预警：{warning.headline}"[:200],
            "link": reverse("alerts:warning_steps", kwargs={"pk": warning.pk}),
            "level": warning.level,
            "exercise_id": warning.exercise_id,  # a drill's: notify then tells its participants only
        },
    )
    if not created:
        return 0
    NoticeText.objects.create(
        notice=notice,
        key="",
        text=f"{submitted_by or '拟稿人'}提交了{warning.event}预警“{warning.headline}”，请审核签发。"[:300],
    )
    return recipients.enqueue(notice, recipients.recipients_by_ids("user", issuers_of(warning)).values())


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
    if not warning.exercise_id:
        # Apps above (disasters opens the sites' transfer lists); a drill's warning opens nothing real.
        hooks.run_on_issue(warning, codes, actor)
    audit_record(
        action="warning_issue",
        obj=warning,
        actor=actor,
        after={"identifier": warning.identifier, "regions": len(codes), "queued": queued},
    )
    # Nothing of this notice existed before and nothing has been sent yet: no need to count a million rows.
    return {"targeted": queued, "queued": queued, "sent": 0, "failed": 0, "acknowledged": 0}


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
        codes.update({township_of(code), county_of(code)})
    return sorted(codes)


def topic(warning_id: int) -> str:
    """The notify topic of a warning's notice."""
    return f"warning:{warning_id}"


def deliveries(warning) -> "models.QuerySet[Delivery]":
    """The outbox rows of a warning (its notice's deliveries)."""
    return Delivery.objects.filter(notice__topic=topic(getattr(warning, "pk", warning)))


# Text variants: every source's recipients read the measures of their audience (messages.audience_of);
# responsible persons' SMS also ask for a confirmation (叫应). key → (a tier of that audience, confirm).
VARIANTS = {
    "responsible": ("village", True),
    "staff": ("user", False),  # platform users and their work groups act on it like responsible persons
    "resident": ("resident", False),
    "enterprise": ("enterprise", False),
    "shelter": ("shelter", False),
}


def _variant_base(source) -> str:
    tier = source.tiers[0] if source.tiers else ""
    if tier in ("user", "group"):
        return "staff"
    return audience_of(tier)


def _plans(measures: dict) -> list[str]:
    """Township codes with their own plan (一乡镇一方案). Only well-formed 12-digit codes: they are written
    into the fan-out's SQL (a CASE over the region column), so nothing else may reach it."""
    codes = (k.partition(":")[2] for k in measures if k.startswith("township:") and measures[k])
    return sorted(code for code in codes if is_region_code(code))


def _sectors(measures: dict) -> list[str]:
    return [flag for flag, _ in SECTORS if measures.get(f"enterprise:{flag}")]


def _variant_sql(source, measures: dict) -> str:
    """SQL for a recipient's text variant: audience, then the first of its sectors with its own measures
    (enterprises), then its township when that township has a plan."""
    base = _variant_base(source)
    parts = [f"'{base}'"]
    sectors = [f for f in _sectors(measures) if f in source.traits] if base == "enterprise" else []
    if sectors:
        parts.append("CASE " + " ".join(f"WHEN {source.traits[f]} THEN ':{f}'" for f in sectors) + " ELSE '' END")
    plans = _plans(measures)
    if plans:
        whens = " ".join(f"WHEN '{code[:9]}' THEN '@{code}'" for code in plans)
        parts.append(f"CASE substr({source.region}, 1, 9) {whens} ELSE '' END")
    return " || ".join(parts)


def render_notice(warning: Warning) -> Notice:
    """The warning as notify sends it: title, link, level, the confirmation parts, and one text per
    audience × sector × township plan, rendered now so the outbox composes nothing."""
    link_template = ""
    if settings.ANLAN_PUBLIC_URL:
        link_template = settings.ANLAN_PUBLIC_URL + reverse("warning_ack", kwargs={"token": "TOKEN"}).replace(
            "TOKEN", "{token}"
        )
    notice = Notice.objects.create(
        topic=topic(warning.pk),
        title=warning.headline,
        link=reverse("alerts:warning_detail", kwargs={"pk": warning.pk}),
        level=warning.level,
        confirm_reply="（回复1确认收到）" if settings.ANLAN_SMS_REPLY_TOKEN else "",
        confirm_link=link_template,
        exercise_id=warning.exercise_id,  # a drill's: notify delivers it to the participants only, in-app
    )
    measures, sender = warning.measures or {}, sender_name()
    texts = []
    for base, (tier, confirm) in VARIANTS.items():
        sectors = [None, *_sectors(measures)] if base == "enterprise" else [None]
        for sector in sectors:
            for plan in [None, *_plans(measures)]:
                key = base + (f":{sector}" if sector else "") + (f"@{plan}" if plan else "")
                text = compose(
                    sender=sender,
                    headline=warning.headline,
                    instruction=warning.instruction,
                    description=warning.description,
                    measures=measures,
                    tier=tier,
                    region_code=plan or "",
                    sectors=(sector,) if sector else (),
                )
                texts.append(NoticeText(notice=notice, key=key, text=text, confirm=confirm))
    NoticeText.objects.bulk_create(texts)
    return notice


def enqueue(warning: Warning, codes: list[str]) -> int:
    """Write the outbox for every recipient in `codes` on their first channel; returns the rows added.

    Called once per warning, when it is issued (the warning row is locked and leaves draft/review), so
    rows other than responsible persons' cannot exist yet and are inserted without a conflict check."""
    if not codes:
        return 0
    notice = render_notice(warning)
    measures = warning.measures or {}
    return recipients.enqueue_area(notice, codes, variant=lambda source: _variant_sql(source, measures))


# The order the 审核签发 page lists who a warning reaches (sources registered later come last).
REACH_ORDER = ["person", "resident", "enterprise", "shelter", "subscriber", "terminal", "group", "user"]


def reach(codes: list[str]) -> list[tuple[str, str, int]]:
    """Before issuing: how many recipients each source holds in these regions, as (label, kind, n)."""
    rows = recipients.reach(codes)
    return sorted(rows, key=lambda row: REACH_ORDER.index(row[1]) if row[1] in REACH_ORDER else len(REACH_ORDER))


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
    """{"targeted", "queued", "sent", "failed", "acknowledged"} counted in recipients (notify.outcomes):
    a fallback voice call or a 叫应 call to someone already counted is not another target."""
    return outcomes.totals(deliveries(warning))


@transaction.atomic
def warning_retry_failed(*, actor, warning: Warning) -> int:
    """重试失败: queue again every recipient of an issued warning whom no channel reached, from the first
    channel of their order. Returns how many; 0 (nothing written, nothing audited) when there is none,
    so a second click sends nothing twice."""
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if actor.role not in ISSUERS and not actor.is_superuser:
        raise NotAllowed("warning.not_issuer", "只有县级有签发权限的人员可以重试发送")
    if warning.status != Warning.Status.ISSUED:
        raise DomainError(
            "warning.retry_refused", f"当前为“{warning.get_status_display()}”，只有已发布的预警可以重试发送"
        )
    if warning.expires <= timezone.now():
        raise DomainError("warning.expired", "预警已过失效时间，不再重试发送")
    reasons = outcomes.failure_reasons(deliveries(warning), limit=5)
    retried = outbox.retry_failed(deliveries(warning))
    if retried:
        audit_record(
            action="warning_retry",
            obj=warning,
            actor=actor,
            after={"recipients": retried, "reasons": [f"{r['label']}：{r['reason']} × {r['count']}" for r in reasons]},
        )
    return retried


@transaction.atomic
def warning_end_drill(*, actor, warning: Warning) -> Warning:
    """Close a drill's warning when its drill ends (演练结束): an issued one becomes 已撤销, a draft or one
    waiting for 签发 too; nothing is sent (the drill's end is told to its participants by the drill) and the
    record is kept for the review, audited. Real warnings are cancelled only by a CAP Cancel."""
    if not warning.exercise_id:
        raise DomainError("warning.not_drill", "只能关闭演练中产生的预警")
    warning = Warning.objects.select_for_update().get(pk=warning.pk)
    if warning.status in (Warning.Status.CANCELLED, Warning.Status.SUPERSEDED):
        return warning
    before = warning.status
    warning.status = Warning.Status.CANCELLED
    warning.save(update_fields=["status", "updated_at"])
    audit_record(action="warning_cancel", obj=warning, actor=actor, after={"status": warning.status, "from": before})
    return warning
