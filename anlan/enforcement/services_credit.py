"""一公开 (publishing random-inspection results), the 严重失信主体名单 (listing, expiry, 信用修复) and the
criterion helper. Every write is atomic and audited; who may is checked here, not in the views.

Publishing: a result is ready once the inspection is signed (已签字, 整改复查中 or 已办结); staff publish it
with 公示 (after checking it), and the hourly job publishes every ready result whose deadline (inspection
date + ANLAN_ENFORCEMENT_PUBLISH_DAYS) has come, so none is published late because nobody pressed the button.
A result not ready by its deadline (still 检查中) stays unpublished and is shown as overdue on the 工作台.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anlan.core.audit import audit_record, snapshot
from anlan.core.errors import Conflict, DomainError, NotAllowed
from anlan.core.roles import role_allows
from anlan.core.uploads import CheckedUpload
from anlan.incidents.models import Incident

from . import credit_rules
from .credit_workflow import LISTING, REPAIR
from .models import CreditListing, CreditRepair, Inspection
from .models.common import ENFORCERS

__all__ = [
    "AUDIT_ACTIONS",
    "LISTING_LISTED",
    "PUBLISHABLE",
    "awaiting_publication",
    "expire_job",
    "expire_listings",
    "inspection_publish",
    "larger_accidents",
    "listing_create",
    "matter_of",
    "may_publish",
    "overdue_unpublished_count",
    "publish_due",
    "publish_job",
    "published_results",
    "repair_apply",
    "repair_decide",
    "suggested_criterion",
]

PUBLISHABLE = (Inspection.Status.SIGNED, Inspection.Status.REVIEWING, Inspection.Status.CLOSED)
LISTING_LISTED = CreditListing.Status.LISTED
# Audit actions written here besides the workflows' own (credit_workflow registers theirs).
AUDIT_ACTIONS = {
    "inspection_publish": "公示检查结果",
    "inspection_publish_due": "到期自动公示检查结果",
    "credit_listing_create": "列入严重失信主体名单",
    "credit_listing_expire": "严重失信名单期满移出",
    "credit_listing_repair": "信用修复提前移出",
    "credit_repair_apply": "登记信用修复申请",
}


# ---------------------------------------------------------------- 一公开


def may_publish(user) -> bool:
    """公示 is the enforcing bureau's act (county officers, industry departments for their own), not a
    township's, although townships write campaign inspections."""
    return bool(user.is_superuser or getattr(user, "role", "") in ENFORCERS) and role_allows(user, "change", Inspection)


def _random(qs):
    return qs.filter(kind=Inspection.Kind.RANDOM)


def awaiting_publication(qs, today: dt.date, *, overdue: bool = False):
    """Random inspections of `qs` not yet published, oldest first; `overdue`: only those past their deadline."""
    rows = _random(qs).filter(published_at__isnull=True)
    if overdue:
        rows = rows.filter(inspected_on__lt=today - dt.timedelta(days=credit_rules.publish_days()))
    return rows.order_by("inspected_on", "id")


def overdue_unpublished_count(user) -> int:
    """The 工作台's count: the rows of the overdue publication page for `user`."""
    return awaiting_publication(Inspection.objects.restrict(user), timezone.localdate(), overdue=True).count()


def published_results(qs=None):
    """Published random-inspection results with what the public reads (no person is named)."""
    qs = Inspection.objects.all() if qs is None else qs
    return (
        _random(qs)
        .filter(published_at__isnull=False, status__in=PUBLISHABLE)
        .select_related("enterprise", "draw_object__draw__matter", "checklist")
        .annotate(findings_count=Count("findings"))
        .order_by("-inspected_on", "-id")
    )


def matter_of(inspection) -> str:
    draw_object = inspection.draw_object
    if draw_object is not None and draw_object.draw.matter_id:
        return draw_object.draw.matter.name
    if inspection.checklist_id:
        return inspection.checklist.name
    return "安全生产监督检查"


def _publish(inspection, *, actor, at: dt.datetime, action: str) -> None:
    inspection.published_at = at
    inspection.save(update_fields=["published_at", "updated_at"])
    audit_record(action=action, obj=inspection, actor=actor, after={"published_at": at.isoformat()})


@transaction.atomic
def inspection_publish(*, actor, inspection) -> Inspection:
    """公示 one random-inspection result now (a person's step, audited)."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if not may_publish(actor):
        raise NotAllowed("credit.publish_not_allowed", "只有县级或行业部门执法人员可以公示检查结果")
    if inspection.kind != Inspection.Kind.RANDOM:
        raise DomainError("credit.not_random", "只有双随机抽查的结果按“一公开”公示")
    if inspection.published_at is not None:
        raise Conflict("credit.already_published", "该检查结果已公示")
    if inspection.status not in PUBLISHABLE:
        raise DomainError("credit.not_signed", "检查尚未签字确认，不能公示结果")
    _publish(inspection, actor=actor, at=timezone.now(), action="inspection_publish")
    return inspection


def publish_due(today: dt.date | None = None) -> int:
    """Publish every ready random-inspection result whose deadline is today or past; returns how many."""
    today = today or timezone.localdate()
    last_day = today - dt.timedelta(days=credit_rules.publish_days())
    due = _random(Inspection.objects.all()).filter(
        published_at__isnull=True, status__in=PUBLISHABLE, inspected_on__lte=last_day
    )
    now = timezone.now()
    done = 0
    for inspection in due.order_by("id"):
        with transaction.atomic():
            _publish(inspection, actor=None, at=now, action="inspection_publish_due")
        done += 1
    return done


def publish_job() -> str:
    return f"公示到期检查结果 {publish_due()} 条"


# ---------------------------------------------------------------- 严重失信主体名单


def larger_accidents(enterprise, today: dt.date, qs=None):
    """较大 (Ⅲ级) accidents of the last 12 months that name `enterprise`.

    An incident has no link to an enterprise (incidents.Incident): it names it in its title, place or
    报告单位, so those are matched with the enterprise's name. A suggestion only — the person decides."""
    qs = Incident.objects.all() if qs is None else qs
    since = credit_rules.add_months(today, -12)
    name = enterprise.name
    return qs.filter(level="III", occurred_at__date__gt=since, occurred_at__date__lte=today).filter(
        Q(title__contains=name) | Q(place__contains=name) | Q(caller_unit__contains=name)
    )


def suggested_criterion(enterprise, today: dt.date, qs=None) -> tuple[str, list]:
    """("two_larger", the accidents) when ≥ 2 较大 accidents in 12 months name the enterprise, else ("", [])."""
    found = list(larger_accidents(enterprise, today, qs).order_by("occurred_at")[:10])
    if len(found) >= 2:
        return CreditListing.Criterion.TWO_LARGER, found
    return "", found


@transaction.atomic
def listing_create(
    *,
    actor,
    enterprise,
    criterion: str,
    facts: str,
    decision_number: str,
    listed_on: dt.date,
    decision_file: CheckedUpload | None = None,
    case=None,
) -> CreditListing:
    """List an enterprise (a person's decision, with its criterion and decision document)."""
    if not role_allows(actor, "add", CreditListing):
        raise NotAllowed("credit.listing_not_allowed", "列入严重失信主体名单须由县级应急管理部门决定")
    if criterion not in CreditListing.Criterion.values:
        raise DomainError("credit.criterion", "请选择列入情形", field="criterion")
    if not (facts or "").strip():
        raise DomainError("credit.facts_required", "请填写失信行为事实", field="facts")
    if not (decision_number or "").strip():
        raise DomainError("credit.decision_required", "请填写列入决定书文号", field="decision_number")
    if listed_on > timezone.localdate():
        raise DomainError("credit.future", "列入日期不能晚于今天", field="listed_on")
    if CreditListing.objects.select_for_update().filter(enterprise=enterprise, status=LISTING_LISTED).exists():
        raise Conflict("credit.already_listed", f"{enterprise.name}已在严重失信主体名单中")
    listing = CreditListing(
        enterprise=enterprise,
        criterion=criterion,
        facts=facts.strip(),
        decision_number=decision_number.strip(),
        case=case,
        listed_on=listed_on,
        ends_on=credit_rules.listing_ends_on(listed_on),
        decided_by=actor,
    )
    if decision_file is not None:
        listing.decision_file.save(decision_file.stored_name, decision_file.as_file(), save=False)
    listing.full_clean()
    listing.save()
    if not CreditListing.objects.restrict(actor, "view").filter(pk=listing.pk).exists():
        raise NotAllowed("scope.outside_after_save", "该企业不在您的管辖范围内")
    audit_record(action="credit_listing_create", obj=listing, actor=actor, after=snapshot(listing))
    return listing


def expire_listings(today: dt.date | None = None) -> int:
    """Move listings whose term has ended to 期满移出 (removed on their end day); returns how many."""
    today = today or timezone.localdate()
    done = 0
    for listing in CreditListing.objects.filter(status=LISTING_LISTED, ends_on__lte=today).order_by("id"):
        with transaction.atomic():
            LISTING.apply(None, listing, "expire")
            listing.removed_on = listing.ends_on
            listing.save(update_fields=["status", "removed_on", "updated_at"])
            audit_record(
                action="credit_listing_expire",
                obj=listing,
                actor=None,
                after={"status": listing.status, "removed_on": listing.removed_on.isoformat()},
            )
        done += 1
    return done


def expire_job() -> str:
    return f"严重失信名单期满移出 {expire_listings()} 条"


@transaction.atomic
def repair_apply(*, actor, listing, applied_on: dt.date, reason: str) -> CreditRepair:
    """Record an enterprise's 信用修复 application (received by the county), refused before the term allows."""
    listing = CreditListing.objects.select_for_update().get(pk=listing.pk)
    if not role_allows(actor, "add", CreditRepair):
        raise NotAllowed("credit.repair_not_allowed", "信用修复申请由县级应急管理部门受理登记")
    if listing.status != LISTING_LISTED:
        raise DomainError("credit.not_listed", f"该记录状态为“{listing.get_status_display()}”，无需信用修复")
    if not (reason or "").strip():
        raise DomainError("credit.reason_required", "请填写申请理由及整改情况", field="reason")
    if applied_on > timezone.localdate():
        raise DomainError("credit.future", "申请日期不能晚于今天", field="applied_on")
    allowed_from = credit_rules.repair_allowed_from(listing.listed_on)
    if applied_on < allowed_from:
        months = credit_rules.repair_after_months()
        raise DomainError(
            "credit.repair_too_early",
            f"列入名单满 {months} 个月后方可申请信用修复（{allowed_from:%Y年%m月%d日}起）",
            field="applied_on",
        )
    if listing.repairs.filter(status=CreditRepair.Status.PENDING).exists():
        raise Conflict("credit.repair_pending", "已有待审核的信用修复申请")
    repair = CreditRepair(listing=listing, applied_on=applied_on, reason=reason.strip())
    repair.full_clean()
    repair.save()
    audit_record(action="credit_repair_apply", obj=repair, actor=actor, after=snapshot(repair))
    return repair


@transaction.atomic
def repair_decide(*, actor, repair, approve: bool, opinion: str = "", decided_on: dt.date | None = None):
    """同意 (the listing leaves the list early, 信用修复) or 不同意 (with the reason)."""
    repair = CreditRepair.objects.select_for_update().select_related("listing").get(pk=repair.pk)
    decided_on = decided_on or timezone.localdate()
    REPAIR.apply(actor, repair, "approve" if approve else "reject", opinion=opinion)
    repair.decided_on, repair.opinion, repair.decided_by = decided_on, (opinion or "").strip(), actor
    repair.save(update_fields=["status", "decided_on", "opinion", "decided_by", "updated_at"])
    audit_record(
        action=f"credit_repair_{'approve' if approve else 'reject'}",
        obj=repair,
        actor=actor,
        after={"status": repair.status, "opinion": repair.opinion, "decided_on": decided_on.isoformat()},
    )
    if approve:
        listing = CreditListing.objects.select_for_update().get(pk=repair.listing_id)
        LISTING.apply(actor, listing, "repair")
        listing.removed_on = decided_on
        listing.save(update_fields=["status", "removed_on", "updated_at"])
        audit_record(
            action="credit_listing_repair",
            obj=listing,
            actor=actor,
            after={"status": listing.status, "removed_on": decided_on.isoformat()},
        )
    return repair
