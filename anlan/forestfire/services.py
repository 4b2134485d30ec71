"""Writes of 森林防火 (one transaction each, audited): settings read with their documented defaults, the fire
period a day falls in, danger levels (form, Excel, feed) and the draft 森林火险 warning they offer, burn
permits (apply, decide by the §19.3 rule), the in-permit check of a fire, a ranger's fire report."""

import datetime as dt
import math

import shapely
import shapely.affinity
from django.db import transaction
from django.utils import timezone

from anlan.alerts import services as alert_services
from anlan.alerts import wording
from anlan.alerts.models import Warning, WarningTemplate
from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.core.regioncodes import county_of, township_of
from anlan.core.services import objects_bulk_create
from anlan.geo.models import Region, RegionLevel
from anlan.geo.spatial import region_of_point
from anlan.incidents.models import Incident
from anlan.incidents.services import intake, timeline
from anlan.plans.models import IncidentKind

from . import rules
from .models import BurnPermit, DangerLevel, FireSeason, ForestFireSetting, Ranger
from .workflow import FLOW

FIRE_KIND = "森林草原火灾"
WARNING_EVENT = "森林火险"


# ---------------------------------------------------------------- settings and periods


def setting_for(region_code: str) -> ForestFireSetting:
    """The county's settings, or an unsaved one holding the documented defaults."""
    county = county_of(region_code)
    return ForestFireSetting.objects.filter(region_id=county).first() or ForestFireSetting(region_id=county)


def seasons_on(region_code: str, day: dt.date) -> dict[str, FireSeason]:
    """The county's 防火期 and 高火险期 that contain `day`, by kind."""
    found = FireSeason.objects.filter(region_id=county_of(region_code), start__lte=day, end__gte=day).order_by("start")
    return {season.kind: season for season in found}


def season_day(region_code: str, day: dt.date) -> tuple[FireSeason, int] | None:
    """(the 防火期 containing `day`, which day of it: 1 on its first day), or None outside every period."""
    season = seasons_on(region_code, day).get(FireSeason.Kind.PERIOD)
    return (season, (day - season.start).days + 1) if season else None


def high_period_over(region_code: str, start: dt.date, end: dt.date) -> FireSeason | None:
    """The 高火险期 of the county that overlaps [start, end], if any."""
    return (
        FireSeason.objects.filter(
            region_id=county_of(region_code), kind=FireSeason.Kind.HIGH, start__lte=end, end__gte=start
        )
        .order_by("start")
        .first()
    )


# ---------------------------------------------------------------- danger levels


def _townships(codes) -> dict[str, Region]:
    return {
        r.code: r
        for r in Region.objects.filter(code__in=set(codes), level=RegionLevel.TOWNSHIP).only("code", "name", "parent")
    }


@transaction.atomic
def danger_levels_save(*, actor, rows: list[tuple[str, dt.date, int]], source: str) -> dict:
    """Store (township code, day, level) rows, replacing the township's level of that day. Every row is
    checked before anything is written: one bad row refuses them all, with its number."""
    errors = []
    townships = _townships(code for code, _, _ in rows)
    allowed = {r.code for r in Region.objects.restrict(actor).filter(code__in=list(townships))}
    seen = set()
    for number, (code, day, level) in enumerate(rows, start=1):
        if code not in townships:
            errors.append(f"第 {number} 行：{code} 不是乡镇（街道）区划代码")
        elif code not in allowed:
            errors.append(f"第 {number} 行：{townships[code].name} 不在您的管辖范围内")
        if not isinstance(level, int) or not 1 <= level <= 5:
            errors.append(f"第 {number} 行：火险等级应为 1–5 的整数")
        if (code, day) in seen:
            errors.append(f"第 {number} 行：{code} {day} 重复")
        seen.add((code, day))
    if errors:
        raise DomainError("forestfire.levels_invalid", "；".join(errors[:20]) + ("…" if len(errors) > 20 else ""))
    existing = DangerLevel.objects.filter(region_id__in=list(townships), day__in={d for _, d, _ in rows})
    stored = {(d.region_id, d.day): d for d in existing}
    changed, new = [], []
    for code, day, level in rows:
        row = stored.get((code, day))
        if row is None:
            new.append(DangerLevel(region_id=code, day=day, level=level, source=source))
        elif row.level != level:
            row.level, row.source = level, source
            changed.append(row)
    if changed:
        DangerLevel.objects.bulk_update(changed, ["level", "source", "updated_at"])
    if new:
        objects_bulk_create(actor=actor, model=DangerLevel, instances=new)
    audit_record(
        action="danger_levels_save",
        model=DangerLevel,
        actor=actor,
        extra={"source": source, "created": len(new), "changed": len(changed)},
    )
    return {"created": len(new), "changed": len(changed)}


def needs_warning(level: DangerLevel) -> bool:
    """At or above the county's warning level and no warning drafted for it yet."""
    return level.warning_id is None and level.level >= setting_for(level.region_id).warning_level


@transaction.atomic
def danger_warning_draft(*, actor, level: DangerLevel) -> Warning:
    """A draft 森林火险 warning for the township from the standard template of that level; the normal 审核签发
    follows in alerts (nothing is sent here)."""
    level = DangerLevel.objects.select_for_update().get(pk=level.pk)
    if level.warning_id:
        raise DomainError("forestfire.warning_exists", f"已为该火险等级拟稿预警 {level.warning.identifier}", status=409)
    threshold = setting_for(level.region_id).warning_level
    if level.level < threshold:
        raise DomainError("forestfire.below_threshold", f"火险等级低于 {threshold} 级，不发布预警")
    colour = rules.WARNING_LEVEL[level.level]
    template = WarningTemplate.objects.filter(event=WARNING_EVENT, level=colour).first()
    if template is None:
        raise DomainError("forestfire.no_template", f"缺少“{WARNING_EVENT}”{colour}预警模板，请先在预警模板中添加")
    fields = wording.warning_fields(template, level.region.name)
    warning = Warning(region_id=actor.region_id or county_of(level.region_id), **fields)
    warning = alert_services.warning_create(actor=actor, warning=warning, regions=[level.region])
    level.warning = warning
    level.save(update_fields=["warning", "updated_at"])
    audit_record(action="danger_warning_draft", obj=level, actor=actor, after={"warning": warning.identifier})
    return warning


# ---------------------------------------------------------------- burn permits


def next_permit_number(region_code: str, when: dt.datetime) -> str:
    prefix = f"YH{region_code[:6]}{timezone.localtime(when):%Y}"
    taken = BurnPermit.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:04d}"


@transaction.atomic
def permit_apply(*, actor, permit: BurnPermit) -> BurnPermit:
    """登记申请: the approver is decided by the §19.3 rule and the county's delegation setting; the place
    decides the township (a village is raised to its township)."""
    if permit.starts_at and permit.starts_at < timezone.now() - dt.timedelta(hours=1):
        raise DomainError("forestfire.start_past", "用火开始时间不能早于现在", field="starts_at")
    found = region_of_point(permit.lon, permit.lat, "village") if permit.lon is not None else None
    if found:
        permit.region_id = found
    if not permit.region_id:
        raise DomainError("forestfire.place_unknown", "用火地点不在本县范围内，请在地图上重新选点", field="lon")
    if not Region.objects.restrict(actor).filter(code=permit.region_id).exists():
        raise DomainError("forestfire.place_outside", "用火地点不在您的管辖范围内", field="lon")
    setting = setting_for(permit.region_id)
    permit.approver_level = rules.approver_for(permit.purpose, setting.township_approves)
    permit.status = (
        BurnPermit.Status.ESCALATED if permit.approver_level == rules.PROVINCE else BurnPermit.Status.PENDING
    )
    permit.number = next_permit_number(permit.region_id, timezone.now())
    permit.applied_by = actor if getattr(actor, "pk", None) else None
    permit.full_clean()
    permit.save()
    audit_record(action="burn_permit_apply", obj=permit, actor=actor, after=snapshot(permit))
    return permit


def _window_days(permit: BurnPermit) -> tuple[dt.date, dt.date]:
    return timezone.localdate(permit.starts_at), timezone.localdate(permit.ends_at)


def approval_obstacles(permit: BurnPermit) -> list[str]:
    """Why the permit may not be approved now (高火险期 with the refuse rule, a danger level above the
    setting on a day of its window); empty when it may."""
    setting = setting_for(permit.region_id)
    start, end = _window_days(permit)
    reasons = []
    high = high_period_over(permit.region_id, start, end)
    if high and setting.high_period_rule == ForestFireSetting.HighPeriodRule.REFUSE:
        reasons.append(f"用火时间处于{high}，本县规定严禁野外用火")
    worst = (
        DangerLevel.objects.filter(region_id=township_of(permit.region_id), day__gte=start, day__lte=end)
        .order_by("-level")
        .first()
    )
    if worst and worst.level > setting.max_permit_level:
        reasons.append(
            f"{worst.day:%m月%d日}森林火险{rules.level_name(worst.level)}，高于允许用火的 {setting.max_permit_level} 级"
        )
    return reasons


def needs_county(permit: BurnPermit) -> bool:
    """A township-approved permit whose window touches a 高火险期 under the escalate rule goes to the county."""
    if permit.approver_level != rules.TOWNSHIP:
        return False
    setting = setting_for(permit.region_id)
    start, end = _window_days(permit)
    return (
        setting.high_period_rule == ForestFireSetting.HighPeriodRule.ESCALATE
        and high_period_over(permit.region_id, start, end) is not None
    )


@transaction.atomic
def permit_decide(*, actor, permit: BurnPermit, action: str, reason: str = "") -> BurnPermit:
    """批准 / 不予批准 / 报县级审批 / 撤回, by the workflow; approval also by the period and level rules."""
    permit = BurnPermit.objects.select_for_update().get(pk=permit.pk)
    if action == "approve":
        obstacles = approval_obstacles(permit)
        if obstacles:
            raise DomainError("forestfire.not_approvable", "不能批准：" + "；".join(obstacles))
        if permit.status == BurnPermit.Status.PENDING and needs_county(permit) and not _county(actor):
            raise DomainError("forestfire.needs_county", "用火时间处于高火险期，须报县级审批", status=403)
        if permit.ends_at <= timezone.now():
            raise DomainError("forestfire.window_over", "用火时间已过，不能再批准")
    FLOW.apply(actor, permit, action, reason=reason)
    if action != "withdraw":
        permit.decided_by, permit.decided_at = actor_name(actor), timezone.now()
        permit.reason = reason.strip()
    permit.save()
    audit_record(action=f"burn_permit_{action}", obj=permit, actor=actor, after=snapshot(permit))
    return permit


def _county(actor) -> bool:
    from anlan.core.roles import COUNTY_ROLES

    return actor.is_superuser or actor.role in COUNTY_ROLES


def permit_area(permit: BurnPermit):
    """The burn area as a shapely geometry: its polygon, or a circle of its radius around the point."""
    if permit.polygon:
        return shapely.geometry.shape(permit.polygon)
    # A circle in degrees: the radius in metres converted at the point's latitude (fine at a few km).
    dy = permit.radius_m / 111_320
    dx = dy / max(math.cos(math.radians(permit.lat)), 0.01)
    circle = shapely.geometry.Point(0, 0).buffer(1, 32)
    return shapely.affinity.affine_transform(circle, [dx, 0, 0, dy, permit.lon, permit.lat])


def active_permits(*, at=None, qs=None):
    at = at or timezone.now()
    qs = qs if qs is not None else BurnPermit.objects.all()
    return qs.filter(status=BurnPermit.Status.APPROVED, starts_at__lte=at, ends_at__gte=at)


def permits_at(lon: float, lat: float, at) -> list[BurnPermit]:
    """Approved permits whose area contains the point and whose window contains `at` (a fire inside one)."""
    if lon is None or lat is None:
        return []
    near = active_permits(at=at).filter(lon__range=(lon - 0.1, lon + 0.1), lat__range=(lat - 0.1, lat + 0.1))
    point = shapely.geometry.Point(lon, lat)
    return [p for p in near if permit_area(p).covers(point)]


def in_permit_note(permits: list[BurnPermit]) -> str:
    return "位于已批准用火范围内：许可证号 " + "、".join(p.number for p in permits) if permits else ""


# ---------------------------------------------------------------- rangers


@transaction.atomic
def ranger_fire_report(*, actor, ranger: Ranger | None, lon, lat, text: str, photo=None) -> Incident:
    """A fire seen in the field (§19.5: report at once) becomes an incident in intake (森林草原火灾, reported
    by the ranger, the duty desks told by intake), with the photo on its timeline and the in-permit flag."""
    if not text.strip():
        raise DomainError("forestfire.report_empty", "请描述火情（位置、火势、烟雾颜色、是否有人员）", field="text")
    if lon is None or lat is None:
        raise DomainError("forestfire.report_no_position", "未取得位置，请打开定位后重试", field="lon")
    region_code = region_of_point(lon, lat, "village") or (ranger.region_id if ranger else actor.region_id)
    if not region_code:
        raise DomainError("forestfire.report_outside", "位置不在本县范围内", field="lon")
    now = timezone.now()
    permits = permits_at(lon, lat, now)
    flag = in_permit_note(permits)
    name = ranger.person.name if ranger else actor_name(actor)
    region = Region.objects.only("code", "name").get(code=region_code)
    incident = Incident(
        title=f"{region.name}发现林区火情"[:200],
        kind=IncidentKind.objects.get(name=FIRE_KIND),
        region_id=region_code,
        place=region.name,
        lon=lon,
        lat=lat,
        occurred_at=now,
        received_at=now,
        source=Incident.Source.REPORT,
        caller_name=name[:64],
        caller_unit="护林员" if ranger else "",
        description=text.strip() + (f"\n{flag}" if flag else ""),
    )
    incident = intake.incident_create(actor=actor, incident=incident)
    if photo is not None:
        timeline.note_add(actor=actor, incident=incident, text="护林员现场照片", upload=photo)
    audit_record(
        action="ranger_fire_report",
        obj=incident,
        actor=actor,
        after={"ranger": ranger.pk if ranger else None, "permits": [p.number for p in permits]},
    )
    return incident


def missed_patrols(user, *, since: dt.date):
    """Missed patrol tasks of the 森林火险区 sites rangers guard (sites.PatrolTask), newest first."""
    from anlan.sites.models import HazardSite, PatrolTask

    return (
        PatrolTask.objects.restrict(user)
        .filter(site__kind=HazardSite.Kind.FOREST_FIRE, status=PatrolTask.Status.MISSED, due__gte=since)
        .select_related("site", "site__region")
        .order_by("-due", "site__name")
    )
