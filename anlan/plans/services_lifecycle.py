"""A plan's life cycle, written: the plan's own facts (kind, owner, review mode, dates), its document versions,
公布, the filing (备案) with the county and the county's check, the periodic evaluation. Every write is one
transaction and audited; refusals are DomainErrors/ValidationErrors in Chinese naming the field.

Filing steps hold their order by status under a row lock: submitted → filed | returned; a returned filing is
answered by a new submission (a new row, so the history keeps every round). The filing number
`备〔年〕N号` is taken under a lock on the county's region row, counting the numbers already given that year:
a check that fails rolls back with its number, so the sequence has no gaps (the pattern of
enforcement/numbering.py, without a counter table: filings are never deleted once filed).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.documents import OfficialDocument
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import county_of, region_prefix
from anlan.core.roles import COUNTY_ROLES, Role, role_allows
from anlan.core.services import object_create, object_update
from anlan.core.uploads import UploadRejected, check_upload
from anlan.core.workdays import add_working_days
from anlan.geo.models import Region

from . import rules
from .models import Plan, PlanEvaluation, PlanFiling, PlanVersion, RevisionTrigger

PLAN_EDIT_FIELDS = (
    "name",
    "kind",
    "region",
    "department",
    "enterprise",
    "review_mode",
    "reviewed_on",
    "published_on",
    "evaluation_years",
    "active",
    "notes",
)


def is_county(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", "") in COUNTY_ROLES)


def _writable(actor, plan: Plan) -> Plan:
    """The plan locked for writing, if the actor may change it (its owner or the county); else 403/404."""
    if not role_allows(actor, "change", Plan):
        raise NotAllowed("plan.not_allowed", "您的角色不能修改应急预案")
    locked = Plan.objects.restrict(actor, "change").select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        if Plan.objects.restrict(actor, "view").filter(pk=plan.pk).exists():
            raise NotAllowed("plan.not_owner", "只能修改本单位编制的预案")
        raise DomainError("plan.not_found", "未找到该预案", status=404)
    _refuse_other_owner(actor, locked)
    return locked


def _refuse_other_owner(actor, plan: Plan) -> None:
    """An enterprise's plan is written by the enterprise (and the county that files it), never by the township
    it lies in: the region scope lets a township reach it, the ownership rule does not (预案管理办法: each unit
    makes its own plan)."""
    if plan.enterprise_id and not is_county(actor) and getattr(actor, "role", "") != Role.ENTERPRISE_USER:
        raise NotAllowed("plan.not_owner", "企业应急预案由企业编制，只能由企业或县级应急管理部门修改")


def _checked(upload, field: str):
    try:
        checked = check_upload(upload, images_only=False)
    except UploadRejected as exc:
        raise ValidationError({field: str(exc)}) from None
    if checked.extension not in ("docx", "pdf"):
        raise ValidationError({field: "预案文本只接受 Word（docx）或 PDF 文件"})
    return checked


# ---------------------------------------------------------------- the plan itself


def _owner_fields(actor, data: dict) -> dict:
    """An enterprise user writes only its own enterprise's plan, in its enterprise's region; a township only
    plans of its own area (the scope check after saving refuses anything else)."""
    role = getattr(actor, "role", "")
    if role == Role.ENTERPRISE_USER and not getattr(actor, "is_superuser", False):
        enterprise = actor.enterprise
        if enterprise is None:
            raise NotAllowed("plan.no_enterprise", "您的账号未关联企业，不能编制预案")
        data |= {"enterprise": enterprise, "region": enterprise.region, "department": None}
        if data.get("kind") not in rules.UNIT_KINDS:
            data["kind"] = Plan.Kind.ENTERPRISE
    return data


def _review(data: dict, reason: str, kept: str = "") -> str:
    """The Art. 21 default fills a blank review mode; choosing the other mode needs a reason, kept in notes
    (`kept`: the mode already stored, whose reason was given when it was chosen)."""
    default = rules.default_review_mode(data["kind"], rules.UnitFacts.of(data.get("enterprise")))
    mode = data.get("review_mode") or default.value
    data["review_mode"] = mode
    if mode != default.value and mode != kept:
        reason = (reason or "").strip()
        if not reason:
            label = Plan.Review(default.value).label
            raise ValidationError({"review_reason": f"按规定应为“{label}”（{default.reason}），改用其他方式请写明理由"})
        return f"评审方式说明：{reason}"
    return ""


def _check_owner(data: dict) -> None:
    kind = data["kind"]
    if kind in rules.UNIT_KINDS and not data.get("enterprise"):
        raise ValidationError({"enterprise": "企业应急预案和现场处置方案须选择编制企业"})
    if kind == Plan.Kind.DEPARTMENT and not data.get("department"):
        raise ValidationError({"department": "部门应急预案须选择编制部门"})
    if kind not in rules.UNIT_KINDS and data.get("enterprise"):
        raise ValidationError({"enterprise": "政府及部门预案不填编制企业"})
    published, reviewed = data.get("published_on"), data.get("reviewed_on")
    today = timezone.localdate()
    if published and published > today:
        raise ValidationError({"published_on": "公布日期不能晚于今天"})
    if published and reviewed and reviewed > published:
        raise ValidationError({"reviewed_on": "评审（论证）日期应早于公布日期"})


@transaction.atomic
def plan_save(*, actor, plan: Plan | None = None, kinds=None, review_reason: str = "", **fields) -> Plan:
    """Create a plan (plan=None) or change one: its kind, owner, review mode (Art. 21 default unless a reason
    is given), dates and evaluation cycle (Art. 35 default when left blank)."""
    unknown = sorted(set(fields) - set(PLAN_EDIT_FIELDS))
    if unknown:
        raise ValidationError({unknown[0]: "不能修改此项"})
    if plan is None:
        if not role_allows(actor, "add", Plan):
            raise NotAllowed("plan.not_allowed", "您的角色不能编制应急预案")
        current = {}
    else:
        plan = _writable(actor, plan)
        current = {name: getattr(plan, name) for name in PLAN_EDIT_FIELDS}
    data = _owner_fields(actor, current | fields)
    if data.get("enterprise"):
        _refuse_other_owner(actor, Plan(enterprise=data["enterprise"]))
    if not (data.get("name") or "").strip():
        raise ValidationError({"name": "请填写预案名称"})
    data["name"] = data["name"].strip()
    data.setdefault("kind", Plan.Kind.SPECIAL)
    _check_owner(data)
    note = _review(data, review_reason, kept=current.get("review_mode", ""))
    if data.get("evaluation_years") in (None, ""):
        data["evaluation_years"] = rules.default_evaluation_years(
            data["kind"], rules.UnitFacts.of(data.get("enterprise"))
        ).value
    if note:
        notes = data.get("notes") or ""
        data["notes"] = f"{notes}\n{note}".strip() if note not in notes else notes
    kinds = list(kinds) if kinds is not None else None
    if plan is None:
        if not kinds:
            raise ValidationError({"kinds": "请至少选择一种适用事件类型"})
        plan = Plan(**{k: v for k, v in data.items() if k in PLAN_EDIT_FIELDS})
        return object_create(actor=actor, instance=plan, after_save=lambda: plan.kinds.set(kinds))
    if kinds is not None and not kinds:
        raise ValidationError({"kinds": "请至少选择一种适用事件类型"})
    before = snapshot(plan, with_m2m=True)
    for name in PLAN_EDIT_FIELDS:
        if name in data:
            setattr(plan, name, data[name])
    return object_update(
        actor=actor, instance=plan, before=before, after_save=(lambda: plan.kinds.set(kinds)) if kinds else None
    )


# ---------------------------------------------------------------- versions and 公布


@transaction.atomic
def version_add(
    *, actor, plan: Plan, upload, note: str = "", published_on: dt.date | None = None, resolves=()
) -> PlanVersion:
    """A new text of the plan (Word or PDF, checked by content), numbered after the last; older versions stay.
    `resolves`: open revision triggers of this plan the new text answers. `published_on` sets 公布 (a new
    publication needs a new filing)."""
    plan = _writable(actor, plan)
    checked = _checked(upload, "file")
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion(
        plan=plan,
        number=last + 1,
        file=checked.as_file(),
        file_name=checked.display_name,
        note=(note or "").strip()[:300],
        uploaded_at=timezone.now(),
        uploaded_by=actor_name(actor),
    )
    version.full_clean()
    version.save()
    audit_record(action="plan.version_add", obj=version, actor=actor, after=snapshot(version))
    wanted = {int(pk) for pk in resolves}
    if wanted:
        triggers = list(RevisionTrigger.objects.select_for_update().filter(plan=plan, pk__in=wanted))
        if len(triggers) != len(wanted) or any(t.status != RevisionTrigger.Status.OPEN for t in triggers):
            raise ValidationError({"resolves": "所选修订情形不属于该预案或已修订"})
        for trigger in triggers:
            before = snapshot(trigger)
            trigger.status, trigger.resolved_by = RevisionTrigger.Status.RESOLVED, version
            trigger.save(update_fields=["status", "resolved_by"])
            after = snapshot(trigger)
            audit_record(action="plan.trigger_resolve", obj=trigger, actor=actor, before=before, after=after)
    if published_on:
        plan_publish(actor=actor, plan=plan, published_on=published_on)
    return version


@transaction.atomic
def plan_publish(*, actor, plan: Plan, published_on: dt.date) -> Plan:
    """Record 公布: the day the 20 working days of filing start."""
    plan = _writable(actor, plan)
    if not plan.versions.exists():
        raise ValidationError({"published_on": "请先上传预案文本再登记公布"})
    if published_on > timezone.localdate():
        raise ValidationError({"published_on": "公布日期不能晚于今天"})
    before = snapshot(plan, with_m2m=True)
    plan.published_on = published_on
    return object_update(actor=actor, instance=plan, before=before)


# ---------------------------------------------------------------- 备案


def filing_due_on(published_on: dt.date) -> dt.date:
    """Art. 26: within 20 working days of 公布 (core.workdays: holidays and 调休 counted)."""
    return add_working_days(published_on, rules.filing_days())


@transaction.atomic
def filing_submit(*, actor, plan: Plan) -> PlanFiling:
    """The owner files the published plan (its newest version) with the county; the check is due in 5 working
    days. Refused while a filing waits for its check or once this publication is filed."""
    plan = _writable(actor, plan)
    if not rules.files_with_county(plan.kind):
        raise ValidationError({"plan": f"{plan.get_kind_display()}不向县应急管理局备案"})
    version = plan.versions.order_by("-number").first()
    if version is None or plan.published_on is None:
        raise ValidationError({"plan": "请先上传预案文本并登记公布日期，再报送备案"})
    rounds = PlanFiling.objects.select_for_update().filter(plan=plan, submitted_at__date__gte=plan.published_on)
    if rounds.filter(status=PlanFiling.Status.SUBMITTED).exists():
        raise ValidationError({"plan": "该预案的备案材料正在审查，请等待审查结果"})
    if rounds.filter(status=PlanFiling.Status.FILED, version=version).exists():
        raise ValidationError({"plan": "该版本已备案；修订后重新公布再报送"})
    now = timezone.now()
    filing = PlanFiling(
        plan=plan,
        version=version,
        due_on=filing_due_on(plan.published_on),
        submitted_at=now,
        submitted_by=actor_name(actor),
        check_due_on=add_working_days(timezone.localdate(now), rules.check_days()),
    )
    filing.save()
    audit_record(action="plan.filing_submit", obj=filing, actor=actor, after=snapshot(filing))
    return filing


def _checkable(actor, filing: PlanFiling) -> PlanFiling:
    if not is_county(actor):
        raise NotAllowed("plan.filing_check", "备案审查由县应急管理局办理")
    locked = (
        PlanFiling.objects.restrict(actor, "view").select_for_update().filter(pk=filing.pk).select_related("plan")
    ).first()
    if locked is None:
        raise DomainError("plan.filing_not_found", "未找到该备案", status=404)
    if locked.status != PlanFiling.Status.SUBMITTED:
        raise DomainError("plan.filing_done", f"该备案已{locked.get_status_display()}，不能重复审查")
    return locked


def filing_number(year: int, seq: int) -> str:
    return f"备〔{year}〕{seq}号"


def _take_number(plan: Plan, year: int) -> str:
    county = county_of(plan.region_id)
    # The county's region row is the lock: two officers filing at once wait for each other.
    Region.objects.select_for_update().filter(pk=county).first()
    taken = PlanFiling.objects.filter(
        status=PlanFiling.Status.FILED,
        number__startswith=f"备〔{year}〕",
        plan__region__pk__startswith=region_prefix(county),
    ).count()
    return filing_number(year, taken + 1)


@transaction.atomic
def filing_file(*, actor, filing: PlanFiling) -> PlanFiling:
    """The county finds the materials complete: file it with the next number of the year."""
    filing = _checkable(actor, filing)
    before = snapshot(filing)
    now = timezone.now()
    filing.number = _take_number(filing.plan, timezone.localdate(now).year)
    filing.status, filing.checked_at, filing.checked_by = PlanFiling.Status.FILED, now, actor_name(actor)
    filing.missing_items = ""
    filing.save()
    audit_record(action="plan.filing_file", obj=filing, actor=actor, before=before, after=snapshot(filing))
    return filing


@transaction.atomic
def filing_return(*, actor, filing: PlanFiling, missing_items: str) -> PlanFiling:
    """The county returns incomplete materials, naming at once everything missing."""
    items = (missing_items or "").strip()
    if not items:
        raise ValidationError({"missing_items": "请逐项写明需要补正的材料"})
    filing = _checkable(actor, filing)
    before = snapshot(filing)
    filing.status, filing.checked_at, filing.checked_by = PlanFiling.Status.RETURNED, timezone.now(), actor_name(actor)
    filing.missing_items = items
    filing.save()
    audit_record(action="plan.filing_return", obj=filing, actor=actor, before=before, after=snapshot(filing))
    return filing


def registration_form(filing: PlanFiling) -> bytes:
    """备案登记表 (Word, GB/T 9704 layout): the filing's number, the plan, its owner and the dates."""
    plan = filing.plan
    owner = plan.enterprise or plan.department or plan.region
    doc = OfficialDocument()
    doc.title("生产安全事故应急预案备案登记表")
    doc.centered(f"备案编号：{filing.number}")
    version = f"第{filing.version.number}版（{filing.version.file_name}）" if filing.version else "—"
    doc.table(
        [
            ("备案单位", str(owner)),
            ("预案名称", plan.name),
            ("预案类别", plan.get_kind_display()),
            ("报备版本", version),
            ("评审（论证）", f"{plan.get_review_mode_display() or '—'} {plan.reviewed_on or ''}".strip()),
            ("公布日期", f"{plan.published_on:%Y年%m月%d日}" if plan.published_on else "—"),
            ("报送时间", f"{timezone.localtime(filing.submitted_at):%Y年%m月%d日}"),
            ("备案期限", f"{filing.due_on:%Y年%m月%d日}"),
        ]
    )
    doc.line(f"经审查，你单位报送的《{plan.name}》备案材料齐全，予以备案。")
    checked = timezone.localtime(filing.checked_at) if filing.checked_at else timezone.localtime()
    doc.line("（备案机关盖章）", right=True)
    doc.line(f"{checked:%Y年%m月%d日}", right=True)
    return doc.bytes()


# ---------------------------------------------------------------- 评估


@transaction.atomic
def evaluation_record(
    *,
    actor,
    plan: Plan,
    evaluated_on: dt.date,
    evaluator: str,
    conclusion: str,
    needs_revision: bool = False,
    report=None,
) -> PlanEvaluation:
    """An evaluation (Art. 35): moves the next due date on; one that finds the plan must be revised records
    a revision trigger (应急条例 Art. 6) the next version resolves."""
    plan = _writable(actor, plan)
    if evaluated_on > timezone.localdate():
        raise ValidationError({"evaluated_on": "评估日期不能晚于今天"})
    if not (conclusion or "").strip():
        raise ValidationError({"conclusion": "请填写评估结论"})
    if not (evaluator or "").strip():
        raise ValidationError({"evaluator": "请填写评估组织（单位或专家组）"})
    evaluation = PlanEvaluation(
        plan=plan,
        evaluated_on=evaluated_on,
        evaluator=evaluator.strip()[:150],
        conclusion=conclusion.strip(),
        needs_revision=needs_revision,
        recorded_by=actor_name(actor),
    )
    if report:
        try:
            checked = check_upload(report, images_only=False)
        except UploadRejected as exc:
            raise ValidationError({"report": str(exc)}) from None
        evaluation.report, evaluation.report_name = checked.as_file(), checked.display_name
    evaluation.save()
    audit_record(action="plan.evaluation", obj=evaluation, actor=actor, after=snapshot(evaluation))
    if plan.last_evaluated_on is None or evaluated_on > plan.last_evaluated_on:
        before = snapshot(plan, with_m2m=True)
        plan.last_evaluated_on = evaluated_on
        object_update(actor=actor, instance=plan, before=before)
    if needs_revision:
        trigger = RevisionTrigger(
            plan=plan,
            reason=RevisionTrigger.Reason.OTHER,
            description=f"定期评估结论：{conclusion.strip()}"[:2000],
            source=f"评估：{evaluated_on:%Y-%m-%d} {evaluator.strip()}"[:200],
            noted_on=evaluated_on,
            noted_by=actor_name(actor),
        )
        object_create(actor=actor, instance=trigger)
    return evaluation
