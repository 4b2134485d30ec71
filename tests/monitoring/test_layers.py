"""The 一张图's open-alarms layer: every alarm not yet cleared at its sensor, coloured by level, in the
user's area only; a cleared alarm leaves the map. The sensors layer shows the last value with its unit."""

import pytest
from django.utils import timezone

from anlan.monitoring.models import Alarm, Rule, Sensor
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
