"""The demo network and the recorded storm: replayed through the real path, alarms fire on the map."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anlan.monitoring.models import Alarm, Sensor
from anlan.testing.personas import persona


@pytest.mark.django_db
def test_demo_has_the_seed_monitoring_points():
    on_sites = Sensor.objects.filter(hazard_site__code__startswith="500237-DZ-")
    assert on_sites.count() == 828 + 33  # 智能化监测预警 828 处, 专业监测 33 处 (seed 000)
    assert Sensor.objects.filter(kind="rain_gauge").count() == 52
    assert not Sensor.objects.filter(rules=None, kind__in=["rain_gauge", "gnss", "water_level"]).exists()


@pytest.mark.django_db
def test_storm_replay_raises_rain_landslide_and_river_alarms_and_colours_the_map(client, capsys):
    call_command("replay")
    out = capsys.readouterr().out
    assert "拒收 0" in out
    open_alarms = Alarm.objects.exclude(status="closed").select_related("sensor", "rule")
    kinds = {(a.sensor.kind, a.level) for a in open_alarms}
    assert ("gnss", "red") in kinds and ("water_level", "orange") in kinds
    assert any(kind == "rain_gauge" and level == "red" for kind, level in kinds)
    # The 1-hour rain alarms closed once the cell moved on; the 3-hour ones are still open.
    assert Alarm.objects.filter(rule__name="1小时雨量", status="closed").exists()
    client.force_login(persona("county_operator"))
    features = client.get("/api/v1/map/layers/sensors/").json()["features"]
    status = {f["properties"]["code"]: f["properties"]["live_status"] for f in features}
    gnss = open_alarms.get(sensor__kind="gnss").sensor
    assert status[gnss.code] == "红色报警"
    colours = {f["properties"]["code"]: f["properties"]["style"]["fillColor"] for f in features}
    assert colours[gnss.code] == "#e02020"


def test_a_bad_file_is_refused_with_its_reason(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,code,v\n1,x,2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="表头应为 minute,sensor,value"):
        call_command("replay", str(bad))
    with pytest.raises(CommandError, match="无法读取"):
        call_command("replay", str(tmp_path / "missing.csv"))
