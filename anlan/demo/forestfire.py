"""Demo 森林防火 (issue 22 item 2): the county's 防火期 (11-01 to 04-30, with 02-01 to 04-30 as 高火险期, the
青岛/河南 pattern of standards §19.2; no national default), a week of danger levels per township, 30 rangers
(registry persons with the duty role 护林员) guarding the 森林火险区 sites, their daily patrols over the last
three weeks through the sites patrol mechanism (most checked in, some missed), about ten burn permits
(approved, refused, pending, some burning now) and one ranger's fire report, which goes through incident intake.

Bulk writes (objects_bulk_create, audited) except the fire report, which takes the real service once. Dates
follow `today`, so the pages read the same whenever the demo is loaded."""

import datetime as dt

import numpy as np
from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.forestfire import services
from anlan.forestfire.models import BurnPermit, DangerLevel, FireSeason, Ranger
from anlan.inbox.models import Notification
from anlan.notify.models import Delivery
from anlan.registry.models import DutyRole, Person
from anlan.sites.models import HazardSite, PatrolRule, PatrolTask
from anlan.sites.services import planned_tasks

RANGERS = 30
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["德林", "守山", "国平", "建华", "明富", "长青", "永红", "家兴", "学军", "春生"]
PERMITS = [
    # purpose, hours from now to the start, hours long, status, reason
    ("agriculture", -2, 6, "approved", "同意。须开设隔离带，熄灭后看守 2 小时"),
    ("pest", -1, 5, "approved", "同意，现场负责人全程在场"),
    ("firebreak", 20, 8, "approved", "同意，林业站派员监督"),
    ("agriculture", -50, 6, "approved", "同意"),
    ("frost", 26, 10, "pending", ""),
    ("agriculture", 44, 5, "pending", ""),
    ("other", 30, 4, "pending", ""),
    ("agriculture", -30, 4, "refused", "风力 4 级以上，不予批准"),
    ("pest", 60, 6, "refused", "未开设防火隔离带，不予批准"),
    ("blasting", 96, 2, "escalated", ""),
]


def _season(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 防火期 (Nov 1 – Apr 30) containing today, or the next one."""
    year = today.year if today.month >= 11 else today.year - 1
    if dt.date(year + 1, 4, 30) < today:  # May–October: the coming season
        year = today.year
    return dt.date(year, 11, 1), dt.date(year + 1, 4, 30)


def load(
    *, actor, county, townships, departments, today: dt.date | None = None, fire_report: bool = True
) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = np.random.default_rng(22)
    start, end = _season(today)
    objects_bulk_create(
        actor=actor,
        model=FireSeason,
        instances=[
            FireSeason(
                region=county,
                kind=FireSeason.Kind.PERIOD,
                start=start,
                end=end,
                basis="县政府森林防火命令（演示）",
                synthetic=True,
            ),
            FireSeason(
                region=county,
                kind=FireSeason.Kind.HIGH,
                start=dt.date(end.year, 2, 1),
                end=end,
                basis="县政府森林高火险期通告（演示）",
                synthetic=True,
            ),
        ],
    )

    # A week of levels (up to today and tomorrow's forecast); the hilly townships run higher.
    levels = []
    for i, t in enumerate(townships):
        base = 2 + (i % 3 == 0)
        for back in range(-1, 7):
            level = int(np.clip(base + rng.integers(-1, 2), 1, 5))
            levels.append(
                DangerLevel(region=t, day=today - dt.timedelta(days=back), level=level, source="feed", synthetic=True)
            )
    levels[1].level = 4  # the first township is at 高火险 today (levels[0] is its tomorrow): a warning is offered
    objects_bulk_create(actor=actor, model=DangerLevel, instances=levels)

    # Rangers: registry persons with the duty role 护林员, guarding the 森林火险区 sites.
    sites = list(
        HazardSite.objects.filter(region__code__startswith=county.code[:6], kind=HazardSite.Kind.FOREST_FIRE)
        .order_by("code")
        .only("pk", "region_id", "lon", "lat")
    )
    persons = [
        Person(
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
            region_id=(sites[i % len(sites)].region_id if sites else townships[i % len(townships)].code),
            organisation="乡镇林业站",
            position="专职护林员" if i % 4 else "兼职护林员",
            phone=f"139{22000000 + i * 7919:08d}",
            synthetic=True,
        )
        for i in range(RANGERS)
    ]
    objects_bulk_create(actor=actor, model=Person, instances=persons)
    role = DutyRole.objects.filter(code="forest_ranger").first()
    if role:
        Person.duty_roles.through.objects.bulk_create(
            [Person.duty_roles.through(person_id=p.pk, dutyrole_id=role.pk) for p in persons]
        )
    rangers = [
        Ranger(person=p, region_id=p.region_id, full_time=bool(i % 4), synthetic=True) for i, p in enumerate(persons)
    ]
    objects_bulk_create(actor=actor, model=Ranger, instances=rangers)
    if sites:
        Ranger.sites.through.objects.bulk_create(
            [
                Ranger.sites.through(ranger_id=r.pk, hazardsite_id=sites[i % len(sites)].pk)
                for i, r in enumerate(rangers)
            ]
        )
    patrols = _ranger_patrols(rng, today, start, end, sites)

    permits = _permits(actor, rng, county, townships, sites)
    reports = 0
    if fire_report and sites and rangers:
        fire_report_as_history(actor=actor, ranger=rangers[1], site=sites[1 % len(sites)])
        reports = 1
    return {
        "forest_rangers": len(rangers),
        "forest_danger_levels": len(levels),
        "forest_ranger_patrols": patrols,
        "burn_permits": permits,
        "forest_fire_reports": reports,
    }


def fire_report_as_history(*, actor, ranger, site):
    """A ranger's fire report near `site`, through the real intake, kept as history: the desks were told then,
    so its SMS count as sent and its in-app notices as read (a fresh demo's worker sends nothing for it and no
    unread-call follows)."""
    last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    incident = services.ranger_fire_report(
        actor=actor,
        ranger=ranger,
        lon=round(site.lon + 0.002, 6),
        lat=round(site.lat + 0.001, 6),
        text="巡山发现山坳处冒浓烟，明火约 10 米，风向东南，附近无人员",
    )
    now = timezone.now()
    Delivery.objects.filter(pk__gt=last_delivery, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENT, sent_at=now, attempts=1
    )
    Notification.objects.filter(pk__gt=last_notification, read_at__isnull=True).update(read_at=now)
    return incident


def _ranger_patrols(rng, today, start, end, sites) -> int:
    """The rangers' daily rule for 森林火险区 in the 防火期, and its tasks for the last three weeks."""
    rule = PatrolRule.objects.create(
        name="森林防火期护林员日巡",
        tier=PatrolRule.Tier.VILLAGE,
        frequency=PatrolRule.Frequency.DAILY,
        kinds=HazardSite.Kind.FOREST_FIRE,
        season_start=f"{start:%m-%d}",
        season_end=f"{end:%m-%d}",
    )
    if not sites:
        return 0
    by_pk = {s.pk: s for s in sites}
    tasks = []
    for back in range(1, 22):
        day = today - dt.timedelta(days=back)
        for task in planned_tasks(day, HazardSite.objects.filter(pk__in=list(by_pk))):
            if task.rule_id != rule.pk:
                continue
            site = by_pk[task.site_id]
            if rng.random() < 0.9:
                task.status, task.done_by = PatrolTask.Status.DONE, "护林员"
                task.done_at = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + int(rng.integers(0, 7)))))
                task.lon = round(site.lon + float(rng.normal(0, 0.001)), 6)
                task.lat = round(site.lat + float(rng.normal(0, 0.001)), 6)
                task.distance_m = int(abs(rng.normal(0, 120)))
                task.note = "林区巡护，未见火情，劝阻上坟烧纸 1 起" if rng.random() < 0.05 else "林区巡护，未见火情"
            else:
                task.status = PatrolTask.Status.MISSED
            tasks.append(task)
    PatrolTask.objects.bulk_create(tasks, batch_size=2000, ignore_conflicts=True)
    return len(tasks)


def _permits(actor, rng, county, townships, sites) -> int:
    now = timezone.now()
    places = sites or []
    permits = []
    for i, (purpose, start_h, hours, status, reason) in enumerate(PERMITS):
        if places:
            site = places[(i * 5) % len(places)]
            lon, lat, region = round(site.lon + 0.004, 6), round(site.lat - 0.003, 6), site.region_id
        else:
            t = townships[i % len(townships)]
            lon, lat, region = t.center_lon, t.center_lat, t.code
        starts = now + dt.timedelta(hours=start_h)
        permits.append(
            BurnPermit(
                number=f"YH{county.code[:6]}{now:%Y}{i + 1:04d}",
                applicant=SURNAMES[(i + 3) % len(SURNAMES)] + GIVEN[(i + 5) % len(GIVEN)],
                applicant_phone=f"137{31000000 + i * 6133:08d}",
                person_in_charge=SURNAMES[(i + 7) % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                region_id=region,
                place=["后山田埂", "茶园边坡", "村道防火隔离带", "柑橘园", "坟山脚"][i % 5],
                lon=lon,
                lat=lat,
                radius_m=[80, 150, 300, 100, 60][i % 5],
                purpose=purpose,
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=hours),
                safety_measures="开设 3 米防火隔离带，配扑火人员 5 人、风力灭火机 2 台，熄灭后看守 2 小时",
                approver_level="province" if purpose == "blasting" else "county",
                status=status,
                decided_by="县森林防火指挥部办公室（演示）" if status in ("approved", "refused") else "",
                decided_at=now - dt.timedelta(hours=3) if status in ("approved", "refused") else None,
                reason=reason,
                synthetic=True,
            )
        )
    objects_bulk_create(actor=actor, model=BurnPermit, instances=permits)
    return len(permits)
