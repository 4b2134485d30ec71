"""Hidden-hazard services: report, the workflow steps, photos and the daily overdue check.

Every step writes a HazardEvent (the hazard's own history, kept with every deadline) and an audit entry,
in the same transaction as the change.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import AuditItem, actor_name, append, audit_record, snapshot
from anlan.core.roles import Role
from anlan.core.uploads import CheckedUpload, UploadRejected, check_upload
from anlan.inbox.services import Message, notify_many

from . import workflow
from .models import HazardEvent, HazardPhoto, HiddenHazard


class HazardError(Exception):
    """Bad input for a step (a 400), with a Chinese message."""


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
        raise HazardError(f"{field} 日期格式应为 YYYY-MM-DD：{value}") from None


@transaction.atomic
def hazard_transition(*, actor, hazard: HiddenHazard, action: str, comment: str = "", **data) -> HiddenHazard:
    """Take one workflow step. Raises workflow.TransitionError (role/state) or HazardError (input)."""
    hazard = HiddenHazard.objects.select_for_update().get(pk=hazard.pk)
    step = workflow.check(
        action,
        status=hazard.status,
        level=hazard.level,
        role=getattr(actor, "role", ""),
        superuser=getattr(actor, "is_superuser", False),
    )
    before = snapshot(hazard)
    before_status, deadline_before = hazard.status, hazard.deadline
    if action == "assign":
        hazard.responsible = data.get("responsible") or hazard.responsible
        hazard.measures = data.get("measures") or hazard.measures
        hazard.deadline = _date(data.get("deadline"), "deadline") or hazard.deadline
        if hazard.level == HiddenHazard.Level.MAJOR:
            hazard.supervising_unit = data.get("supervising_unit") or hazard.supervising_unit
            hazard.supervising_leader = data.get("supervising_leader") or hazard.supervising_leader
            if not (hazard.supervising_unit and hazard.supervising_leader):
                raise HazardError(
                    "重大隐患须挂牌督办：请填写督办单位（supervising_unit）和督办领导（supervising_leader）"
                )
        if not hazard.responsible:
            raise HazardError("请指定整改责任人（responsible）")
    elif action == "submit":
        hazard.measures = data.get("measures") or hazard.measures
        if not (hazard.measures or comment):
            raise HazardError("提交整改时请说明整改措施（measures 或 comment）")
    elif action in ("verify", "reject"):
        if action == "reject" and not comment:
            raise HazardError("验收不通过须填写意见（comment）")
    elif action == "request_extension":
        wanted = _date(data.get("new_deadline"), "new_deadline")
        if wanted is None or wanted <= hazard.deadline:
            raise HazardError("申请延期须给出晚于当前期限的新期限（new_deadline）")
        if hazard.pending_deadline:
            raise HazardError(f"已有待审批的延期申请（至 {hazard.pending_deadline}）")
        hazard.pending_deadline = wanted
    elif action in ("approve_extension", "refuse_extension"):
        if not hazard.pending_deadline:
            raise HazardError("没有待审批的延期申请")
        if action == "approve_extension":
            hazard.deadline = hazard.pending_deadline
        hazard.pending_deadline = None
    if step.target:
        hazard.status = step.target
    hazard.closed_at = timezone.now() if hazard.status == workflow.CLOSED else None
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
    """A JPEG or PNG within the size limit, re-encoded (core.uploads); HazardError otherwise."""
    try:
        return check_upload(upload, images_only=True)
    except UploadRejected as exc:
        raise HazardError(str(exc).replace("文件", "照片")) from None


@transaction.atomic
def photo_add(*, actor, hazard: HiddenHazard, stage: str, upload) -> HazardPhoto:
    if stage not in HazardPhoto.Stage.values:
        raise HazardError("stage 应为 before（整改前）或 after（整改后）")
    if hazard.status == workflow.CLOSED:
        raise HazardError("已销号的隐患不能再上传照片")
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


def _is_superior(role: str, region: str, department, hazard: HiddenHazard) -> bool:
    """Whether a user (role, region code, department id) is one level above whoever holds `hazard`."""
    if region[:6] != hazard.region_id[:6]:
        return False
    at_village = hazard.region_id[9:] != "000"
    if role == Role.TOWNSHIP_OPERATOR:
        return at_village and region == hazard.region_id[:9] + "000"
    if role in workflow.COUNTY:
        return not at_village or hazard.level == HiddenHazard.Level.MAJOR
    if role == Role.DEPARTMENT_OPERATOR:
        return bool(hazard.department_id) and department == hazard.department_id
    return False


def superiors_of(hazards: list[HiddenHazard]) -> dict[int, set[int]]:
    """Hazard id → ids of the active users one level above whoever holds it.

    A village's hazard goes to its township's officers; a township's (or enterprise's) to the county
    roles; a hazard with a supervising department also to that department's operators; a major hazard
    always to the county roles too (it is verified there). One query whatever the number of hazards.
    """
    roles = [*workflow.COUNTY, Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR]
    users = list(
        User.objects.filter(is_active=True, role__in=roles, region__isnull=False).values_list(
            "pk", "role", "region_id", "department_id"
        )
    )
    return {
        h.pk: {pk for pk, role, region, department in users if _is_superior(role, region, department, h)}
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
