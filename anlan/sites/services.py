"""Patrol services: plan the tasks of the current periods, record check-ins, flag missed patrols.

`anlan patrols-daily` runs plan and flag once a day (cron or the embedded scheduler). Both are bulk
operations (a few queries whatever the number of sites) and idempotent: running them twice changes
nothing the second time.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import AuditItem, actor_name, append, audit_record
from anlan.core.errors import DomainError
from anlan.core.regioncodes import township_of
from anlan.core.roles import Role
from anlan.geo.spatial import distances_m
from anlan.inbox.services import Message, notify_many

from . import patrol
from .models import HazardSite, PatrolRule, PatrolTask

# A check-in farther than this from the site is kept but flagged for review: phone positions in
# mountain valleys can be a few hundred metres off, so refusing would punish honest patrols.
FAR_AWAY_M = 500

# The seeds' "日周月" mechanism (001): in the key period (flood season, 05-01 to 09-30 here) villages
# patrol daily, townships spot-check weekly, county departments inspect monthly; outside it village
# monitors still walk their sites weekly. Bureaus edit these rules.
DEFAULT_RULES = [
    ("汛期村（社区）日巡查", "village", "daily", "05-01", "09-30"),
    ("非汛期村（社区）周巡查", "village", "weekly", "10-01", "04-30"),
    ("汛期乡镇（街道）周抽查", "township", "weekly", "05-01", "09-30"),
    ("汛期县级部门月检查", "department", "monthly", "05-01", "09-30"),
]


def rules_sync() -> int:
    """Create the default rules when a county has none yet (never overwrites the bureau's edits)."""
    if PatrolRule.objects.exists():
        return 0
    PatrolRule.objects.bulk_create(
        PatrolRule(name=n, tier=t, frequency=f, season_start=s, season_end=e) for n, t, f, s, e in DEFAULT_RULES
    )
    return len(DEFAULT_RULES)


def planned_tasks(day: dt.date, sites=None) -> list[PatrolTask]:
    """Unsaved tasks of every active rule in season on `day`, one per active site and period."""
    sites = sites if sites is not None else HazardSite.objects.all()
    sites = list(sites.filter(status=HazardSite.Status.ACTIVE).values_list("pk", "kind"))
    tasks = []
    for rule in PatrolRule.objects.filter(active=True):
        if not patrol.in_season(rule.season_start, rule.season_end, day):
            continue
        start, end = patrol.period(rule.frequency, day)
        kinds = set(rule.kind_list())
        tasks += [
            PatrolTask(site_id=pk, rule=rule, tier=rule.tier, period_start=start, due=end)
            for pk, kind in sites
            if not kinds or kind in kinds
        ]
    return tasks


@transaction.atomic
def patrols_plan(*, today: dt.date | None = None) -> int:
    """Create the tasks of the periods containing today (idempotent: existing ones are kept)."""
    before = PatrolTask.objects.count()
    PatrolTask.objects.bulk_create(planned_tasks(today or timezone.localdate()), batch_size=2000, ignore_conflicts=True)
    return PatrolTask.objects.count() - before


@transaction.atomic
def patrols_flag_missed(*, today: dt.date | None = None) -> int:
    """Flag every pending task whose period has ended; one audit entry per township for the day."""
    today = today or timezone.localdate()
    overdue = PatrolTask.objects.filter(status=PatrolTask.Status.PENDING, due__lt=today)
    by_township: dict[str, int] = {}
    for region_code in overdue.values_list("site__region_id", flat=True):
        township = township_of(region_code)
        by_township[township] = by_township.get(township, 0) + 1
    count = overdue.update(status=PatrolTask.Status.MISSED)
    if count:
        append(
            [
                AuditItem("patrol_missed", "sites.patroltask", "", f"漏巡 {n} 次", code, None, {"missed": n})
                for code, n in sorted(by_township.items())
            ],
            actor="巡查日检",
        )
        _notify_missed(by_township, today)
    return count


def _notify_missed(by_township: dict[str, int], today: dt.date) -> None:
    """Each township's officers hear how many patrols were missed in their township."""
    officers = User.objects.filter(is_active=True, role=Role.TOWNSHIP_OPERATOR, region_id__in=list(by_township))
    base = reverse("sites:patroltask_list")
    notify_many(
        (
            user_id,
            Message(
                category="patrol_missed",
                title=f"漏巡提醒：辖区 {by_township[region]} 次巡查未按时打卡",
                body=f"截至 {today}，辖区有 {by_township[region]} 次巡查任务未打卡，已标记为漏巡。请核实并督促。",
                link=f"{base}?status=missed&region={region}",
                dedupe_key=f"patrol-missed:{region}:{today.isoformat()}",
            ),
        )
        for user_id, region in officers.values_list("pk", "region_id")
    )


@transaction.atomic
def check_in(*, actor, task: PatrolTask, lon=None, lat=None, note: str = "", found_problem: bool = False):
    """Record a patrol from the field; the position is compared with the site's."""
    task = PatrolTask.objects.select_for_update().select_related("site").get(pk=task.pk)
    if task.status == PatrolTask.Status.DONE:
        raise DomainError("patrol.already_done", f"该巡查任务已于 {timezone.localtime(task.done_at):%m-%d %H:%M} 打卡")
    today = timezone.localdate()
    if task.status == PatrolTask.Status.MISSED or task.due < today:
        raise DomainError("patrol.missed", "该巡查任务已过期（漏巡），不能补打卡")
    if task.period_start > today:
        raise DomainError("patrol.not_started", "该巡查任务尚未开始")
    if found_problem and not note:
        raise DomainError("patrol.note_required", "发现异常时请填写巡查情况")
    if (lon is None) != (lat is None):
        raise DomainError("patrol.position_incomplete", "经度和纬度应同时提供")
    task.status, task.done_at, task.note, task.found_problem = (
        PatrolTask.Status.DONE,
        timezone.now(),
        note,
        found_problem,
    )
    task.done_by = actor_name(actor)
    if lon is not None:
        task.lon, task.lat = float(lon), float(lat)
        task.distance_m = round(float(distances_m(task.lon, task.lat, [task.site.lon], [task.site.lat])[0]))
        task.far_away = task.distance_m > FAR_AWAY_M
    task.save()
    audit_record(
        action="patrol_check_in",
        obj=task.site,
        actor=actor,
        after={"task": task.pk, "tier": task.tier, "distance_m": task.distance_m, "found_problem": found_problem},
    )
    return task


def patrols_job(today: dt.date) -> str:
    rules_sync()
    missed = patrols_flag_missed(today=today)
    planned = patrols_plan(today=today)
    return f"漏巡 {missed} 次；新生成巡查任务 {planned} 个"
