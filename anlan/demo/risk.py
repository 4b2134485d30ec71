"""Demo risk data: hazard sites with their 群测群防员, risk points with assessments, a major hazard unit,
hidden hazards at every step of the loop, and a week of patrols.

Figures from the seeds for 巫山 (000): 950 地质灾害隐患点 watched by 766 群测群防员 and 54 专管员, 33 with
professional monitoring and 828 with smart monitoring. Everything else is generated and marked
synthetic.
"""

import datetime as dt

import numpy as np
from django.utils import timezone

from anlan.core.audit import AuditItem, append
from anlan.core.services import objects_bulk_create
from anlan.geo.spatial import PointIndex
from anlan.hazards import services as hazard_services
from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.registry.models import Person
from anlan.resources.models import Shelter
from anlan.risk import lec
from anlan.risk import services as risk_services
from anlan.risk.models import MajorHazardSource, RiskPoint
from anlan.sites import services as site_services
from anlan.sites.models import HazardSite, PatrolTask

GEO_KINDS = [
    ("landslide", "滑坡", 0.55),
    ("rockfall", "危岩", 0.2),
    ("unstable_slope", "不稳定斜坡", 0.17),
    ("debris_flow", "泥石流", 0.05),
    ("subsidence", "地面塌陷", 0.03),
]
OTHER_SITES = [
    ("flash_flood", "山洪危险区", 30, "water"),
    ("waterlogging", "易涝点", 8, "housing"),
    ("forest_fire", "森林火险区", 12, "forestry"),
]
DEFAULT_FIGURES = {"geo_sites": 950, "geo_professional": 33, "geo_smart": 828}

PUBLIC_POINTS = [
    ("汽车客运站候车大厅", "public_place", "人员密集，易发生拥挤踩踏；电气线路火灾", "火灾、其它伤害"),
    ("农贸市场", "public_place", "摊位密集，燃气使用，通道堵塞", "火灾、其它爆炸"),
    ("旅游码头", "public_place", "游客集中登船，落水风险", "淹溺、其它伤害"),
    ("城区燃气调压站", "infrastructure", "天然气泄漏遇点火源", "其它爆炸、火灾"),
    ("在建安置房项目", "construction", "高处作业、塔吊作业、深基坑", "高处坠落、起重伤害、坍塌"),
]
ENTERPRISE_POINTS = {
    "is_dust_explosive": ("粉磨车间", "粉尘积聚遇点火源", "其它爆炸"),
    "is_non_coal_mine": ("露天采场边坡", "边坡失稳、爆破作业", "坍塌、放炮"),
    "is_hazchem": ("液化气储罐区", "液化石油气泄漏遇明火", "火灾、容器爆炸"),
    "is_fireworks": ("成品仓库", "烟花爆竹受热、撞击", "火药爆炸、火灾"),
    "has_ammonia_refrigeration": ("液氨制冷机房", "液氨泄漏", "中毒和窒息"),
    "has_confined_space": ("污水处理池", "有限空间缺氧、硫化氢", "中毒和窒息"),
}
HAZARD_TITLES = [
    ("消防通道被杂物堵塞", "general"),
    ("配电箱无漏电保护", "general"),
    ("灭火器过期未更换", "general"),
    ("边坡排水沟堵塞", "general"),
    ("危岩下方有民房未撤离", "major"),
    ("储罐区可燃气体报警仪失效", "major"),
    ("有限空间作业未审批", "general"),
    ("临边防护栏杆缺失", "general"),
    ("安全出口指示灯损坏", "general"),
    ("河道行洪断面被侵占", "general"),
]


def _sample(rng, weighted):
    p = np.asarray([w for *_, w in weighted])
    return weighted[int(rng.choice(len(weighted), p=p / p.sum()))]


def _sites(points, rng, county, townships, villages, departments, figures) -> list[HazardSite]:
    depts = {d.kind: d for d in departments}
    monitors = list(
        Person.objects.filter(duty_roles__code="geo_monitor", region__code__startswith=county.code[:6])
        .select_related("region")
        .order_by("pk")
    )
    managers: dict[str, list[Person]] = {}
    for m in Person.objects.filter(duty_roles__code="geo_manager", region__code__startswith=county.code[:6]):
        managers.setdefault(m.region_id, []).append(m)
    shelters = list(Shelter.objects.filter(region__code__startswith=county.code[:6]).order_by("pk"))
    shelter_index = PointIndex([(s.lon, s.lat) for s in shelters]) if shelters else None
    total = figures.get("geo_sites", DEFAULT_FIGURES["geo_sites"])
    professional = figures.get("geo_professional", DEFAULT_FIGURES["geo_professional"])
    smart = figures.get("geo_smart", DEFAULT_FIGURES["geo_smart"])
    sites, watchers = [], []
    by_code = {v.code: v for v in villages}
    for i in range(total):
        monitor = monitors[i % len(monitors)] if monitors else None
        village = by_code.get(monitor.region_id) if monitor else villages[i % len(villages)]
        village = village or villages[i % len(villages)]
        kind, label, _ = _sample(rng, GEO_KINDS)
        lon, lat = points.inside(village)
        households = int(rng.integers(1, 60))
        monitoring = "professional" if i < professional else "smart" if i < professional + smart else "mass"
        scale = "large" if households > 50 else "medium" if households > 25 else "small"
        sites.append(
            HazardSite(
                code=f"{county.code[:6]}-DZ-{i + 1:04d}",
                name=f"{village.name}{['一', '二', '三', '四', '五'][i % 5]}组{label}",
                kind=kind,
                scale=scale,
                region=village,
                department=depts.get("natural_resources"),
                lon=lon,
                lat=lat,
                threatened_households=households,
                threatened_people=households * int(rng.integers(2, 5)),
                threatened_property=round(float(households) * float(rng.uniform(8, 30)), 2),
                monitoring=monitoring,
                warning_signal="鸣锣、口哨、村广播",
                evacuation_route=f"沿村道向{['东', '南', '西', '北'][i % 4]}撤离至安全地带",
                synthetic=True,
            )
        )
        township_managers = managers.get(village.parent_id, [])
        watchers.append([p for p in (monitor, *township_managers[:1]) if p is not None])
    for kind, label, count, dept in OTHER_SITES:
        candidates = [t for t in townships if t.name.endswith("街道")] if kind == "waterlogging" else villages
        for i in range(count):
            region = candidates[int(rng.integers(len(candidates)))]
            lon, lat = points.inside(region)
            households = int(rng.integers(5, 120))
            sites.append(
                HazardSite(
                    code=f"{county.code[:6]}-{kind[:2].upper()}-{i + 1:03d}",
                    name=f"{region.name}{label}{i + 1}",
                    kind=kind,
                    region=region,
                    department=depts.get(dept),
                    lon=lon,
                    lat=lat,
                    threatened_households=households,
                    threatened_people=households * 3,
                    monitoring="mass",
                    synthetic=True,
                )
            )
            watchers.append([])
    for site in sites:
        if shelter_index is not None:
            site.shelter = shelters[shelter_index.nearest(site.lon, site.lat, k=1)[0][0]]
    return sites, watchers


def _risk_points(rng, county, townships, enterprises) -> list[RiskPoint]:
    out = []
    for enterprise in enterprises:
        for flag, (name, factors, accidents) in ENTERPRISE_POINTS.items():
            if getattr(enterprise, flag):
                out.append(
                    RiskPoint(
                        name=f"{enterprise.name}{name}",
                        kind="enterprise",
                        enterprise=enterprise,
                        region=enterprise.region,
                        department=enterprise.department,
                        lon=enterprise.lon,
                        lat=enterprise.lat,
                        hazard_factors=factors,
                        accident_types=accidents,
                        controls="岗位责任制；每班巡检；安全警示标志；作业审批",
                        emergency_measures="立即停止作业，疏散人员，报告值班室",
                        control_level="unit",
                        responsible=enterprise.safety_manager or enterprise.principal,
                        responsible_phone=enterprise.safety_manager_phone,
                        emergency_phone="023-57682110",
                        synthetic=True,
                    )
                )
    for i, (name, kind, factors, accidents) in enumerate(PUBLIC_POINTS):
        township = townships[i % 2]
        out.append(
            RiskPoint(
                name=f"{township.name}{name}",
                kind=kind,
                region=township,
                address=f"{county.name}{township.name}",
                lon=township.center_lon,
                lat=township.center_lat,
                hazard_factors=factors,
                accident_types=accidents,
                controls="专人值守；定期检查；应急疏散预案",
                emergency_measures="启动现场处置方案，拨打119/120",
                control_level="township",
                responsible="值班负责人",
                emergency_phone="023-57682110",
                synthetic=True,
            )
        )
    return out


def load_risk(*, actor, gen, points, county, townships, villages, departments, enterprises, figures) -> dict:
    rng = gen.rng
    sites, watchers = _sites(points, rng, county, townships, villages, departments, figures)
    created = objects_bulk_create(actor=actor, model=HazardSite, instances=sites)
    through = HazardSite.monitors.through
    through.objects.bulk_create(
        [
            through(hazardsite_id=s.pk, person_id=p.pk)
            for s, people in zip(created, watchers, strict=True)
            for p in people
        ],
        batch_size=2000,
    )

    risk_points = objects_bulk_create(
        actor=actor, model=RiskPoint, instances=_risk_points(rng, county, townships, enterprises)
    )
    lec_l, lec_e, lec_c = list(lec.L_VALUES), list(lec.E_VALUES), list(lec.C_VALUES)
    for i, point in enumerate(risk_points):
        if i % 3 == 2:
            risk_services.assess(
                actor=actor, point=point, method="matrix", L=int(rng.integers(2, 6)), S=int(rng.integers(2, 6))
            )
        else:
            risk_services.assess(
                actor=actor,
                point=point,
                method="lec",
                L=lec_l[int(rng.integers(0, 4))],
                E=lec_e[int(rng.integers(0, 3))],
                C=lec_c[int(rng.integers(1, 4))],
            )

    units = 0
    for enterprise in enterprises:
        if enterprise.is_hazchem:
            unit = MajorHazardSource.objects.create(
                enterprise=enterprise,
                name="液化石油气储罐区",
                exposed_people=320,
                principal=enterprise.principal,
                synthetic=True,
            )
            risk_services.substances_replace(
                actor=actor, source=unit, items=[{"name": "液化石油气", "quantity_t": 120}]
            )
            units += 1

    hazards = _hidden_hazards(actor, rng, townships, villages, enterprises)
    patrols = _patrols(actor, rng, county)
    return {
        "hazard_sites": len(created),
        "risk_points": len(risk_points),
        "major_hazard_units": units,
        "hidden_hazards": hazards,
        "patrol_tasks": patrols,
    }


def _hidden_hazards(actor, rng, townships, villages, enterprises) -> int:
    """Hazards at every step: reported, rectifying (some overdue), awaiting verification, closed."""
    today = timezone.localdate()
    count = 0
    late: dict[int, tuple[dt.date, dt.date]] = {}
    for i in range(60):
        title, level = HAZARD_TITLES[i % len(HAZARD_TITLES)]
        enterprise = enterprises[i % len(enterprises)] if i % 4 == 0 else None
        region = enterprise.region if enterprise else villages[int(rng.integers(len(villages)))]
        # A deadline may not be set in the past, so each hazard is reported with a deadline still ahead;
        # those the demo shows overdue then have their deadlines wound back below, as time would have done.
        deadline = today + dt.timedelta(days=int(rng.integers(-20, 30)))
        set_deadline = max(deadline, today)
        hazard = HiddenHazard(
            title=title,
            description=f"{region.name}：{title}",
            level=level,
            region=region,
            deadline=set_deadline,
            lon=(enterprise.lon if enterprise else region.center_lon),
            lat=(enterprise.lat if enterprise else region.center_lat),
            enterprise=enterprise,
            department=enterprise.department if enterprise else None,
            source=["patrol", "self_check", "inspection", "public_tip"][i % 4],
            reporter_name="演示数据",
            synthetic=True,
        )
        hazard_services.hazard_report(actor=actor, hazard=hazard)
        superior = DEMO_OFFICIAL
        stage = i % 5  # 0 reported, 1–2 rectifying, 3 awaiting, 4 closed
        if stage >= 1:
            hazard_services.hazard_transition(
                actor=superior,
                hazard=hazard,
                action="assign",
                responsible="整改责任人",
                deadline=set_deadline.isoformat(),
                supervising_unit="县安委办" if level == "major" else "",
                supervising_leader="副县长" if level == "major" else "",
            )
        if stage >= 3:
            hazard_services.hazard_transition(
                actor=DEMO_OFFICIAL, hazard=hazard, action="submit", measures="已按要求整改"
            )
        if stage == 4:
            hazard_services.hazard_transition(actor=superior, hazard=hazard, action="verify", comment="验收合格")
        if deadline < today:
            late[hazard.pk] = (set_deadline, deadline)
        count += 1
    _wind_back_deadlines(late)
    hazard_services.overdue_mark(today=today)
    return count


def _wind_back_deadlines(late: dict[int, tuple[dt.date, dt.date]]) -> None:
    """The demo county's history: these hazards were given deadlines that have since passed. Moving the
    stored dates (the hazard's and its events') stands for the days gone by; no rule is bypassed for a
    new deadline, which the services still refuse to set in the past."""
    for pk, (was, now) in late.items():
        HiddenHazard.objects.filter(pk=pk).update(deadline=now)
        HazardEvent.objects.filter(hazard_id=pk, deadline_after=was).update(deadline_after=now)
        HazardEvent.objects.filter(hazard_id=pk, deadline_before=was).update(deadline_before=now)


class _DemoOfficial:
    """The demo's stand-in actor for superior steps (a county role, so major hazards can be closed)."""

    pk = None
    role = "county_operator"
    is_superuser = False
    display_name = "演示数据（县应急管理局）"

    def get_username(self):
        return self.display_name


DEMO_OFFICIAL = _DemoOfficial()


def _patrols(actor, rng, county) -> int:
    """Last week's patrols (most checked in, the rest flagged missed) and the current period's tasks."""
    site_services.rules_sync()
    today = timezone.localdate()
    sites = HazardSite.objects.filter(region__code__startswith=county.code[:6])
    lonlat = {pk: (lon, lat) for pk, lon, lat in sites.values_list("pk", "lon", "lat").order_by()}
    past = site_services.planned_tasks(today - dt.timedelta(days=7), sites)
    done = []
    for task in past:
        if rng.random() < 0.88:
            lon, lat = lonlat[task.site_id]
            task.status, task.done_by = "done", "群测群防员"
            task.done_at = timezone.now() - dt.timedelta(days=int(rng.integers(1, 7)))
            task.lon = round(lon + float(rng.normal(0, 0.0008)), 6)
            task.lat = round(lat + float(rng.normal(0, 0.0008)), 6)
            task.distance_m = int(abs(rng.normal(0, 90)))
            task.found_problem = bool(rng.random() < 0.03)
            task.note = "发现新增裂缝，已报告" if task.found_problem else "未见异常"
            done.append(task)
    PatrolTask.objects.bulk_create(past, batch_size=2000)
    append(
        [
            AuditItem(
                "patrol_check_in",
                "sites.patroltask",
                "",
                f"演示巡查打卡 {len(done)} 次",
                "",
                None,
                {"count": len(done)},
            )
        ],
        actor=actor,
    )
    site_services.patrols_flag_missed(today=today)
    site_services.patrols_plan(today=today)
    return PatrolTask.objects.filter(site__in=sites).count()
