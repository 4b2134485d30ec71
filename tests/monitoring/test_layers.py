"""The 一张图's open-alarms layer: every alarm not yet cleared at its sensor, coloured by level, in the
user's area only; a cleared alarm leaves the map. The sensors layer shows the last value with its unit.
Both are kept per process and a reading ingested through the service shows on the next request."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.geo.layers import get_layer
from anlan.monitoring import services
from anlan.monitoring.models import Alarm, Rule, Sensor
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def open_alarm(prefix: str, level: str) -> Alarm:
    sensor = Sensor.objects.filter(region__code__startswith=prefix, active=True).order_by("pk").first()
    rule = Rule.objects.filter(sensor=sensor).first() or Rule.objects.create(sensor=sensor, kind="threshold", red=1)
    return Alarm.objects.create(sensor=sensor, rule=rule, level=level, value=42.0, opened_at=timezone.now())


def layer(client, key):
    return client.get(f"/api/v1/map/layers/{key}/").json()["features"]


def test_open_alarms_are_drawn_at_their_sensor_in_the_users_area_only(client, tree):
    mine = open_alarm(tree.township.code[:9], "red")
    theirs = open_alarm(tree.other_township.code[:9], "orange")
    cleared = open_alarm(tree.township.code[:9], "blue")
    Alarm.objects.filter(pk=cleared.pk).update(status=Alarm.Status.CLOSED, closed_at=timezone.now())

    client.force_login(persona("township_officer"))
    found = {f["id"]: f for f in layer(client, "alarms_open")}
    assert set(found) == {mine.pk}
    feature = found[mine.pk]
    assert feature["geometry"]["coordinates"] == [mine.sensor.lon, mine.sensor.lat]
    props = feature["properties"]
    assert props["name"] == f"{mine.sensor.name} 红色报警"
    assert props["level"] == "红色" and props["status"] == "报警中"
    assert props["region_label"] == mine.sensor.region.name
    assert props["style"]["fillColor"] == "#e02020"
    assert props["url"] == f"/monitoring/alarm/{mine.pk}/"

    client.force_login(persona("county_operator"))
    assert {mine.pk, theirs.pk} <= {f["id"] for f in layer(client, "alarms_open")}
    assert cleared.pk not in {f["id"] for f in layer(client, "alarms_open")}


def test_a_sensor_popup_reads_its_last_value_with_the_unit(client, tree):
    sensor = Sensor.objects.filter(region__code__startswith=tree.township.code[:9], kind="rain_gauge").first()
    Sensor.objects.filter(pk=sensor.pk).update(last_value=5.590000000000003, last_ts=timezone.now(), unit="mm")
    client.force_login(persona("township_officer"))
    props = next(f["properties"] for f in layer(client, "sensors") if f["id"] == sensor.pk)
    assert props["reading"] == "5.59 mm"
    assert "code" not in client.get("/api/v1/map/layers/").json()["results"][0]["labels"]


# ---- kept per process, versioned by the live generation the ingest path moves (core.kept, geo.layers)

SENSORS = "/api/v1/map/layers/sensors/"
ALARMS = "/api/v1/map/layers/alarms_open/"


def counted_builds(monkeypatch, key: str) -> list:
    """Each call of the layer's features function, recorded: a kept layer is not built again."""
    layer = get_layer(key)
    calls, build = [], layer.features

    def features(user, params):
        calls.append(user.pk)
        return build(user, params)

    monkeypatch.setattr(layer, "features", features)
    return calls


def township_gauge(tree) -> Sensor:
    return (
        Sensor.objects.filter(region__code__startswith=tree.township.code[:9], active=True, kind="rain_gauge")
        .order_by("pk")
        .first()
    )


def reading(sensor, value: float, minutes_ago: float = 1) -> dict:
    return {
        "sensor": sensor.code,
        "ts": (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat(),
        "value": value,
    }


def props_of(response, pk) -> dict:
    return next(f["properties"] for f in response.json()["features"] if f["id"] == pk)


def test_the_sensors_layer_is_kept_until_a_reading_changes_it(client, tree, monkeypatch):
    sensor = township_gauge(tree)
    Rule.objects.filter(sensor=sensor).delete()  # no alarm step: the reading writes no audit entry at all
    builds = counted_builds(monkeypatch, "sensors")
    client.force_login(persona("township_officer"))
    first = client.get(SENSORS)
    etag = first["ETag"]
    assert first.status_code == 200 and etag and len(builds) == 1

    # Nothing changed: the browser's copy is confirmed (304, no body) and another client gets the kept body.
    again = client.get(SENSORS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert client.get(SENSORS).content == first.content
    assert len(builds) == 1

    audited = AuditEntry.objects.count()
    assert services.ingest([reading(sensor, 7.25)]).accepted == 1
    assert AuditEntry.objects.count() == audited  # the audit head did not move: the live generation did
    changed = client.get(SENSORS, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag and len(builds) == 2
    props = props_of(changed, sensor.pk)
    assert props["reading"] == "7.25 mm" and props["live_status"] == "正常"
    assert changed.content != first.content

    # The next reading's value replaces it at once; with none, the layer stays kept.
    assert services.ingest([reading(sensor, 9.5, minutes_ago=0.5)]).accepted == 1
    latest = client.get(SENSORS, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert latest.status_code == 200 and props_of(latest, sensor.pk)["reading"] == "9.5 mm"
    assert client.get(SENSORS, HTTP_IF_NONE_MATCH=latest["ETag"]).status_code == 304
    assert len(builds) == 3


def test_a_batch_that_stores_nothing_leaves_the_layer_kept(client, tree, monkeypatch):
    sensor = township_gauge(tree)
    item = reading(sensor, 3.0)
    assert services.ingest([item]).accepted == 1
    builds = counted_builds(monkeypatch, "sensors")
    client.force_login(persona("township_officer"))
    etag = client.get(SENSORS)["ETag"]
    duplicate = services.ingest([item, {"sensor": "NO-SUCH-SENSOR", "ts": item["ts"], "value": 1}])
    assert duplicate.accepted == 0 and len(duplicate.rejected) == 2
    assert client.get(SENSORS, HTTP_IF_NONE_MATCH=etag).status_code == 304 and len(builds) == 1


def test_an_alarm_and_its_peak_show_on_the_next_request(client, tree, monkeypatch):
    sensor = township_gauge(tree)
    Rule.objects.filter(sensor=sensor).delete()
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=20, red=50)
    client.force_login(persona("township_officer"))
    sensors, alarms = client.get(SENSORS), client.get(ALARMS)
    assert props_of(sensors, sensor.pk)["live_status"] != "红色报警"

    assert services.ingest([reading(sensor, 80, minutes_ago=2)]).alarm_steps == 1
    red = client.get(SENSORS, HTTP_IF_NONE_MATCH=sensors["ETag"])
    assert red.status_code == 200 and props_of(red, sensor.pk)["live_status"] == "红色报警"
    assert props_of(red, sensor.pk)["style"] == {"fillColor": "#e02020"}
    opened = client.get(ALARMS, HTTP_IF_NONE_MATCH=alarms["ETag"])
    alarm = Alarm.objects.get(sensor=sensor)
    assert opened.status_code == 200 and props_of(opened, alarm.pk)["value_text"] == "80 mm"

    # A higher reading of an alarm already red only moves its peak: no step, no audit entry, still shown.
    builds = counted_builds(monkeypatch, "alarms_open")
    audited = AuditEntry.objects.count()
    assert services.ingest([reading(sensor, 95, minutes_ago=1)]).alarm_steps == 0
    assert AuditEntry.objects.count() == audited
    peaked = client.get(ALARMS, HTTP_IF_NONE_MATCH=opened["ETag"])
    assert peaked.status_code == 200 and props_of(peaked, alarm.pk)["value_text"] == "95 mm"
    assert client.get(ALARMS, HTTP_IF_NONE_MATCH=peaked["ETag"]).status_code == 304 and len(builds) == 1


def test_the_offline_watch_shows_on_the_next_request(client, tree):
    sensor = township_gauge(tree)
    Rule.objects.filter(sensor=sensor).delete()
    Rule.objects.create(sensor=sensor, kind="offline", window_minutes=30, yellow=1)
    assert services.ingest([reading(sensor, 1.0, minutes_ago=45)]).accepted == 1
    client.force_login(persona("township_officer"))
    before = client.get(SENSORS)
    assert props_of(before, sensor.pk)["live_status"] == "正常"
    assert services.offline_check() >= 1
    after = client.get(SENSORS, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and props_of(after, sensor.pk)["live_status"] == "离线"


def test_a_kept_sensors_layer_reads_only_its_version(client, tree):
    """Kept: the request reads the version (one query over the tables, the live generation and the audit
    head) and sends what was built; the build's query is not run."""
    client.force_login(persona("county_operator"))
    client.get(SENSORS)
    with count_queries() as queries:
        kept = client.get(SENSORS)
    assert kept.status_code == 200
    version = [q["sql"] for q in queries.captured_queries if "core_generation" in q["sql"]]
    assert len(version) == 1 and "core_auditentry" in version[0] and "monitoring_sensor" in version[0]
    builds = [q["sql"] for q in queries.captured_queries if "last_value" in q["sql"]]
    assert builds == []
