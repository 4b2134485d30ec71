"""What a look at every 防汛 page as each role found (issue 22, scripts/screenshots_flood.py at 1440 and 390 px,
docs/img/flood/): the 水利局's operator could not set a zone's thresholds (the 气象局's rain gauges were hidden from
it, and a gauge is required); the read-only viewer was offered 修改阈值 (a 403); a river 0.35 m over its 保证水位
read "超保证 1.55 米" (its excess over 警戒); dates read "05月01日"; the posts came in the codes' alphabet (行政、巡查、
技术); the 公示 hid a missing 技术责任人 and put the phone beyond a sideways scroll; the 防汛责任人 list led with an
empty 水库 column ("—"); a reservoir's page had no 工程规模 or 等别; the forms offered every sensor, hazard site and
region; a village with no works read "完整 0 / 0 座 … 均已落实" and was told to register river stations it may not."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from anlan.flood import services
from anlan.flood.models import FlashFloodThreshold, FloodSeason, Reservoir, RiverStation
from anlan.monitoring.models import Sensor
from anlan.registry.models import Department
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona
from tests.flood.helpers import assign, person, reservoir

pytestmark = pytest.mark.django_db


def test_the_water_department_sets_a_zones_thresholds_on_the_weather_bureaus_gauges(client, tree):
    dept = persona("department_operator")
    zone = HazardSite.objects.restrict(dept, "change").filter(kind="flash_flood").order_by("code").first()
    weather, _ = Department.objects.get_or_create(region=tree.county, name="测试县气象局")
    gauge = Sensor.objects.filter(kind="rain_gauge", region__pk__startswith=zone.region_id[:9]).order_by("code").first()
    Sensor.objects.filter(pk=gauge.pk).update(department=weather, active=True)
    assert not Sensor.objects.restrict(dept).filter(pk=gauge.pk).exists()  # not its gauge to manage
    client.force_login(dept)
    page = client.get("/flood/thresholds/add/", {"site": zone.pk}).content.decode()
    assert f'name="gauges" value="{gauge.pk}"' in page
    response = client.post(
        "/flood/thresholds/add/",
        {"site": zone.pk, "prepare_1h": "30", "immediate_1h": "45", "gauges": [gauge.pk], "basis": "调查评价"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = FlashFloodThreshold.objects.get(site=zone)
    assert list(saved.rules.filter(active=True).values_list("sensor_id", flat=True)) == [gauge.pk]


def test_only_a_role_that_may_change_thresholds_is_offered_to(client, tree):
    zone = HazardSite.objects.filter(kind="flash_flood").order_by("code").first()
    threshold = FlashFloodThreshold.objects.create(site=zone, prepare_1h=20, immediate_1h=40)
    edit = f"/flood/thresholds/{threshold.pk}/set/"
    client.force_login(persona("viewer"))
    page = client.get(f"/flood/flashfloodthreshold/{threshold.pk}/").content.decode()
    assert "20.0" in page and edit not in page
    client.force_login(persona("county_operator"))
    assert edit in client.get(f"/flood/flashfloodthreshold/{threshold.pk}/").content.decode()


def test_a_river_over_its_guarantee_level_reads_by_how_much_over_that_level(client, tree):
    """1.55 m against 保证 1.20 m read "超保证 1.55 米" (the excess over the 警戒水位 0.00 m)."""
    station = RiverStation.objects.select_related("sensor").order_by("pk").first()
    RiverStation.objects.filter(pk=station.pk).update(warning_level=0, guarantee_level=Decimal("1.20"))
    Sensor.objects.filter(pk=station.sensor_id).update(last_value=1.55, last_ts=timezone.now())
    client.force_login(persona("county_operator"))
    rivers = client.get("/flood/board/").content.decode().split('id="board-rivers"')[1].split("</section>")[0]
    assert "超保证 0.35 米" in rivers and "超保证 1.55 米" not in rivers


def test_season_dates_read_as_chinese_dates(client, tree):
    day = dt.date(timezone.localdate().year, 6, 3)
    assert "汛期 5月1日至9月30日" in services.season_notice(tree.county.code, day)
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=40), today - dt.timedelta(days=2)  # the season just ended
    FloodSeason.objects.update_or_create(
        region=tree.county, year=today.year, defaults={"start": start, "end": end, "main_start": start, "main_end": end}
    )
    client.force_login(persona("county_operator"))
    page = client.get("/flood/board/").content.decode()
    notice = page.split('id="season-notice">')[1].split("</p>")[0]
    assert f"汛期 {start.month}月{start.day}日至{end.month}月{end.day}日" in notice
    assert not re.search(r"(^|[^0-9])0[0-9][月日]", notice)


def test_the_posts_come_in_their_order_and_the_public_page_names_a_missing_one(client, tree):
    r = reservoir(tree.village, code="T-SK-ORDER")
    assign(r, "patrol", person(tree.village, "钱巡查", "13900002222"))
    assign(r, "admin", person(tree.village, "赵行政", "13900003333"))
    client.force_login(persona("county_operator"))
    page = client.get(f"/flood/reservoir/{r.pk}/duty/").content.decode()
    table = page.split('id="duty-table"')[1]
    assert table.index("赵行政") < table.index("钱巡查")
    assert f'href="/flood/reservoir/{r.pk}/"' in page  # back to the reservoir itself
    client.logout()
    public = client.get(f"/p/flood/{tree.county.code}/").content.decode()
    block = public.split(r.name)[1].split("</article>")[0]
    assert block.index("行政责任人") < block.index("巡查责任人")
    assert '<th>技术责任人</th><td colspan="2" class="muted">责任人待公布</td>' in block
    assert "139****3333" in block and "13900003333" not in public


def test_the_responsibility_list_names_the_work_and_a_reservoir_shows_its_class(client, tree):
    r = reservoir(tree.village, code="T-SK-LIST", storage="150")
    assign(r, "admin", person(tree.village, "孙行政", "13900004444"))
    client.force_login(persona("county_operator"))
    listing = client.get("/flood/floodresponsibility/", {"post": "admin", "region": tree.village.code}).content
    rows = listing.decode().split("<tbody>")[1]  # (the 责任人 filter above lists the name too)
    row = rows.split("孙行政")[0].rsplit("<tr>", 1)[1]
    assert f"{r.name}（水库）" in row and ">—</a>" not in row
    detail = client.get(f"/flood/reservoir/{r.pk}/").content.decode()
    assert "工程规模" in detail and "小(1)型" in detail and "工程等别" in detail and "Ⅳ" in detail


def test_a_village_without_works_is_told_so(client, tree):
    worker = persona("village_grid_worker")
    Reservoir.objects.restrict(worker).delete()
    assert not RiverStation.objects.restrict(worker).exists()
    client.force_login(worker)
    board = client.get("/flood/board/").content.decode()
    duty = board.split('id="board-duty"')[1].split("</section>")[0]
    assert "辖区内没有登记水库" in duty and "0 / 0" not in duty and "均已落实" not in duty
    assert "没有登记河道水位站。" in board  # without the step it may not take (registering a station)
    assert "辖区内没有登记" in client.get("/flood/duty/").content.decode()
    client.force_login(persona("county_operator"))
    board = client.get("/flood/board/").content.decode()
    assert "辖区内没有登记水库" not in board and "完整" in board.split('id="board-duty"')[1]


def _options(page: str, name: str) -> str:
    return page.split(f'name="{name}"')[1].split("</select>")[0]


def test_the_forms_offer_only_what_fits_the_field(client, tree):
    """库水位计 offered every GNSS and crack meter, 防汛责任人 every landslide, 汛期 every township and village."""
    client.force_login(persona("county_operator"))
    sensors = _options(client.get("/flood/reservoir/add/").content.decode(), "sensor")
    level = Sensor.objects.filter(kind="water_level").order_by("pk").first()
    other = Sensor.objects.exclude(kind="water_level").order_by("pk").first()
    assert f'value="{level.pk}"' in sensors and f'value="{other.pk}"' not in sensors
    sites = _options(client.get("/flood/floodresponsibility/add/").content.decode(), "site")
    zone = HazardSite.objects.filter(kind="flash_flood").order_by("pk").first()
    slide = HazardSite.objects.exclude(kind__in=["flash_flood", "waterlogging"]).order_by("pk").first()
    assert f'value="{zone.pk}"' in sites and f'value="{slide.pk}"' not in sites
    regions = _options(client.get("/flood/floodseason/add/").content.decode(), "region")
    assert f'value="{tree.county.code}"' in regions and f'value="{tree.township.code}"' not in regions


def test_go_acknowledge_is_offered_only_to_those_on_duty_for_the_alarm(client, tree):
    from anlan.monitoring import services as monitoring
    from tests.flood.test_board import _zone

    gauge = Sensor.objects.filter(kind="rain_gauge", code__startswith="RG-").order_by("code").first()
    threshold = FlashFloodThreshold.objects.create(site=_zone(), prepare_1h=10, immediate_1h=80)
    threshold.gauges.set([gauge])
    services.thresholds_apply(actor="测试", threshold=threshold)
    monitoring.ingest([{"sensor": gauge.code, "ts": timezone.now().isoformat(), "value": 15}])
    client.force_login(persona("viewer"))
    alarms = client.get("/flood/board/").content.decode().split('id="board-alarms"')[1].split("</section>")[0]
    assert "准备转移" in alarms and "尚无人确认" in alarms and "去确认" not in alarms
    client.force_login(persona("county_operator"))
    assert "去确认" in client.get("/flood/board/").content.decode()
