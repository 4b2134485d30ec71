import datetime as dt

import pytest
from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import DispatchOrder, Incident, ResponseTask
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.notify.models import Delivery, Notice
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
    live = _warning(tree.county, Warning.Status.ISSUED)
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
    incidents = {i.number: i for i in Incident.objects.filter(number__startswith="T-OV-")}
    ResponseTask.objects.bulk_create(
        [
            ResponseTask(incident=incidents["T-OV-1"], title="排查水库", department=water, created_at=now),
            ResponseTask(incident=incidents["T-OV-2"], title="转移群众", department=water, created_at=now),
            ResponseTask(incident=incidents["T-OV-2"], title="已办", department=water, created_at=now, status="done"),
            ResponseTask(incident=incidents["T-OV-3"], title="已结束事件", department=water, created_at=now),
            ResponseTask(incident=incidents["T-OV-1"], title="别的部门", created_at=now),
        ]
    )
    DispatchOrder.objects.bulk_create(
        [
            DispatchOrder(incident=incidents[number], kind="team", assignee_name="测试救援队", instruction="前往现场",
                          sent_at=now, issued_by="值班员", status=status)
            for number, status in (("T-OV-1", "sent"), ("T-OV-1", "done"), ("T-OV-2", "en_route"))
        ]
    )  # fmt: skip
    # Orders addressed by name to the village worker (属地人员): one open on an incident in another township
    # (he reads it because it is his), one done; and one to the township officer, which is not his.
    worker, officer = persona("village_grid_worker"), persona("township_officer")
    DispatchOrder.objects.bulk_create(
        [
            DispatchOrder(incident=incidents[number], kind="person", user=user, assignee_name=user.username,
                          instruction="组织群众转移", sent_at=now, issued_by="值班员", status=status)
            for number, user, status in (("T-OV-2", worker, "read"), ("T-OV-1", worker, "done"),
                                         ("T-OV-1", officer, "sent"))
        ]
    )  # fmt: skip
    acknowledgements(live, tree, now)
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


def acknowledgements(warning, tree, now) -> Notice:
    """A warning's outbox as notify leaves it: responsible persons who acknowledged, who are silent past the
    window, who were asked a moment ago, and recipients no channel reached (one of them after two tries)."""
    notice = Notice.objects.create(topic=f"warning:{warning.pk}", title=warning.headline, level=warning.level)
    long_ago = now - dt.timedelta(hours=1)  # past every level's 叫应 window
    rows = [
        # (key, name, region, tier, channel, status, sent_at, acknowledged_at)
        ("person:9001", "村责任人甲", tree.village, "village", "sms", "sent", long_ago, None),  # silent, overdue
        ("person:9002", "村责任人乙", tree.village, "village", "sms", "sent", now, None),  # asked just now
        ("person:9003", "村责任人丙", tree.village, "village", "sms", "acknowledged", long_ago, now),
        ("person:9004", "外乡责任人", tree.other_village, "village", "sms", "sent", long_ago, None),  # overdue
        ("person:9005#up:9004", "上级", tree.other_township, "township", "voice", "sent", long_ago, None),
        ("person:9006", "未达责任人", tree.village, "village", "sms", "failed", None, None),
        ("person:9006", "未达责任人", tree.village, "village", "voice", "failed", None, None),
        ("resident:9007", "居民甲", tree.village, "resident", "sms", "failed", None, None),  # then reached
        ("resident:9007", "居民甲", tree.village, "resident", "voice", "sent", long_ago, None),
        ("resident:9008", "居民乙", tree.other_village, "resident", "sms", "failed", None, None),
    ]
    Delivery.objects.bulk_create(
        [
            Delivery(notice=notice, recipient_key=key, recipient_name=name, region_code=region.code, tier=tier,
                     channel=channel, status=status, sent_at=sent, acknowledged_at=acked, last_error="")
            for key, name, region, tier, channel, status, sent, acked in rows
        ]
    )  # fmt: skip
    return notice
