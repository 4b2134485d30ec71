"""Ingest over HTTP: item-by-item validation, idempotence, rules and alarms, acknowledgement, offline."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.inbox.models import Notification
from anlan.monitoring import services
from anlan.monitoring.models import Alarm, Reading, ReadingHourly, Rule, Sensor
from anlan.testing.personas import persona


def iso(minutes_ago: float) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat()


@pytest.fixture
def gauge(client, tree):
    client.force_login(persona("county_operator"))  # sensors and rules are the county's (issue 12)
    body = {
        "code": "RG-T-001",
        "name": "测试雨量站",
        "kind": "rain_gauge",
        "unit": "mm",
        "region": tree.village.code,
        "location": {"lon": tree.village.center_lon, "lat": tree.village.center_lat},
    }
    created = client.post("/api/v1/monitoring/sensors/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    client.force_login(persona("township_officer"))  # the township's gateway posts the readings
    return Sensor.objects.get(code="RG-T-001")


def post(client, items):
    return client.post("/api/v1/monitoring/readings", items, content_type="application/json")


@pytest.mark.django_db
def test_bad_items_are_rejected_with_reasons_and_good_ones_kept(client, gauge):
    first = iso(10)
    items = [
        {"sensor": "RG-T-001", "ts": first, "value": 1.5},
        {"sensor": "NOPE", "ts": iso(9), "value": 1},
        {"sensor": "RG-T-001", "ts": iso(8), "value": "many"},
        {"sensor": "RG-T-001", "ts": iso(7), "value": float("nan")},
        {"sensor": "RG-T-001", "ts": "yesterday", "value": 1},
        {"sensor": "RG-T-001", "ts": iso(-60), "value": 1},
        {"sensor": "RG-T-001", "ts": iso(60 * 24 * 40), "value": 1},
        {"sensor": "RG-T-001", "ts": first, "value": 2},
        "not an object",
        {"sensor": "RG-T-001", "ts": "2026-11-22T08:00:00", "value": True},
    ]
    body = post(client, items).json()
    assert body["accepted"] == 1, body
    reasons = {r["index"]: r["error"] for r in body["rejected"]}
    assert set(reasons) == set(range(1, 10))
    assert "未知设备：NOPE" in reasons[1] and "数值" in reasons[2] and "NaN" in reasons[3]
    assert "ISO-8601" in reasons[4] and "超前" in reasons[5] and "过早" in reasons[6]
    assert "重复" in reasons[7] and "对象" in reasons[8] and "数值" in reasons[9]
    # Sending the same good reading again is harmless: it is reported as a duplicate and stored once.
    again = post(client, [items[0]]).json()
    assert again["accepted"] == 0 and "重复" in again["rejected"][0]["error"]
    assert Reading.objects.filter(sensor=gauge).count() == 1
    assert ReadingHourly.objects.get(sensor=gauge).count == 1


@pytest.mark.django_db
def test_a_sensor_outside_the_scope_is_unknown(client, gauge):
    client.force_login(persona("other_township_officer"))
    body = post(client, [{"sensor": "RG-T-001", "ts": iso(1), "value": 1}]).json()
    assert body["accepted"] == 0 and "未知设备" in body["rejected"][0]["error"]


@pytest.mark.django_db
def test_threshold_alarm_opens_raises_is_acknowledged_and_closes_after_recovery(client, gauge):
    client.force_login(persona("county_operator"))
    rule = client.post(
        "/api/v1/monitoring/rules/",
        {"sensor": "RG-T-001", "kind": "threshold", "direction": "above", "levels": {"yellow": 30, "red": 50}},
        content_type="application/json",
    )
    assert rule.status_code == 201, rule.content
    post(
        client, [{"sensor": "RG-T-001", "ts": iso(30), "value": 10}, {"sensor": "RG-T-001", "ts": iso(25), "value": 35}]
    )
    alarms = client.get("/api/v1/monitoring/alarms/", {"sensor": "RG-T-001", "status": "open"}).json()["results"]
    assert [(a["level"], a["value"], a["sensor"]) for a in alarms] == [("yellow", 35.0, "RG-T-001")]
    gauge.refresh_from_db()
    assert gauge.live_status == "yellow" and gauge.last_value == 35
    post(
        client, [{"sensor": "RG-T-001", "ts": iso(20), "value": 55}, {"sensor": "RG-T-001", "ts": iso(19), "value": 31}]
    )
    alarm = Alarm.objects.get(sensor=gauge)
    assert alarm.level == "red" and alarm.peak_value == 55
    acked = client.post(f"/api/v1/monitoring/alarms/{alarm.pk}/acknowledge/", {}, content_type="application/json")
    assert acked.json()["status"] == "acknowledged"
    # 29 is inside the threshold but not by the 5% margin (28.5): the alarm stays; 20 clears it.
    post(client, [{"sensor": "RG-T-001", "ts": iso(15), "value": 29}])
    assert Alarm.objects.get(sensor=gauge).status == "acknowledged"
    post(client, [{"sensor": "RG-T-001", "ts": iso(10), "value": 20}])
    alarm.refresh_from_db()
    gauge.refresh_from_db()
    assert alarm.status == "closed" and gauge.live_status == "normal"
    steps = list(alarm.events.values_list("action", "level"))
    assert steps == [("open", "yellow"), ("raise", "red"), ("acknowledge", "red"), ("close", "red")]
    audited = AuditEntry.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk))
    assert set(audited.values_list("action", flat=True)) == {
        "alarm_open",
        "alarm_raise",
        "alarm_acknowledge",
        "alarm_close",
    }
    # The township hears every level; the county only from orange up.
    officer = Notification.objects.filter(recipient=persona("township_officer"), category="alarm")
    county = Notification.objects.filter(recipient=persona("county_operator"), category="alarm")
    assert officer.count() == 2 and county.count() == 1 and "红色报警" in county.get().title


@pytest.mark.django_db
def test_rainfall_over_three_hours_accumulates(client, gauge):
    Rule.objects.create(sensor=gauge, kind="accumulation", window_minutes=180, orange=50)
    readings = [{"sensor": "RG-T-001", "ts": iso(240 - 20 * i), "value": 6.0} for i in range(12)]
    post(client, readings[:6])
    assert not Alarm.objects.filter(sensor=gauge).exists()  # 36 mm so far
    post(client, readings[6:])  # the window now holds 9 readings = 54 mm
    alarm = Alarm.objects.get(sensor=gauge)
    assert alarm.level == "orange" and alarm.value == pytest.approx(54.0)


@pytest.mark.django_db
def test_displacement_rate(client, tree):
    sensor = Sensor.objects.create(code="GNSS-T-1", name="位移", kind="gnss", region=tree.village, lon=1, lat=1)
    Rule.objects.create(sensor=sensor, kind="rate", window_minutes=60, yellow=5, red=20)
    client.force_login(persona("county_operator"))
    post(client, [{"sensor": "GNSS-T-1", "ts": iso(60 - 10 * i), "value": 100 + 0.5 * i} for i in range(4)])
    assert not Alarm.objects.filter(sensor=sensor).exists()  # 3 mm/h
    post(client, [{"sensor": "GNSS-T-1", "ts": iso(15), "value": 125.0}])  # +23.5 mm in 45 min ≈ 31 mm/h
    assert Alarm.objects.get(sensor=sensor).level == "red"


@pytest.mark.django_db
def test_offline_alarm_opens_and_recovers_with_data(client, gauge):
    Rule.objects.create(sensor=gauge, kind="offline", window_minutes=30, yellow=1)
    post(client, [{"sensor": "RG-T-001", "ts": iso(45), "value": 0}])
    assert services.offline_check() == 1 and services.offline_check() == 0
    gauge.refresh_from_db()
    assert gauge.live_status == "offline"
    post(client, [{"sensor": "RG-T-001", "ts": iso(1), "value": 0}])
    gauge.refresh_from_db()
    assert gauge.live_status == "normal" and Alarm.objects.get(sensor=gauge).status == "closed"


@pytest.mark.django_db
def test_rule_thresholds_must_rise_with_the_level(client, gauge):
    client.force_login(persona("county_operator"))
    bad = client.post(
        "/api/v1/monitoring/rules/",
        {"sensor": "RG-T-001", "kind": "threshold", "direction": "above", "levels": {"yellow": 30, "red": 20}},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "逐级升高" in str(bad.json())
    unknown = client.post(
        "/api/v1/monitoring/rules/", {"sensor": "RG-T-001", "levels": {"purple": 1}}, content_type="application/json"
    )
    assert unknown.status_code == 400 and "purple" in str(unknown.json())


@pytest.mark.django_db
def test_series_and_chart_page(client, gauge):
    Rule.objects.create(sensor=gauge, kind="threshold", yellow=30, red=50)
    post(client, [{"sensor": "RG-T-001", "ts": iso(5 * i), "value": float(i)} for i in range(5)])
    series = client.get("/api/v1/monitoring/sensors/RG-T-001/series/").json()
    assert series["resolution"] == "raw" and len(series["points"]) == 5
    assert [(t["level"], t["value"]) for t in series["thresholds"]] == [("yellow", 30.0), ("red", 50.0)]
    assert client.get("/api/v1/monitoring/sensors/RG-T-001/series/", {"hours": 200}).json()["resolution"] == "hourly"
    page = client.get(f"/monitoring/sensor/{gauge.pk}/chart/").content.decode()
    assert "echarts.min.js" in page and "RG-T-001" in page


@pytest.mark.django_db
def test_retention_deletes_old_raw_readings_and_keeps_rollups(client, gauge, settings):
    post(
        client,
        [
            {"sensor": "RG-T-001", "ts": iso(60 * 24 * 3), "value": 1.0},
            {"sensor": "RG-T-001", "ts": iso(5), "value": 2.0},
        ],
    )
    settings.ANLAN_READING_RETENTION_DAYS = 2
    summary = services.retention_job(timezone.localdate())
    assert "1 条" in summary
    assert list(Reading.objects.filter(sensor=gauge).values_list("value", flat=True)) == [2.0]
    assert ReadingHourly.objects.filter(sensor=gauge).count() == 2


@pytest.mark.django_db
def test_acknowledge_page_and_roles(client, gauge):
    Rule.objects.create(sensor=gauge, kind="threshold", yellow=10)
    post(client, [{"sensor": "RG-T-001", "ts": iso(3), "value": 12.0}])
    alarm = Alarm.objects.get(sensor=gauge)
    client.force_login(persona("viewer"))
    assert client.post(f"/monitoring/alarm/{alarm.pk}/acknowledge/", {"comment": "x"}).status_code == 403
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/monitoring/alarm/{alarm.pk}/acknowledge/").status_code == 404
    client.force_login(persona("township_officer"))
    response = client.post(f"/monitoring/alarm/{alarm.pk}/acknowledge/", {"comment": "已通知群测群防员"}, follow=True)
    assert "已确认报警" in response.content.decode()
    again = client.post(f"/monitoring/alarm/{alarm.pk}/acknowledge/", {}, follow=True)
    assert "不能确认" in again.content.decode()


def live_generation() -> int:
    from anlan.core.models import Generation
    from anlan.monitoring.models import LIVE_GENERATION

    found = Generation.objects.filter(name=LIVE_GENERATION).first()
    return found.value if found else 0


@pytest.mark.django_db
def test_each_batch_moves_the_live_generation_once_whatever_its_size(client, gauge, tree):
    """The sensors' live status is written without an audit entry; the batch moves one counter instead (one
    statement, not one per reading), and a batch that stores nothing moves nothing."""
    other = Sensor.objects.filter(active=True, region__code__startswith=tree.county.code[:6]).exclude(pk=gauge.pk)
    codes = ["RG-T-001", *other.order_by("pk").values_list("code", flat=True)[:9]]
    start = live_generation()
    first = {"sensor": "RG-T-001", "ts": iso(30), "value": 1}
    one = services.ingest([first])
    assert one.accepted == 1 and live_generation() == start + 1
    many = services.ingest(
        [{"sensor": code, "ts": iso(minutes), "value": 2} for code in codes for minutes in (5, 6, 7)]
    )
    assert many.accepted == 30 and live_generation() == start + 2
    nothing = services.ingest([first])  # a duplicate
    assert nothing.accepted == 0 and live_generation() == start + 2


@pytest.mark.django_db
def test_a_count_by_live_status_follows_ingest(client, gauge):
    """The sensors list keeps its page count per process (core.fastlist); ingest turning a sensor red shows
    in the 实时状态 filter's count on the next request."""
    Rule.objects.create(sensor=gauge, kind="threshold", red=50)
    client.force_login(persona("county_operator"))
    url = "/api/v1/monitoring/sensors/?live_status=red"
    before = client.get(url).json()["count"]
    assert client.get(url).json()["count"] == before  # kept
    services.ingest([{"sensor": "RG-T-001", "ts": iso(1), "value": 80}])
    after = client.get(url).json()
    assert after["count"] == before + 1 and "RG-T-001" in {row["code"] for row in after["results"]}
