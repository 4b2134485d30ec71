"""Hidden-hazard services: report, the workflow steps, photos and the daily overdue check.

Every step writes a HazardEvent (the hazard's own history, kept with every deadline) and an audit entry,
in the same transaction as the change.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.officers import above_holder, active_officers
from anlan.core.audit import AuditItem, actor_name, append, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.roles import Role
from anlan.core.uploads import CheckedUpload, UploadRejected, check_upload
from anlan.inbox.services import Message, notify_many

from . import workflow
from .models import HazardEvent, HazardPhoto, HiddenHazard


def _event(hazard, *, action, actor, before_status, comment="", deadline_before=None, deadline_after=None):
    return HazardEvent.objects.create(
        hazard=hazard,
        action=action,
        from_status=before_status,
        to_status=hazard.status,
        actor_name=actor_name(actor),
        comment=comment,
        deadline_before=deadline_before,
        deadline_after=deadline_after,
    )


@transaction.atomic
def hazard_report(*, actor, hazard: HiddenHazard) -> HiddenHazard:
    """Record a newly found hazard (status reported)."""
    hazard.status = workflow.REPORTED
    if actor is not None and not isinstance(actor, str):
        hazard.reporter = actor
        hazard.reporter_name = hazard.reporter_name or actor_name(actor)
    hazard.full_clean()
    hazard.save()
    _event(hazard, action="report", actor=actor, before_status="", deadline_after=hazard.deadline)
    audit_record(action="hazard_report", obj=hazard, actor=actor, after=snapshot(hazard))
    return hazard


def _date(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError("hazard.bad_date", f"{field} 日期格式应为 YYYY-MM-DD：{value}") from None


@transaction.atomic
def hazard_transition(*, actor, hazard: HiddenHazard, action: str, comment: str = "", **data) -> HiddenHazard:
    """Take one step of workflow.FLOW (who, state and requirements are the table's); DomainError if refused."""
    hazard = HiddenHazard.objects.select_for_update().get(pk=hazard.pk)
    for name in ("deadline", "new_deadline"):
        if name in data:
            data[name] = _date(data[name], name)
    before = snapshot(hazard)
    before_status, deadline_before = hazard.status, hazard.deadline
    workflow.FLOW.apply(actor, hazard, action, comment=comment, **data)
    if action == "assign":
        hazard.responsible = data.get("responsible") or hazard.responsible
        hazard.measures = data.get("measures") or hazard.measures
        hazard.deadline = data.get("deadline") or hazard.deadline
        if hazard.level == HiddenHazard.Level.MAJOR:
            hazard.supervising_unit = data.get("supervising_unit") or hazard.supervising_unit
            hazard.supervising_leader = data.get("supervising_leader") or hazard.supervising_leader
    elif action == "submit":
        hazard.measures = data.get("measures") or hazard.measures
    elif action == "request_extension":
        hazard.pending_deadline = data["new_deadline"]
    elif action in ("approve_extension", "refuse_extension"):
        if action == "approve_extension":
            hazard.deadline = hazard.pending_deadline
        hazard.pending_deadline = None
    hazard.closed_at = timezone.now() if hazard.status == workflow.CLOSED else None
    # The model's rules, as on report: text within each field's length (never cut), a deadline set or
    # moved now not already past (整改期限, 申请延期至). A refusal rolls the whole step back.
    hazard.full_clean()
    hazard.save()
    _event(
        hazard,
        action=action,
        actor=actor,
        before_status=before_status,
        comment=comment,
        deadline_before=deadline_before,
        deadline_after=hazard.deadline if hazard.deadline != deadline_before or action == "assign" else None,
    )
    after = snapshot(hazard)
    changed = {k for k in after if after[k] != before.get(k) and k != "updated_at"}
    audit_record(
        action=f"hazard_{action}",
        obj=hazard,
        actor=actor,
        before={k: before.get(k) for k in changed},
        after={**{k: after[k] for k in changed}, "comment": comment},
    )
    return hazard


def check_photo(upload) -> CheckedUpload:
    """A JPEG or PNG within the size limit, re-encoded (core.uploads); DomainError otherwise."""
    try:
        return check_upload(upload, images_only=True)
    except UploadRejected as exc:
        raise DomainError("hazard.photo_rejected", str(exc).replace("文件", "照片"), field="image") from None


@transaction.atomic
def photo_add(*, actor, hazard: HiddenHazard, stage: str, upload) -> HazardPhoto:
    if stage not in HazardPhoto.Stage.values:
        raise DomainError("hazard.bad_photo_stage", "stage 应为 before（整改前）或 after（整改后）", field="image")
    if hazard.status == workflow.CLOSED:
        raise DomainError("hazard.closed", "已销号的隐患不能再上传照片", field="image")
    checked = upload if isinstance(upload, CheckedUpload) else check_photo(upload)
    photo = HazardPhoto(hazard=hazard, stage=stage, extension=checked.extension, uploaded_by=actor_name(actor))
    photo.image.save(checked.stored_name, checked.as_file(), save=False)
    photo.save()
    audit_record(action="hazard_photo", obj=hazard, actor=actor, after={"stage": stage, "file": photo.image.name})
    return photo


@transaction.atomic
def overdue_mark(*, today: dt.date | None = None) -> list[HiddenHazard]:
    """The daily job: record an 'overdue' event once per hazard per missed deadline, and tell the
    superiors of whoever holds it (see superiors_of)."""
    today = today or timezone.localdate()
    late = list(
        HiddenHazard.objects.exclude(status=workflow.CLOSED)
        .filter(deadline__lt=today)
        .select_related("region")
        .select_for_update(of=("self",))
    )
    marked = HazardEvent.objects.filter(hazard__in=late, action="overdue").values_list("hazard_id", "deadline_before")
    already = set(marked)
    newly = [h for h in late if (h.pk, h.deadline) not in already]
    HazardEvent.objects.bulk_create(
        [
            HazardEvent(
                hazard=h,
                action="overdue",
                from_status=h.status,
                to_status=h.status,
                actor_name="系统",
                comment=f"已超过整改期限 {h.deadline}",
                deadline_before=h.deadline,
            )
            for h in newly
        ]
    )
    append(
        [
            AuditItem(
                "hazard_overdue",
                "hazards.hiddenhazard",
                str(h.pk),
                str(h)[:255],
                h.region_id,
                None,
                {"deadline": h.deadline.isoformat()},
            )
            for h in newly
        ],
        actor="系统",
    )
    _notify_overdue(newly)
    return newly


def superiors_of(hazards: list[HiddenHazard]) -> dict[int, set[int]]:
    """Hazard id → ids of the active users one level above whoever holds it.

    A village's hazard goes to its township's officers; a township's (or enterprise's) to the county
    roles; a hazard with a supervising department also to that department's operators; a major hazard
    always to the county roles too (it is verified there). One query whatever the number of hazards.
    """
    officers = active_officers([*workflow.COUNTY, Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR])
    return {
        h.pk: {
            o.pk
            for o in officers
            if above_holder(o, h.region_id, h.department_id, major=h.level == HiddenHazard.Level.MAJOR)
        }
        for h in hazards
    }


def _notify_overdue(hazards: list[HiddenHazard]) -> None:
    if not hazards:
        return
    recipients = superiors_of(hazards)
    pairs = []
    for h in hazards:
        message = Message(
            category="hazard_overdue",
            title=f"隐患逾期：{h.title}（{h.region.name}）",
            body=f"{h.get_level_display()}，整改期限 {h.deadline}，当前状态“{h.get_status_display()}”，"
            f"整改责任人：{h.responsible or '未指定'}。请督促整改。",
            link=reverse("hazards:handle", kwargs={"pk": h.pk}),
            dedupe_key=f"hazard-overdue:{h.pk}:{h.deadline.isoformat()}",
        )
        pairs += [(user_id, message) for user_id in recipients[h.pk]]
    notify_many(pairs)


def overdue_job(today: dt.date) -> str:
    newly = overdue_mark(today=today)
    return f"新增逾期隐患 {len(newly)} 条，已提醒上级"
