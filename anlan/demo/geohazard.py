"""Demo 地质灾害防治 (issue 22 item 4): this year's 汛前排查 over the county's geological hazard sites, running
for three weeks and mostly done (about 85 % of the sites checked, by the village workers of the sites'
villages or the township staff), with its findings: one new site proposed (a draft awaiting the county) and one
险情 recorded as an incident through the real intake (graded 小型 or 中型 by incidents.grading_geo, its 速报
deadline on the event page), kept as history like the ranger's fire report (the desks' SMS sent, notices read).

Loaded only with the full demo county (like the fire report): the small test county keeps its incident and
hazard-site counts. Bulk writes (objects_bulk_create, audited) except the 险情, which takes the real service.
Dates follow `today`."""

import datetime as dt

import numpy as np
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.regioncodes import township_of
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.geohazard import services
from anlan.geohazard.models import Campaign, Finding, SiteCheck
from anlan.inbox.models import Notification
from anlan.notify.models import Delivery
from anlan.sites.models import GEOLOGICAL, HazardSite

CHECKED_SHARE = 0.85
MEASURES = [
    "落实群测群防员每日巡查，雨后加密巡查",
    "设置警示牌，发放避险明白卡",
    "清理排水沟，坡脚禁止堆载",
    "裂缝设置简易监测桩，每日测量",
]
NOTES = {
    "stable": "坡体未见新增变形，排水沟通畅",
    "deforming": "后缘裂缝较上次加宽约 2 厘米，已加密巡查",
    "new_hazard": "屋后切坡出现新的拉张裂缝",
    "danger": "前缘鼓胀、后缘裂缝贯通，坡脚渗水浑浊",
}


def load(*, actor, county, townships, departments, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = np.random.default_rng(2204)
    sites = list(
        HazardSite.objects.filter(
            status=HazardSite.Status.ACTIVE, kind__in=GEOLOGICAL, region__pk__startswith=county.code[:6]
        ).order_by("code")
    )
    if len(sites) < 3:
        return {"geo_campaigns": 0}
    (campaign,) = objects_bulk_create(
        actor=actor,
        model=Campaign,
        instances=[
            Campaign(
                kind=Campaign.Kind.PRE,
                year=today.year,
                title=f"{today.year}年汛前地质灾害隐患排查",
                region=county,
                start=today - dt.timedelta(days=20),
                end=today + dt.timedelta(days=7),
                status=Campaign.Status.RUNNING,
                notes="各乡镇对辖区地质灾害隐患点逐点排查，填报排查表；发现新增隐患、险情立即报告。",
                created_by="县自然资源局",
            )
        ],
    )
    inspectors = _inspectors(county)
    checks = []
    for site in sites:
        township = township_of(site.region_id)
        inspector = inspectors.get(site.region_id) or inspectors.get(township)
        check = SiteCheck(
            campaign=campaign, site=site, region_id=site.region_id, township_id=township, inspector=inspector
        )
        if rng.random() < CHECKED_SHARE:
            state = "deforming" if rng.random() < 0.08 else "stable"
            check.checked_on = today - dt.timedelta(days=int(rng.integers(0, 20)))
            check.state = state
            check.note = NOTES[state]
            check.measures = MEASURES[int(rng.integers(len(MEASURES)))]
            check.checked_by = (inspector.display_name or inspector.username) if inspector else "乡镇地灾员"
            check.lon, check.lat = round(site.lon + 0.0003, 6), round(site.lat - 0.0002, 6)
        checks.append(check)
    checks = objects_bulk_create(actor=actor, model=SiteCheck, instances=checks)
    done = [c for c in checks if c.checked_on]
    proposal_check, danger_check = done[0], done[-1]
    _proposal(actor, proposal_check, today)
    event = _danger(actor, danger_check, today)
    return {"geo_campaigns": 1, "geo_checks": len(checks), "geo_checked": len(done), "geo_events": int(bool(event))}


def _inspectors(county) -> dict[str, User]:
    """Village workers by their village, township staff by their township (the first of each)."""
    out: dict[str, User] = {}
    users = User.objects.filter(
        is_active=True, role__in=[Role.VILLAGE_WORKER, Role.TOWNSHIP_OPERATOR], region__pk__startswith=county.code[:6]
    ).order_by("pk")
    for user in users:
        out.setdefault(user.region_id, user)
    return out


def _proposal(actor, check: SiteCheck, today: dt.date) -> Finding:
    site = check.site
    SiteCheck.objects.filter(pk=check.pk).update(state="new_hazard", note=NOTES["new_hazard"])
    (draft,) = objects_bulk_create(
        actor=actor,
        model=HazardSite,
        instances=[
            HazardSite(
                code=services.new_site_code(site.region_id, today.year),
                name=f"{site.region.name}屋后不稳定斜坡",
                kind=HazardSite.Kind.UNSTABLE_SLOPE,
                region_id=site.region_id,
                department_id=site.department_id,
                lon=round(site.lon + 0.004, 6),
                lat=round(site.lat + 0.003, 6),
                threatened_households=3,
                threatened_people=11,
                status=HazardSite.Status.PROPOSED,
                notes=f"{check.campaign}发现，待县级确认",
            )
        ],
    )
    (finding,) = objects_bulk_create(
        actor=actor,
        model=Finding,
        instances=[
            Finding(
                site_check=check,
                region_id=check.region_id,
                kind=Finding.Kind.NEW_SITE,
                description="村民屋后切坡高约 8 米，坡顶出现长约 12 米的拉张裂缝，威胁 3 户 11 人",
                proposed_site=draft,
            )
        ],
    )
    return finding


def _danger(actor, check: SiteCheck, today: dt.date):
    """The 险情 through the real service, kept as history (the desks were told then)."""
    last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    site = check.site
    SiteCheck.objects.filter(pk=check.pk).update(state="danger", note=NOTES["danger"])
    people = max(site.threatened_people, 12)
    event = services.event_record(
        actor=actor,
        site=site,
        stage="danger",
        description=f"{check.campaign}检查发现：{NOTES['danger']}，已组织受威胁群众临时转移",
        occurred_at=min(timezone.now(), timezone.make_aware(dt.datetime.combine(check.checked_on, dt.time(9, 30)))),
        people_threatened=people,
        people_to_relocate=people,
        potential_loss_10k_yuan=120,
    )
    objects_bulk_create(
        actor=actor,
        model=Finding,
        instances=[
            Finding(
                site_check=check,
                region_id=check.region_id,
                kind=Finding.Kind.DANGER,
                description=NOTES["danger"],
                event=event,
                status=Finding.Status.CONFIRMED,
                decided_by="县自然资源局",
                decided_at=timezone.now(),
                decision_note=f"已立即登记为突发事件 {event.incident.number}",
            )
        ],
    )
    now = timezone.now()
    Delivery.objects.filter(pk__gt=last_delivery, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENT, sent_at=now, attempts=1
    )
    Notification.objects.filter(pk__gt=last_notification, read_at__isnull=True).update(read_at=now)
    return event
