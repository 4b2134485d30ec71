"""The 汛期 board: the rainiest gauges of the last 24 hours, river levels over 警戒/保证水位, reservoirs over
汛限水位, open 山洪 alarms with who acknowledged them, 三个责任人 completeness — in a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.flood import services
from anlan.flood.models import FlashFloodThreshold, Reservoir, RiverStation
from anlan.monitoring import services as monitoring
from anlan.monitoring.models import Alarm, Sensor
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def _level(sensor, value):
    Sensor.objects.filter(pk=sensor.pk).update(last_value=value, last_ts=timezone.now())


def test_the_board_shows_what_needs_attention(client, tree, django_assert_max_num_queries):
    now = timezone.now()
    gauges = list(Sensor.objects.filter(kind="rain_gauge", code__startswith="RG-").order_by("code")[:3])
    readings = [
        {"sensor": g.code, "ts": (now - dt.timedelta(hours=h)).isoformat(), "value": v}
        for g, v in zip(gauges, (12.5, 30.0, 4.0), strict=True)
        for h in (1, 2)
    ]
    old = {"sensor": gauges[2].code, "ts": (now - dt.timedelta(hours=30)).isoformat(), "value": 500}
    monitoring.ingest([*readings, old])
    stations = list(RiverStation.objects.select_related("sensor").order_by("pk")[:3])
    _level(stations[0].sensor, 0.4)  # over 警戒 (0.00)
    _level(stations[1].sensor, 1.5)  # over 保证 (1.20)
    _level(stations[2].sensor, -0.6)
    reservoir = Reservoir.objects.order_by("code").first()
    sensor = Sensor.objects.create(
        code="RWL-T",
        name="库水位计",
        kind="water_level",
        unit="m",
        region_id=reservoir.region_id,
        lon=reservoir.lon,
        lat=reservoir.lat,
    )
    reservoir.sensor = sensor
    reservoir.save()
    _level(sensor, float(reservoir.flood_limit_level) + 0.42)
    zone = FlashFloodThreshold.objects.create(site=_zone(), prepare_1h=10, immediate_1h=80)
    zone.gauges.set([gauges[1]])
    services.thresholds_apply(actor="测试", threshold=zone)
    monitoring.ingest([{"sensor": gauges[1].code, "ts": now.isoformat(), "value": 15}])
    alarm = Alarm.objects.get(rule__in=zone.rules.all())
    monitoring.alarm_acknowledge(actor=persona("township_officer"), alarm=alarm)

    client.force_login(persona("county_operator"))
    with django_assert_max_num_queries(20):
        page = client.get("/flood/board/").content.decode()
    rain = page.split('id="board-rain"')[1].split("</section>")[0]
    assert rain.index(gauges[1].name) < rain.index(gauges[0].name) < rain.index(gauges[2].name)
    assert "75.0 毫米" in rain or "75 毫米" in rain  # 30 + 30 + 15 in 24 h
    assert "8.0 毫米" in rain or "8 毫米" in rain  # the reading 30 h ago is not counted
    rivers = page.split('id="board-rivers"')[1].split("</section>")[0]
    assert "超保证" in rivers and "超警戒 0.4 米" in rivers
    assert rivers.index("超保证") < rivers.index("超警戒")
    reservoirs = page.split('id="board-reservoirs"')[1].split("</section>")[0]
    assert reservoir.name in reservoirs and "0.42 米" in reservoirs
    alarms = page.split('id="board-alarms"')[1].split("</section>")[0]
    assert zone.site.name in alarms and "准备转移" in alarms and persona("township_officer").display_name in alarms
    duty = page.split('id="board-duty"')[1].split("</section>")[0]
    assert "完整 12 / 15 座" in duty and "缺技术" in duty


def _zone():
    from anlan.sites.models import HazardSite

    return HazardSite.objects.filter(kind="flash_flood").exclude(flood_threshold__isnull=False).order_by("code").first()


def test_a_township_board_shows_its_own_rows_only(client, tree):
    client.force_login(persona("township_officer"))
    page = client.get("/flood/board/").content.decode()
    duty = page.split('id="board-duty"')[1].split("</section>")[0]
    mine = Reservoir.objects.filter(region__pk__startswith=tree.township.code[:9]).count()
    assert f"/ {mine} 座" in duty if mine else "辖区内没有登记水库" in duty  # not "0 / 0 座 … 均已落实"
    others = Reservoir.objects.exclude(region__pk__startswith=tree.township.code[:9])
    assert not [r.name for r in others if r.name in page]


def test_the_season_notice_reads_the_saved_dates_or_the_default(tree):
    from anlan.flood.models import FloodSeason

    day = dt.date(timezone.localdate().year, 6, 3)
    assert services.season_notice(tree.county.code, day).startswith("主汛期 第3天（汛期 5月1日至9月30日")
    FloodSeason.objects.all().delete()
    text = services.season_notice(tree.township.code, day)
    assert text.startswith("主汛期 第3天（汛期 4月1日至10月31日") and "按默认日期" in text
    assert services.season_notice(tree.county.code, dt.date(day.year, 12, 1)) is None
    season = services.season_for(tree.county.code, day.year)
    assert season.is_default and "水防〔2024〕89号" in season.basis


def test_the_home_page_carries_the_notice_in_the_season(client, tree, monkeypatch):
    from anlan.flood import panels

    monkeypatch.setattr(panels, "_today", lambda: dt.date(timezone.localdate().year, 7, 20))
    client.force_login(persona("township_officer"))
    page = client.get("/").content.decode()
    assert "防汛关键期 第5天" in page
    assert panels.home_notices(persona("enterprise_user")) == []
