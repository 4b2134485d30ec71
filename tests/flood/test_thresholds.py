"""山洪 two-level thresholds: saved on the zone's page they become monitoring rules on its rain gauges; real
readings through monitoring's ingest then raise 准备转移 (the zone's 责任人 told by SMS) and 立即转移 (the zone's
transfer list opens, source 监测报警, linked to the alarm). A zone without households keeps its alarm."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from anlan.disasters.models import TransferActivation
from anlan.flood import services
from anlan.flood.models import FlashFloodThreshold, FloodResponsibility
from anlan.monitoring import services as monitoring
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.notify.models import Delivery
from anlan.sites.models import HazardSite, Household
from anlan.testing.personas import persona

from .helpers import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(tree):
    site = HazardSite.objects.filter(kind="flash_flood", status="active").order_by("code").first()
    TransferActivation.objects.filter(site=site).delete()
    if not Household.objects.filter(site=site, active=True).exists():
        Household.objects.create(site=site, region_id=site.region_id, head_name="周大河", people=4)
    return site


@pytest.fixture
def gauge(zone):
    return Sensor.objects.create(
        code="RG-FLOOD-T1",
        name="危险区雨量站",
        kind="rain_gauge",
        unit="mm",
        region_id=zone.region_id,
        lon=zone.lon,
        lat=zone.lat,
    )


def _form(zone, gauge, **extra):
    data = {
        "site": zone.pk,
        "prepare_1h": 30,
        "immediate_1h": 45,
        "prepare_3h": 50,
        "immediate_3h": 70,
        "gauges": [gauge.pk],
        "basis": "山洪灾害调查评价",
    }
    return data | extra


def test_the_page_writes_the_rules_and_refuses_bad_levels(client, zone, gauge):
    client.force_login(persona("county_operator"))
    response = client.post("/flood/thresholds/add/", _form(zone, gauge, immediate_1h=25))
    assert response.status_code == 400 and "应高于准备转移" in response.content.decode()
    assert not FlashFloodThreshold.objects.filter(site=zone).exists()
    response = client.post("/flood/thresholds/add/", _form(zone, gauge), follow=True)
    page = response.content.decode()
    assert "生成报警规则 2 条" in page
    threshold = FlashFloodThreshold.objects.get(site=zone)
    rules = list(threshold.rules.order_by("window_minutes"))
    assert [(r.sensor_id, r.kind, r.window_minutes, r.orange, r.red) for r in rules] == [
        (gauge.pk, "accumulation", 60, 30, 45),
        (gauge.pk, "accumulation", 180, 50, 70),
    ]
    # Changing the thresholds replaces the rules, it does not add to them.
    client.post(f"/flood/thresholds/{threshold.pk}/set/", _form(zone, gauge, prepare_3h="", immediate_3h=""))
    assert Rule.objects.filter(name__startswith=services.RULE_PREFIX, sensor=gauge).count() == 1


def test_rain_over_the_levels_tells_the_persons_and_opens_the_transfer_list(zone, gauge, tree):
    monitor = person(tree.village, "吴监测", "13900003001")
    FloodResponsibility.objects.create(site=zone, post="monitor", person=monitor)
    threshold = FlashFloodThreshold.objects.create(site=zone, prepare_1h=30, immediate_1h=45)
    threshold.gauges.set([gauge])
    services.thresholds_apply(actor=persona("county_operator"), threshold=threshold)
    start = timezone.now() - dt.timedelta(minutes=40)

    def rain(minutes, mm):
        ts = (start + dt.timedelta(minutes=minutes)).isoformat()
        return monitoring.ingest([{"sensor": gauge.code, "ts": ts, "value": mm}])

    rain(0, 20)
    rain(10, 12)  # 32 mm in the hour: 准备转移
    alarm = Alarm.objects.get(rule__in=threshold.rules.all())
    assert alarm.level == "orange"
    told = Delivery.objects.filter(notice__topic=f"flood:{alarm.pk}:orange")
    # Every 防汛责任人 of the zone (the demo's and the one named here), once each.
    names = set(FloodResponsibility.objects.filter(site=zone).values_list("person__name", flat=True))
    assert "吴监测" in names and sorted(d.recipient_name for d in told) == sorted(names)
    assert "请做好转移准备" in told[0].notice.texts.get().text
    assert not TransferActivation.objects.filter(site=zone, status="open").exists()

    rain(20, 15)  # 47 mm: 立即转移
    alarm.refresh_from_db()
    assert alarm.level == "red"
    activation = TransferActivation.objects.get(site=zone, status="open")
    assert (activation.source, activation.alarm_id) == ("alarm", alarm.pk)
    assert "立即转移" in activation.reason
    assert Delivery.objects.filter(notice__topic=f"flood:{alarm.pk}:red", recipient_name="吴监测").exists()

    rain(30, 10)  # still red: nothing new is opened or sent
    assert TransferActivation.objects.filter(site=zone).count() == 1
    assert Delivery.objects.filter(notice__topic__startswith=f"flood:{alarm.pk}:").count() == 2 * len(names)


def test_a_zone_without_households_keeps_its_alarm(zone, gauge):
    Household.objects.filter(site=zone).update(active=False)
    threshold = FlashFloodThreshold.objects.create(site=zone, prepare_1h=30, immediate_1h=45)
    threshold.gauges.set([gauge])
    services.thresholds_apply(actor="测试", threshold=threshold)
    monitoring.ingest([{"sensor": gauge.code, "ts": timezone.now().isoformat(), "value": 60}])
    assert Alarm.objects.get(rule__in=threshold.rules.all()).level == "red"
    assert not TransferActivation.objects.filter(site=zone).exists()


def test_the_new_threshold_page_offers_the_zones_township_gauges(client, zone, gauge):
    client.force_login(persona("township_officer"))
    response = client.get(f"/flood/thresholds/add/?site={zone.pk}")
    if not zone.region_id.startswith(persona("township_officer").region_id[:9]):
        assert response.status_code == 200 and f'value="{zone.pk}" selected' not in response.content.decode()
        client.force_login(persona("county_operator"))
        response = client.get(f"/flood/thresholds/add/?site={zone.pk}")
    page = response.content.decode()
    assert "保存并生成报警规则" in page and gauge.name in page
    assert re.search(rf'value="{gauge.pk}"[^>]*checked', page)  # the zone's township gauges come preselected
    client.force_login(persona("village_grid_worker"))
    assert client.get("/flood/thresholds/add/").status_code == 403
