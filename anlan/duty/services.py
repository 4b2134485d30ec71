"""Writing rosters (排班): shifts one by one or a month from Excel, swaps (换班) through their workflow, and a
desk's settings. Each write is one transaction with its audit entry; a refusal is a DomainError naming
the field (a 400 in the API, the message on the page), and nothing partial is written.

The rules (roster.py): a desk is a county or township; county roles roster the county desk and every
township desk, a township its own; the person rostered belongs to the desk's area; a shift ends after it
starts. Conflicts (one person on two desks at once, no leader) are not refused: they are shown, because a
plan is often entered in pieces; `roster.conflicts` lists them.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import AuditItem, append, audit_changes, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed

from . import roster
from .models import DeskSetting, Post, Shift, Swap
from .workflow import SWAP


def _check_post(post: str) -> None:
    if post not in Post.values:
        choices = "、".join(f"{v}（{label}）" for v, label in Post.choices)
        raise DomainError("duty.bad_post", f"岗位应为 {choices} 之一", field="post")


@transaction.atomic
def shift_create(
    *, actor, desk: str, user: User, post: str, starts: dt.datetime, ends: dt.datetime, note: str = ""
) -> Shift:
    """Put `user` on `post` at `desk` from `starts` to `ends`."""
    region = roster.desk_region(desk)
    roster.require_roster_right(actor, region.code)
    _check_post(post)
    roster.check_times(starts, ends)
    roster.check_person(user, region.code)
    shift = Shift.objects.create(desk=region, user=user, post=post, starts=starts, ends=ends, note=note[:200])
    audit_record(action="shift_create", obj=shift, actor=actor, after=snapshot(shift))
    return shift


@transaction.atomic
def shift_update(*, actor, shift: Shift, **changes) -> Shift:
    """Change a shift's person, post, times or note (not its desk: delete and add on the other desk)."""
    unknown = set(changes) - {"user", "post", "starts", "ends", "note"}
    if unknown:
        raise DomainError("duty.field_not_changeable", "不能修改此项", field=sorted(unknown)[0])
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    roster.require_roster_right(actor, shift.desk_id)
    before = snapshot(shift)
    for name, value in changes.items():
        setattr(shift, name, value)
    _check_post(shift.post)
    roster.check_times(shift.starts, shift.ends)
    if "user" in changes:
        roster.check_person(shift.user, shift.desk_id)
    shift.save()
    audit_changes(action="shift_update", obj=shift, actor=actor, before=before, after=snapshot(shift))
    return shift


@transaction.atomic
def shift_delete(*, actor, shift: Shift) -> None:
    shift = Shift.objects.select_for_update().get(pk=shift.pk)
    roster.require_roster_right(actor, shift.desk_id)
    audit_record(action="shift_delete", obj=shift, actor=actor, before=snapshot(shift))
    shift.delete()


def roster_import(*, actor, desk: str, year: int, month: int, uploaded) -> list[Shift]:
    """Replace the desk's roster for the month with the Excel sheet's: every row is checked first
    (roster.parse_roster raises ImportRejected with a row-by-row report), then the month's shifts are
    replaced in one transaction, audited as one entry per shift."""
    region = roster.desk_region(desk)
    roster.require_roster_right(actor, region.code)
    planned = roster.parse_roster(uploaded, region, year, month)
    with transaction.atomic():
        old = list(roster.month_shifts(region.code, year, month))
        items = [
            AuditItem("shift_delete", "duty.shift", str(s.pk), str(s), region.code, snapshot(s), None) for s in old
        ]
        Shift.objects.filter(pk__in=[s.pk for s in old]).delete()
        created = Shift.objects.bulk_create(
            [Shift(desk=region, user=p.user, post=p.post, starts=p.starts, ends=p.ends, note=p.note) for p in planned]
        )
        if created and created[0].pk is None:  # databases that return no ids from a bulk insert
            created = list(roster.month_shifts(region.code, year, month))
        items += [
            AuditItem("shift_create", "duty.shift", str(s.pk), str(s), region.code, None, snapshot(s)) for s in created
        ]
        append(items, actor=actor)
    return created


# ---------------------------------------------------------------- swaps


@transaction.atomic
def swap_request(*, actor, shift: Shift, replacement: User, reason: str) -> Swap:
    """换班申请: the person on the shift, or whoever keeps the desk's roster, asks to hand the shift to
    `replacement` (who must belong to the desk's area)."""
    shift = Shift.objects.select_for_update().select_related("desk").get(pk=shift.pk)
    if shift.user_id != actor.pk and not roster.may_roster(actor, shift.desk_id):
        raise NotAllowed("swap.not_yours", "只能为本人的班次申请换班")
    if shift.ends <= timezone.now():
        raise DomainError("swap.shift_over", "该班次已结束，不能再换班", field="shift")
    if replacement.pk == shift.user_id:
        raise DomainError("swap.same_person", "替班人员不能是原值班人员", field="replacement")
    roster.check_person(replacement, shift.desk_id, field_name="replacement")
    if not (reason or "").strip():
        raise DomainError("swap.reason_required", "请填写换班理由", field="reason")
    if shift.swaps.filter(status=Swap.Status.PENDING).exists():
        raise DomainError("swap.already_pending", "该班次已有待审批的换班申请", field="shift")
    swap = Swap.objects.create(shift=shift, requested_by=actor, replacement=replacement, reason=reason.strip()[:200])
    audit_record(action="swap_request", obj=swap, actor=actor, after=snapshot(swap))
    return swap


@transaction.atomic
def swap_decide(*, actor, swap: Swap, action: str, note: str = "") -> Swap:
    """approve (the replacement takes the shift), reject or withdraw (the asker)."""
    swap = Swap.objects.select_for_update().select_related("shift", "shift__desk").get(pk=swap.pk)
    SWAP.apply(actor, swap, action)
    if action != "withdraw":
        swap.decided_by, swap.decided_at = actor, timezone.now()
    swap.decision_note = (note or "").strip()[:200]
    swap.save()
    after = {"status": swap.status, "decision_note": swap.decision_note}
    if action == "approve":
        shift = Shift.objects.select_for_update().get(pk=swap.shift_id)
        roster.check_person(swap.replacement, shift.desk_id, field_name="replacement")
        after |= {"from_user": shift.user_id, "to_user": swap.replacement_id}
        shift.user = swap.replacement
        shift.save(update_fields=["user", "updated_at"])
    audit_record(action=f"swap_{action}", obj=swap, actor=actor, after=after)
    return swap


# ---------------------------------------------------------------- desk settings


@transaction.atomic
def desk_setting_update(
    *, actor, desk: str, fallback: list[User] | None = None, voice_after_minutes: int | None = None
) -> DeskSetting:
    """Set whom a desk's messages reach when nobody is on duty, and after how long unread urgent messages
    become voice calls."""
    region = roster.desk_region(desk)
    roster.require_roster_right(actor, region.code)
    setting, _ = DeskSetting.objects.select_for_update().get_or_create(desk=region)
    before = snapshot(setting, with_m2m=True)
    if voice_after_minutes is not None:
        if not 1 <= int(voice_after_minutes) <= 240:
            raise DomainError(
                "duty.bad_voice_after", "未读转语音外呼时间应为 1 到 240 分钟", field="voice_after_minutes"
            )
        setting.voice_after_minutes = int(voice_after_minutes)
    setting.save()
    if fallback is not None:
        for user in fallback:
            roster.check_person(user, region.code, field_name="fallback")
        setting.fallback.set(fallback)
    audit_record(
        action="desk_setting_update", obj=setting, actor=actor, before=before, after=snapshot(setting, with_m2m=True)
    )
    return setting
