"""The duty log (值班日志, 接报传跟): writing entries, closing them, and linking them to the incident or
hidden hazard they became. Every write is audited in its transaction.

Only the desk roles (models.DESK_ROLES) write, each at a desk in their own area: the county's officers at
the county desk and any township desk of the county, a township's at its own. Those who may read (the
desks, departments, read-only leaders: DESK_READERS) see the entries of the desks in their scope.
"""

import datetime as dt

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import audit_changes, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.regioncodes import region_prefix
from anlan.core.services import object_create
from anlan.geo.models import Region, RegionLevel

from .models import DESK_ROLES, LogEntry
from .sources import OpenItem, on_day

EDITABLE = (
    *("kind", "occurred_at", "caller", "unit", "phone", "event_kind", "place", "region"),
    *("content", "action_taken", "requested", "follow_up_by", "related"),
)
DESK_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)


# ---------------------------------------------------------------- who writes where


def keeps_desks(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or getattr(user, "role", None) in DESK_ROLES)


def writable_desks(user) -> QuerySet[Region]:
    """The desks `user` keeps a log at: county or township regions in their own subtree."""
    qs = Region.objects.filter(level__in=DESK_LEVELS).order_by("code")
    if user.is_superuser:
        return qs
    if not keeps_desks(user) or not user.region_id:
        return qs.none()
    return qs.filter(code__startswith=region_prefix(user.region_id))


def home_desk(user) -> str | None:
    """The desk a user works at by default: their own region when it is a desk, else the one above."""
    if not user.region_id:
        return None
    code = user.region_id
    return code if code[9:] == "000" else code[:9] + "000"


def require_desk(actor, desk: str) -> Region:
    """The desk's region if `actor` keeps its log, else a refusal naming why."""
    if not keeps_desks(actor):
        raise NotAllowed("duty.role_not_allowed", "只有县级和乡镇（街道）值班人员可以记录值班日志和交接班")
    region = Region.objects.filter(code=desk).first()
    if region is None or region.level not in DESK_LEVELS:
        raise DomainError("duty.not_a_desk", "值班席位应为县或乡镇（街道）", field="desk")
    if not writable_desks(actor).filter(code=desk).exists():
        raise NotAllowed("duty.desk_outside_scope", f"{region.name}值班席位不在您的管辖范围内")
    return region


def _check(entry: LogEntry) -> None:
    if entry.region_id and not entry.region_id.startswith(region_prefix(entry.desk_id)):
        raise DomainError("duty.region_outside_desk", "所在区划应在本值班席位辖区内", field="region")
    if entry.follow_up_by and entry.follow_up_by < entry.occurred_at:
        raise DomainError("duty.follow_up_before_entry", "跟进时限不能早于记录时间", field="follow_up_by")
    if entry.occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise DomainError("duty.entry_in_future", "记录时间不能晚于当前时间", field="occurred_at")
    if entry.related_id and entry.related.desk_id != entry.desk_id:
        raise DomainError("duty.related_other_desk", "关联记录应为本值班席位的日志", field="related")


def _minute(value: dt.datetime) -> dt.datetime:
    """The log is kept to the minute (a call at 09:41, not 09:41:27)."""
    return value.replace(second=0, microsecond=0)


# ---------------------------------------------------------------- writing


@transaction.atomic
def entry_create(*, actor, desk: str, content: str, occurred_at: dt.datetime | None = None, **fields) -> LogEntry:
    """Record one call, report, relay or follow-up at `desk` (to the minute; now by default)."""
    require_desk(actor, desk)
    unknown = sorted(set(fields) - set(EDITABLE) - {"status"})
    if unknown:
        raise DomainError("duty.unknown_field", f"未知字段：{unknown[0]}", field=unknown[0])
    if not (content or "").strip():
        raise DomainError("duty.content_required", "请填写内容（来电所述）", field="content")
    entry = LogEntry(
        desk_id=desk,
        content=content.strip(),
        occurred_at=_minute(occurred_at or timezone.now()),
        recorded_by=actor,
        **fields,
    )
    _check(entry)
    return object_create(actor=actor, instance=entry)


def entry_for(user, pk, action: str = "view") -> LogEntry:
    """One entry the user may see (or change): 404 otherwise, as every page outside scope."""
    entry = LogEntry.objects.restrict(user, action).select_related("desk", "region", "event_kind").filter(pk=pk).first()
    if entry is None:
        raise DomainError("duty.entry_not_found", "值班日志不存在或不在您的管辖范围内", status=404)
    return entry


def _locked(actor, entry: LogEntry) -> LogEntry:
    require_desk(actor, entry.desk_id)
    return LogEntry.objects.select_for_update().get(pk=entry.pk)


def _save(actor, entry: LogEntry, before: dict, action: str) -> LogEntry:
    entry.full_clean()
    entry.save()
    # Closing or reopening is itself the event: audited even when no field changed.
    audit_changes(action=action, obj=entry, actor=actor, before=before, after=snapshot(entry), even_if_unchanged=True)
    return entry


@transaction.atomic
def entry_update(*, actor, entry: LogEntry, **changes) -> LogEntry:
    """Correct or complete an entry (what was done, the follow-up time …); the desk and who recorded it stay."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DomainError("duty.field_not_editable", f"不能修改此项：{unknown[0]}", field=unknown[0])
    entry = _locked(actor, entry)
    before = snapshot(entry)
    for name, value in changes.items():
        setattr(entry, name, value)
    if "occurred_at" in changes:
        entry.occurred_at = _minute(entry.occurred_at)
    _check(entry)
    return _save(actor, entry, before, "duty_log_update")


@transaction.atomic
def entry_close(*, actor, entry: LogEntry, action_taken: str = "") -> LogEntry:
    """办结: the matter is followed up; what was done is added to the entry."""
    entry = _locked(actor, entry)
    if entry.status == LogEntry.Status.DONE:
        raise DomainError("duty.entry_already_done", "该记录已办结")
    before = snapshot(entry)
    if action_taken.strip():
        entry.action_taken = f"{entry.action_taken}\n{action_taken.strip()}".strip()
    if not entry.action_taken:
        raise DomainError("duty.action_required", "办结前请填写处理情况", field="action_taken")
    entry.status = LogEntry.Status.DONE
    return _save(actor, entry, before, "duty_log_close")


@transaction.atomic
def entry_reopen(*, actor, entry: LogEntry) -> LogEntry:
    entry = _locked(actor, entry)
    if entry.status == LogEntry.Status.OPEN:
        raise DomainError("duty.entry_already_open", "该记录尚未办结")
    before = snapshot(entry)
    entry.status = LogEntry.Status.OPEN
    return _save(actor, entry, before, "duty_log_reopen")


@transaction.atomic
def entry_link_incident(*, actor, entry: LogEntry, number: str, link: str) -> LogEntry:
    """转为事件: incidents tells the entry which incident it became (in the incident's transaction)."""
    entry = _locked(actor, entry)
    if entry.incident_number:
        raise DomainError("duty.entry_already_incident", f"该记录已转为事件 {entry.incident_number}")
    before = snapshot(entry)
    entry.incident_number, entry.incident_link = number, link
    return _save(actor, entry, before, "duty_log_to_incident")


@transaction.atomic
def entry_link_hazard(*, actor, entry: LogEntry, hazard) -> LogEntry:
    """转为隐患: the hidden hazard reported from the entry (hazards.services.hazard_report, same transaction)."""
    entry = _locked(actor, entry)
    if entry.hazard_id:
        raise DomainError("duty.entry_already_hazard", "该记录已转为隐患")
    before = snapshot(entry)
    entry.hazard = hazard
    return _save(actor, entry, before, "duty_log_to_hazard")


# ---------------------------------------------------------------- reading


def entries(user) -> QuerySet[LogEntry]:
    return LogEntry.objects.restrict(user).select_related("desk", "region", "event_kind", "recorded_by")


def open_entries(desk: str, at: dt.datetime) -> list[OpenItem]:
    """Open item source: entries of the desk recorded by `at` and not yet 办结 (a follow-up past its time
    says so)."""
    rows = LogEntry.objects.filter(desk_id=desk, status=LogEntry.Status.OPEN, occurred_at__lte=at).order_by(
        "occurred_at"
    )
    items = []
    for e in rows:
        who = e.unit or e.caller or ""
        late = "（已超过跟进时限）" if e.follow_up_by and e.follow_up_by < at else ""
        stamp = timezone.localtime(e.occurred_at).strftime("%m-%d %H:%M")
        items.append(
            OpenItem(
                kind="log",
                title=f"{stamp} {e.get_kind_display()[0]}{('·' + who) if who else ''}：{e.content[:60]}{late}",
                link=reverse("duty:log_detail", kwargs={"pk": e.pk}),
                since=e.occurred_at,
                key=f"log:{e.pk}",
            )
        )
    return items


def day_entries(desk: str, day: dt.date) -> QuerySet[LogEntry]:
    """The entries of the desk's subtree on one local day (the county's 值班日报 includes the townships')."""
    return (
        LogEntry.objects.filter(desk__pk__startswith=region_prefix(desk), **on_day("occurred_at", day))
        .select_related("desk", "event_kind")
        .order_by("occurred_at", "id")
    )
