"""Inspections on the phone (issue 17 item 4): start, answer the checklist, record findings with photos and
position, sign (or note the principal's refusal), complete — each finding becomes a hidden hazard of the
enterprise through `hazards.services.hazard_report`, so the hazard loop, its audit and its notices stay one
path — and close with the 复查 once every hazard is closed.

Every write is atomic and audited. Documents are numbered by `numbering.issue_document` inside the step's
transaction: 现场检查记录 on completion, 责令限期整改指令书 when a finding is ordered rectified within a
deadline, 现场处理措施决定书 when a finding's measure is an on-the-spot decision (撤出人员、停产停业、查封扣押,
安全生产法 Art. 65), 整改复查意见书 on closing.

挂牌督办 of a major finding: the unit is the bureau (`core.bureau.bureau_name`), the leader
ANLAN_ENFORCEMENT_SUPERVISING_LEADER when set, else the inspection's 带队 officer (the first named).
"""

import base64
import binascii
import datetime as dt
import io
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import audit_record, snapshot
from anlan.core.bureau import bureau_name
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.labels import register_actions
from anlan.core.regioncodes import same_county
from anlan.core.roles import Role, role_allows
from anlan.core.uploads import UploadRejected, check_upload
from anlan.hazards import services as hazard_services
from anlan.hazards.models import HiddenHazard
from anlan.inbox.services import Message, notify_many
from anlan.registry.models import Enterprise

from . import checklists, numbering
from . import workflow_inspections as flow
from .models import (
    ChecklistItem,
    DocumentKind,
    Finding,
    FindingPhoto,
    Inspection,
    InspectionAnswer,
    Inspector,
    IssuedDocument,
    Signature,
)

# Default rectification periods the page proposes (the bureau's choice; the officer changes them). The
# statutory 复查 period after 责令限期整改 is UNVERIFIED (standards.md §11.2), so none is enforced.
PROPOSED_DAYS = {Finding.Level.GENERAL: 15, Finding.Level.MAJOR: 30}
RECORD_WITHIN_DAYS = 366  # the API records inspections of the past year (see inspection_record)
ON_SPOT_MEASURES = frozenset({Finding.Measure.EVACUATE, Finding.Measure.SUSPEND, Finding.Measure.SEAL})


def _require_role(actor, action: str = "add") -> None:
    if not role_allows(actor, action, Inspection):
        raise NotAllowed("inspection.role_not_allowed", "您的角色无权办理执法检查")


def _editable(inspection: Inspection) -> None:
    if inspection.status != flow.IN_PROGRESS:
        raise DomainError("inspection.signed", "检查已签字确认，不能再修改")


def enterprise_in_scope(actor, enterprise_id) -> Enterprise:
    found = Enterprise.objects.restrict(actor, "view").filter(pk=enterprise_id).first() if enterprise_id else None
    if found is None:
        raise DomainError("inspection.bad_enterprise", "企业不存在或不在您的管辖范围内", field="enterprise")
    return found


def inspectors_named(usernames, *, on: dt.date) -> list[Inspector]:
    """The officers named (in the order given, the first being the 带队 officer); DomainError naming
    `inspectors` for fewer than two distinct ones, an unknown name or an expired certificate."""
    names = list(dict.fromkeys(str(u).strip() for u in usernames or [] if str(u).strip()))
    if len(names) < flow.MIN_INSPECTORS:
        raise DomainError(
            "inspection.too_few_inspectors", "执法人员不得少于两人（行政处罚法第四十二条）", field="inspectors"
        )
    found = {i.user.username: i for i in Inspector.objects.select_related("user").filter(user__username__in=names)}
    unknown = [n for n in names if n not in found or not found[n].active]
    if unknown:
        raise DomainError("inspection.unknown_inspector", f"不是在库执法人员：{'、'.join(unknown)}", field="inspectors")
    expired = [n for n in names if found[n].certificate_valid_until and found[n].certificate_valid_until < on]
    if expired:
        raise DomainError("inspection.certificate_expired", f"执法证已过期：{'、'.join(expired)}", field="inspectors")
    return [found[n] for n in names]


def _department_for(actor, leader: Inspector, enterprise: Enterprise):
    if getattr(actor, "role", "") == Role.DEPARTMENT_OPERATOR and actor.department_id:
        return actor.department
    return leader.department or enterprise.department


@transaction.atomic
def inspection_start(
    *,
    actor,
    enterprise: Enterprise,
    inspectors: list[Inspector],
    inspected_on: dt.date,
    kind: str = Inspection.Kind.PLANNED,
    draw_object=None,
    campaign=None,
    place: str = "",
    principal_name: str = "",
) -> Inspection:
    _require_role(actor)
    if inspected_on > timezone.localdate():
        raise DomainError("inspection.future_date", "检查日期不能晚于今天", field="inspected_on")
    if len({i.pk for i in inspectors}) < flow.MIN_INSPECTORS:
        raise DomainError(
            "inspection.too_few_inspectors", "执法人员不得少于两人（行政处罚法第四十二条）", field="inspectors"
        )
    if draw_object is not None and Inspection.objects.filter(draw_object=draw_object).exists():
        raise DomainError("inspection.drawn_twice", "该抽取结果已有检查记录", field="draw_object")
    inspection = Inspection(
        enterprise=enterprise,
        region=enterprise.region,
        department=_department_for(actor, inspectors[0], enterprise),
        kind=Inspection.Kind.RANDOM if draw_object is not None else kind,
        inspected_on=inspected_on,
        draw_object=draw_object,
        campaign=campaign,
        leader=inspectors[0],
        place=place or enterprise.address,
        principal_name=principal_name or enterprise.principal,
        created_by=actor if isinstance(actor, User) else None,
    )
    inspection.full_clean()
    inspection.save()
    inspection.inspectors.set(inspectors)
    audit_record(
        action="inspection_start",
        obj=inspection,
        actor=actor,
        after={**snapshot(inspection), "inspectors": [i.user.username for i in inspectors]},
    )
    return inspection


def checklist_items(inspection: Inspection) -> list[ChecklistItem]:
    return checklists.items_for(
        inspection.enterprise,
        on=inspection.inspected_on,
        item_model=ChecklistItem,
        extra_checklist=inspection.campaign.checklist if inspection.campaign_id else None,
    )


def _proposed_title(item: ChecklistItem) -> str:
    basis = item.standard_id and f"（{item.standard_id}{item.article}{item.item}）"
    text = item.text.rstrip("；。;.")
    return (text[: 200 - len(basis or "")] + (basis or ""))[:200]


@transaction.atomic
def answers_save(*, actor, inspection: Inspection, results: dict[int, tuple[str, str]]) -> list[Finding]:
    """Record the answers {item id: (result, note)}. A 不符合 answer proposes a finding for that item (major
    on a 重大事故隐患判定项), which the officer may edit or remove before signing; an answer changed away
    from 不符合 removes the finding it proposed. Returns the findings proposed now."""
    _require_role(actor, "change")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _editable(inspection)
    items = {i.pk: i for i in checklist_items(inspection)}
    proposed = []
    for item_id, (result, note) in results.items():
        item = items.get(item_id)
        if item is None:
            raise DomainError("inspection.bad_item", "检查项不属于本次检查", field="answers")
        if result not in InspectionAnswer.Result.values:
            raise DomainError("inspection.bad_result", "检查结果应为符合、不符合或不适用", field="answers")
        InspectionAnswer.objects.update_or_create(
            inspection=inspection, item=item, defaults={"result": result, "note": (note or "")[:200]}
        )
        linked = Finding.objects.filter(inspection=inspection, checklist_item=item)
        if result == InspectionAnswer.Result.PROBLEM and not linked.exists():
            level = Finding.Level.MAJOR if item.major else Finding.Level.GENERAL
            proposed.append(
                Finding.objects.create(
                    inspection=inspection,
                    title=_proposed_title(item),
                    description=note or item.text,
                    level=level,
                    measure=Finding.Measure.DEADLINE,
                    deadline=max(inspection.inspected_on, timezone.localdate())
                    + dt.timedelta(days=PROPOSED_DAYS[level]),
                    checklist_item=item,
                )
            )
        elif result != InspectionAnswer.Result.PROBLEM:
            linked.delete()
    audit_record(
        action="inspection_answers",
        obj=inspection,
        actor=actor,
        after={"answers": {str(k): v[0] for k, v in results.items()}, "proposed": [f.title for f in proposed]},
    )
    return proposed


def _check_deadline(deadline: dt.date, inspection: Inspection, field: str = "deadline") -> None:
    if deadline < inspection.inspected_on:
        raise DomainError("inspection.bad_deadline", "整改期限不能早于检查日期", field=field)


@transaction.atomic
def finding_save(*, actor, inspection: Inspection, finding: Finding | None = None, **fields) -> Finding:
    """Add a finding (or change one) while the inspection is open."""
    _require_role(actor, "change")
    _editable(inspection)
    before = snapshot(finding) if finding is not None else None
    finding = finding or Finding(inspection=inspection)
    for name, value in fields.items():
        setattr(finding, name, value)
    _check_deadline(finding.deadline, inspection)
    finding.full_clean()
    finding.save()
    audit_record(action="inspection_finding", obj=inspection, actor=actor, before=before, after=snapshot(finding))
    return finding


@transaction.atomic
def finding_remove(*, actor, finding: Finding) -> None:
    _require_role(actor, "change")
    _editable(finding.inspection)
    audit_record(action="inspection_finding_remove", obj=finding.inspection, actor=actor, before=snapshot(finding))
    finding.delete()


@transaction.atomic
def photo_add(*, actor, finding: Finding, upload, lon=None, lat=None) -> FindingPhoto:
    """A JPEG or PNG, checked and re-encoded (core.uploads), with the phone's position when given."""
    _require_role(actor, "change")
    _editable(finding.inspection)
    try:
        checked = check_upload(upload, images_only=True)
    except UploadRejected as exc:
        raise DomainError("inspection.photo_rejected", str(exc).replace("文件", "照片"), field="photo") from None
    photo = FindingPhoto(finding=finding, taken_at=timezone.now(), lon=lon, lat=lat)
    photo.full_clean(exclude=["image"])
    photo.image.save(checked.stored_name, checked.as_file(), save=False)
    photo.save()
    audit_record(action="inspection_photo", obj=finding.inspection, actor=actor, after={"file": photo.image.name})
    return photo


@dataclass
class _Upload:
    """The decoded canvas drawing, shaped like an upload for core.uploads.check_upload."""

    data: bytes
    name: str = "signature.png"

    def __post_init__(self):
        self._io = io.BytesIO(self.data)
        self.size = len(self.data)

    def seek(self, n):
        return self._io.seek(n)

    def read(self):
        return self._io.read()


def _signature_png(data_url: str) -> _Upload:
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise DomainError("inspection.signature_missing", "请先在签字框内签名", field="image")
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("inspection.signature_bad", "签名图片无法识别，请重新签名", field="image") from None
    return _Upload(raw)


@transaction.atomic
def sign(
    *, actor, inspection: Inspection, signer: str, image_data: str, inspector: Inspector | None = None, name=""
) -> Signature:
    """Store a signature drawn on the phone (PNG, checked and re-encoded). An officer signs once (a new
    signature replaces the old); the principal's signature replaces a noted refusal."""
    _require_role(actor, "change")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _editable(inspection)
    if signer == Signature.Signer.INSPECTOR:
        if inspector is None or not inspection.inspectors.filter(pk=inspector.pk).exists():
            raise DomainError("inspection.not_an_inspector", "签字人不是本次检查的执法人员", field="inspector")
        name = str(inspector)
        Signature.objects.filter(inspection=inspection, inspector=inspector).delete()
    elif signer == Signature.Signer.PRINCIPAL:
        name = (name or inspection.principal_name or "").strip()
        if not name:
            raise DomainError("inspection.principal_name", "请填写被检查单位负责人姓名", field="name")
        Signature.objects.filter(inspection=inspection, signer=signer).delete()
        inspection.principal_name, inspection.principal_refused, inspection.refusal_note = name, False, ""
        inspection.save(update_fields=["principal_name", "principal_refused", "refusal_note", "updated_at"])
    else:
        raise DomainError("inspection.bad_signer", "签字人类别有误", field="signer")
    try:
        checked = check_upload(_signature_png(image_data), images_only=True)
    except UploadRejected as exc:
        raise DomainError("inspection.signature_bad", str(exc), field="image") from None
    signature = Signature(
        inspection=inspection, signer=signer, inspector=inspector, name=name[:64], signed_at=timezone.now()
    )
    signature.image.save(checked.stored_name, checked.as_file(), save=False)
    signature.save()
    audit_record(action="inspection_sign", obj=inspection, actor=actor, after={"signer": signer, "name": name})
    return signature


def _county_officers(region_code: str) -> list[int]:
    """The county roles of the county the record lies in (who the refusal is reported to)."""
    rows = User.objects.filter(is_active=True, role__in=[Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR]).values_list(
        "pk", "region_id"
    )
    return [pk for pk, region in rows if region and same_county(region, region_code)]


@transaction.atomic
def principal_refuse(*, actor, inspection: Inspection, note: str) -> Inspection:
    """安全生产法 Art. 68: the principal refuses to sign — the refusal is noted on the record and reported
    (an in-app message to the county's officers, linking to the inspection)."""
    _require_role(actor, "change")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _editable(inspection)
    note = (note or "").strip()
    if not note:
        raise DomainError("inspection.refusal_note", "请记录拒绝签字的情况", field="refusal_note")
    if len(note) > 200:
        raise DomainError("inspection.refusal_note", "拒绝签字情况不超过 200 字", field="refusal_note")
    Signature.objects.filter(inspection=inspection, signer=Signature.Signer.PRINCIPAL).delete()
    inspection.principal_refused, inspection.refusal_note = True, note
    inspection.save(update_fields=["principal_refused", "refusal_note", "updated_at"])
    audit_record(action="inspection_refusal", obj=inspection, actor=actor, after={"refusal_note": note})
    message = Message(
        category="task",
        title=f"{inspection.enterprise} 负责人拒绝在现场检查记录上签字",
        body=f"{inspection.inspected_on:%Y-%m-%d} 检查，执法人员记录：{note}（安全生产法第六十八条）",
        link=reverse("enforcement:inspection_detail", args=[inspection.pk]),
        dedupe_key=f"inspection:{inspection.pk}:refusal",
    )
    notify_many([(uid, message) for uid in _county_officers(inspection.region_id)])
    return inspection


def supervising_leader(inspection: Inspection) -> str:
    configured = (getattr(settings, "ANLAN_ENFORCEMENT_SUPERVISING_LEADER", "") or "").strip()
    return configured or (str(inspection.leader) if inspection.leader_id else "")


def _hazard_for(actor, inspection: Inspection, finding: Finding, *, backdated: bool = False) -> HiddenHazard:
    enterprise = inspection.enterprise
    hazard = HiddenHazard(
        title=finding.title,
        description=finding.description or f"{inspection.inspected_on:%Y-%m-%d} 执法检查发现：{finding.title}",
        region=enterprise.region,
        level=finding.level,
        source=HiddenHazard.Source.INSPECTION,
        deadline=finding.deadline,
        lon=finding.lon if finding.lon is not None else enterprise.lon,
        lat=finding.lat if finding.lat is not None else enterprise.lat,
        enterprise=enterprise,
        department=enterprise.department,
    )
    if finding.level == Finding.Level.MAJOR:  # 挂牌督办 from the start (the assign step requires it)
        hazard.supervising_unit = bureau_name()[:100]
        hazard.supervising_leader = supervising_leader(inspection)[:64]
    if backdated:
        # The demo records inspections of past months: their deadlines were "not past" on the inspection
        # day, which is when the rule applied. Marking the value as loaded keeps the rule for every other use.
        hazard._loaded_deadlines = {"deadline": finding.deadline}
    return hazard_services.hazard_report(actor=actor, hazard=hazard)


def _issue(actor, inspection: Inspection, kind: str, on: dt.date, content: dict) -> IssuedDocument:
    return numbering.issue_document(
        actor=actor,
        kind=kind,
        region=inspection.region,
        issued_on=on,
        inspection=inspection,
        enterprise=inspection.enterprise,
        department=inspection.department,
        content=content,
    )


def _record_hazards_and_documents(actor, inspection: Inspection, *, backdated: bool) -> dict[str, IssuedDocument]:
    findings = list(inspection.findings.select_related("checklist_item").order_by("id"))
    for finding in findings:
        finding.hazard = _hazard_for(actor, inspection, finding, backdated=backdated)
        finding.save(update_fields=["hazard", "updated_at"])
    on = inspection.inspected_on
    rows = [
        {
            "title": f.title,
            "level": f.get_level_display(),
            "measure": f.get_measure_display(),
            "deadline": str(f.deadline),
        }
        for f in findings
    ]
    issued = {
        "record": _issue(
            actor,
            inspection,
            DocumentKind.INSPECTION_RECORD,
            on,
            {
                "findings": rows,
                "principal_refused": inspection.principal_refused,
                "refusal_note": inspection.refusal_note,
            },
        )
    }
    on_spot = [r for f, r in zip(findings, rows, strict=True) if f.measure in ON_SPOT_MEASURES]
    if on_spot:
        issued["on_spot"] = _issue(actor, inspection, DocumentKind.ON_SPOT_DECISION, on, {"findings": on_spot})
    ordered = [r for f, r in zip(findings, rows, strict=True) if f.measure == Finding.Measure.DEADLINE]
    if ordered:
        issued["order"] = _issue(actor, inspection, DocumentKind.RECTIFICATION_ORDER, on, {"findings": ordered})
    return issued


@transaction.atomic
def inspection_complete(*, actor, inspection: Inspection, backdated: bool = False) -> dict[str, IssuedDocument]:
    """签字确认: the findings become hidden hazards (status reported, source 执法检查), the documents get
    their numbers; without findings the inspection is closed at once."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    before = snapshot(inspection)
    flow.FLOW.apply(actor, inspection, "complete")
    return _signed(actor, inspection, action="inspection_complete", before=before, backdated=backdated)


def _signed(actor, inspection: Inspection, *, action: str, before, backdated: bool) -> dict[str, IssuedDocument]:
    """What signing does, on the phone (签字确认) or for a paper record entered at once: the findings become
    hazards and the documents are numbered; an inspection without findings closes at once; audited."""
    inspection.signed_at = timezone.now()
    issued = _record_hazards_and_documents(actor, inspection, backdated=backdated)
    if not inspection.findings.exists():
        inspection.status, inspection.closed_at = flow.CLOSED, inspection.signed_at
    inspection.save()
    audit_record(
        action=action,
        obj=inspection,
        actor=actor,
        before=before,
        after={**snapshot(inspection), "documents": [d.number for d in issued.values()]},
    )
    return issued


@transaction.atomic
def inspection_close(*, actor, inspection: Inspection, opinion: str, on: dt.date | None = None) -> IssuedDocument:
    """复查办结: every hazard of the inspection closed; issues the 整改复查意见书 with the opinion."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    opinion = (opinion or "").strip()
    flow.FLOW.apply(actor, inspection, "close", opinion=opinion)
    on = on or timezone.localdate()
    hazards = [
        {"title": f.hazard.title, "closed_at": f"{timezone.localtime(f.hazard.closed_at):%Y-%m-%d}"}
        for f in inspection.findings.select_related("hazard").order_by("id")
        if f.hazard_id and f.hazard.closed_at
    ]
    document = _issue(
        actor, inspection, DocumentKind.REINSPECTION_OPINION, on, {"opinion": opinion, "hazards": hazards}
    )
    inspection.closed_at = timezone.now()
    inspection.save()
    audit_record(
        action="inspection_close",
        obj=inspection,
        actor=actor,
        after={"status": inspection.status, "opinion": opinion, "document": document.number},
    )
    return document


@transaction.atomic
def inspection_record(
    *, actor, enterprise_id, inspectors: list[str], inspected_on: dt.date, findings: list[dict], backdated=False
) -> Inspection:
    """CONTRACT `POST /api/v1/enforcement/inspections/`: an inspection made (and signed on paper) recorded
    at once — its findings become hazards and its documents are numbered, as on completing the phone flow.
    Any refusal raises before anything is kept (one transaction)."""
    _require_role(actor)
    if not backdated and inspected_on < timezone.localdate() - dt.timedelta(days=RECORD_WITHIN_DAYS):
        # A sanity bound on typed dates (a paper record entered late), not a statutory period.
        raise DomainError("inspection.too_old", "只能录入一年内的检查", field="inspected_on")
    enterprise = enterprise_in_scope(actor, enterprise_id)
    officers = inspectors_named(inspectors, on=inspected_on)
    inspection = inspection_start(actor=actor, enterprise=enterprise, inspectors=officers, inspected_on=inspected_on)
    for n, f in enumerate(findings):
        if f["deadline"] < inspected_on:
            raise DomainError("inspection.bad_deadline", f"第 {n + 1} 项问题的整改期限早于检查日期", field="findings")
        if not backdated and f["deadline"] < timezone.localdate():
            raise DomainError("inspection.bad_deadline", f"第 {n + 1} 项问题的整改期限已过", field="findings")
        Finding.objects.create(
            inspection=inspection,
            title=f["title"],
            description=f.get("description", ""),
            level=f["level"],
            measure=f.get("measure") or Finding.Measure.DEADLINE,
            deadline=f["deadline"],
        )
    inspection.status = flow.SIGNED
    _signed(actor, inspection, action="inspection_record", before=None, backdated=backdated)
    return inspection


ACTIONS = {
    "inspection_start": "开始执法检查",
    "inspection_answers": "填写检查表",
    "inspection_finding": "记录检查发现问题",
    "inspection_finding_remove": "删除检查发现问题",
    "inspection_photo": "上传问题照片",
    "inspection_sign": "检查记录签字",
    "inspection_refusal": "负责人拒绝签字",
    "inspection_record": "录入执法检查",
}

register_actions(ACTIONS)
