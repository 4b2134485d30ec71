import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import Incident
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.plans.models import IncidentKind
from anlan.registry.models import Department
from anlan.risk.models import RiskPoint
from anlan.sites.models import HazardSite, PatrolRule, PatrolTask
from anlan.testing.personas import persona


def hazard(region, status=HiddenHazard.Status.RECTIFYING, days_left=-3, **extra) -> HiddenHazard:
    """A hazard written below the service on purpose: the forms refuse a deadline already past."""
    return HiddenHazard.objects.create(
        title=f"测试隐患{HiddenHazard.objects.count()}",
        description="测试",
        region=region,
        level=extra.pop("level", HiddenHazard.Level.GENERAL),
        status=status,
        deadline=timezone.localdate() + dt.timedelta(days=days_left),
        **extra,
    )


def _warning(region, status, expires_in_hours=24, n=[0]) -> Warning:  # noqa: B006  (a counter for identifiers)
    n[0] += 1
    now = timezone.now()
    return Warning.objects.create(
        identifier=f"test-overview-{n[0]}",
        event="暴雨",
        category="Met",
        level="orange",
        urgency="Expected",
        severity="Severe",
        certainty="Likely",
        headline=f"暴雨橙色预警{n[0]}",
        description="测试",
        region=region,
        status=status,
        sent=now if status == Warning.Status.ISSUED else None,
        expires=now + dt.timedelta(hours=expires_in_hours),
    )


@pytest.fixture
def busy(tree):
    """A busy day in the demo county: something on every role's 工作台, in our township and another one."""
    now = timezone.now()
    today = timezone.localdate()
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    ours = tree.township.code[:9]
    sensor = Sensor.objects.filter(region__code__startswith=ours, rules__isnull=False).order_by("pk").first()
    other_sensor = (
        Sensor.objects.exclude(region__code__startswith=ours).filter(rules__isnull=False).order_by("pk").first()
    )
    for s, level, status in (
        (sensor, "red", Alarm.Status.OPEN),
        (sensor, "orange", Alarm.Status.ACKNOWLEDGED),
        (sensor, "yellow", Alarm.Status.CLOSED),
        (other_sensor, "blue", Alarm.Status.OPEN),
        (other_sensor, "red", Alarm.Status.OPEN),
    ):
        Alarm.objects.create(
            sensor=s, rule=Rule.objects.filter(sensor=s).first(), level=level, status=status, opened_at=now
        )
    Sensor.objects.filter(pk__in=Sensor.objects.filter(department=water).order_by("pk")[:2]).update(
        live_status=Sensor.LiveStatus.OFFLINE
    )
    _warning(tree.county, Warning.Status.REVIEW)
    _warning(tree.township, Warning.Status.DRAFT)
    _warning(tree.township, Warning.Status.REVIEW)
    _warning(tree.township, Warning.Status.ISSUED)
    _warning(tree.county, Warning.Status.ISSUED)
    _warning(tree.county, Warning.Status.ISSUED, expires_in_hours=-1)  # expired: no longer in force
    kind = IncidentKind.objects.filter(first_report_minutes__gt=0).order_by("pk").first()
    for number, region, status in (
        ("T-OV-1", tree.village, Incident.Status.RECEIVED),
        ("T-OV-2", tree.other_village, Incident.Status.RESPONDING),
        ("T-OV-3", tree.village, Incident.Status.CLOSED),
    ):
        Incident.objects.create(
            number=number, title=f"测试事件{number}", description="测试", kind=kind, region=region,
            occurred_at=now, received_at=now - dt.timedelta(minutes=10), status=status,
        )  # fmt: skip
    hazard(tree.village)  # overdue
    hazard(tree.other_village)  # overdue, another township
    hazard(tree.village, HiddenHazard.Status.REPORTED, days_left=20)
    hazard(tree.village, HiddenHazard.Status.AWAITING, days_left=5)
    hazard(tree.other_village, HiddenHazard.Status.AWAITING, days_left=5, level=HiddenHazard.Level.MAJOR)
    hazard(tree.village, days_left=2, pending_deadline=today + dt.timedelta(days=30), department=water)
    hazard(tree.village, days_left=-1, department=water)
    enterprise = persona("enterprise_user").enterprise
    hazard(enterprise.region, days_left=-2, enterprise=enterprise)
    hazard(enterprise.region, days_left=9, enterprise=enterprise)
    RiskPoint.objects.create(name="测试风险点", region=enterprise.region, enterprise=enterprise, responsible="张三")
    rule = PatrolRule.objects.order_by("pk").first()
    sites = list(HazardSite.objects.filter(region__code__startswith=ours).order_by("pk")[:3])
    sites += list(HazardSite.objects.exclude(region__code__startswith=ours).order_by("pk")[:2])
    PatrolTask.objects.bulk_create(
        [
            PatrolTask(site=site, rule=rule, tier=rule.tier, period_start=day, due=day, status=status)
            for site in sites
            for day, status in ((today - dt.timedelta(days=1), "missed"), (today, "pending"))
        ],
        ignore_conflicts=True,
    )
    return tree
