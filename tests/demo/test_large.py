"""The large profile (issue 21 item 3) without loading it: its plan meets the definition of a large county,
and its bulk generators (rollups and readings, the scaled register, per-batch audit) are right at a small size."""

import datetime as dt
import itertools

import numpy as np
import pytest
import shapely
from django.db.models import Max, Min, Sum

from anlan.core.models import AuditEntry
from anlan.demo import large
from anlan.demo.enterprises import SECTORS, build_enterprises
from anlan.demo.loader import DEFAULT_FIGURES, ENTERPRISE_SPECS, _Gen, _WideGen
from anlan.demo.resources import PointSampler
from anlan.geo.boundaries import load_county_boundary
from anlan.geo.models import Region, RegionLevel
from anlan.geo.synth import generate_tree
from anlan.monitoring.models import Reading, ReadingHourly, Sensor
from anlan.registry.models import Department

COUNTY = "500237"


def test_large_plan_meets_the_definition_of_a_large_county():
    plan = large.LARGE_PLAN
    boundary = load_county_boundary(COUNTY)
    tree = generate_tree(f"{COUNTY}000000", shapely.make_valid(shapely.geometry.shape(boundary.geometry)), plan, 42)
    villages = [v for t in tree for v in t.children]
    assert len(tree) == plan.streets + plan.towns + plan.townships >= 50
    assert len(villages) == plan.villages >= 800
    assert len({r.code for r in [*tree, *villages]}) == len(tree) + len(villages)  # codes stay distinct
    assert all(len(t.children) >= 3 for t in tree)

    register = sum(s.count for s in SECTORS) * large.ENTERPRISE_SCALE
    assert register + len(ENTERPRISE_SPECS) >= 10_000
    assert register * large.HAZARDS_PER_ENTERPRISE >= 100_000
    assert large.HAZARD_HISTORY_DAYS >= 3 * 365  # several years of hidden hazards
    # The demo network on the large tree (the 861 instrumented hazard sites of the seeds' figures, two rain
    # gauges per township, a river gauge in every other) plus the village devices.
    network = 861 + 2 * len(tree) + (len(tree) + 1) // 2
    assert network + len(villages) * len(large.VILLAGE_DEVICES) >= 5_000
    assert large.ROLLUP_HOURS == 365 * 24
    assert DEFAULT_FIGURES["geo_monitors_per_village"] == 2  # unchanged for the small profile


@pytest.mark.django_db
def test_rollups_for_three_sensors_over_two_days_are_hourly_plausible_and_match_the_readings(tree):
    village = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=COUNTY).order_by("code").first()
    sensors = [
        Sensor.objects.create(code=f"T-{kind}", name=kind, kind=kind, region=village, lon=109.9, lat=31.1)
        for kind in ("rain_gauge", "water_level", "crack")
    ]
    end = dt.datetime(2026, 7, 15, 10, 37, tzinfo=dt.UTC)  # the flood season: rain is likely
    written = large.write_measurements(sensors, end=end, rng=np.random.default_rng(7), hours=48, reading_hours=6)

    rollups = ReadingHourly.objects.filter(sensor__in=sensors)
    assert written["hourly_rollups"] == rollups.count() == 3 * 48
    for sensor in sensors:
        hours = list(rollups.filter(sensor=sensor).order_by("hour").values_list("hour", flat=True))
        assert len(hours) == 48
        assert hours[-1] == dt.datetime(2026, 7, 15, 9, tzinfo=dt.UTC)  # the last full hour, not the current
        assert all((b - a) == dt.timedelta(hours=1) for a, b in itertools.pairwise(hours))
    for row in rollups:
        assert 1 <= row.count <= large.PER_HOUR
        assert row.min <= row.avg + 1e-9 and row.avg <= row.max + 1e-9
    by_kind = {s.kind: rollups.filter(sensor=s) for s in sensors}
    rain = by_kind["rain_gauge"].aggregate(low=Min("min"), high=Max("max"))
    assert rain["low"] >= 0 and rain["high"] < 100  # mm in 10 minutes
    level = by_kind["water_level"].aggregate(low=Min("min"), high=Max("max"))
    assert -4 < level["low"] <= level["high"] < 1  # m relative to the 警戒水位, below it on a normal day
    crack = by_kind["crack"].aggregate(low=Min("min"), high=Max("max"))
    assert 0 < crack["low"] <= crack["high"] < 20  # mm of opening

    # The raw readings of the last six hours, every 10 minutes, add up to those hours' rollups.
    readings = Reading.objects.filter(sensor__in=sensors)
    assert (
        written["readings"]
        == readings.count()
        == rollups.filter(hour__gte=end - dt.timedelta(hours=7)).aggregate(n=Sum("count"))["n"]
    )
    assert 3 * 6 * 6 * 0.9 <= readings.count() <= 3 * 6 * 6
    per_hour = {
        (r["sensor"], r["hour"]): r
        for r in rollups.filter(hour__gte=end - dt.timedelta(hours=7)).values("sensor", "hour", "count", "sum")
    }
    for sensor in sensors:
        counted = readings.filter(sensor=sensor).values_list("ts", "value").order_by("ts")
        grouped: dict = {}
        for ts, value in counted:
            assert ts.minute % 10 == 0 and ts.second == 0
            grouped.setdefault(ts.replace(minute=0), []).append(value)
        for hour, values in grouped.items():
            rollup = per_hour[(sensor.pk, hour)]
            assert rollup["count"] == len(values)
            assert rollup["sum"] == pytest.approx(sum(values), abs=1e-6)
        sensor.refresh_from_db()
        assert sensor.last_ts == max(ts for ts, _ in counted) and sensor.live_status == "normal"


@pytest.mark.django_db
def test_bulk_create_summarised_audits_one_entry_per_batch(tree):
    county = Region.objects.get(code=f"{COUNTY}000000")
    before = AuditEntry.objects.count()
    departments = [
        Department(code=f"T-{i}", name=f"测试部门{i}", kind="other", region=county, synthetic=True) for i in range(5)
    ]
    from anlan.demo.bulk import bulk_create_summarised

    created = bulk_create_summarised(
        actor="演示数据", county=county, model=Department, instances=departments, label="部门", batch=2
    )
    assert [d.pk is not None for d in created] == [True] * 5
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert [e.after["count"] for e in entries] == [2, 2, 1]
    assert all(e.action == "demo_bulk_create" and e.object_type == "registry.department" for e in entries)
    assert entries[0].after["first_id"] == created[0].pk and entries[-1].after["last_id"] == created[-1].pk
    assert "共 5 条" in entries[-1].object_repr


@pytest.mark.django_db
def test_scaled_register_has_distinct_names_codes_and_phones(tree):
    county = Region.objects.get(code=f"{COUNTY}000000")
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    villages: dict = {t.code: [] for t in townships}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=COUNTY).order_by("code"):
        villages[v.parent_id].append(v)
    departments = list(Department.objects.filter(code__startswith=COUNTY))
    register = build_enterprises(
        _WideGen(42, stream=3000),
        PointSampler(np.random.default_rng(3500)),
        county,
        townships,
        villages,
        departments,
        taken_names=set(),
        taken_codes=set(),
        multiple=large.ENTERPRISE_SCALE,
    )  # on the small tree: half the places of the large one, so names are harder to keep distinct
    assert len(register) == sum(s.count for s in SECTORS) * large.ENTERPRISE_SCALE >= 10_000
    assert len({e.name for e in register}) == len(register)
    assert len({e.credit_code for e in register}) == len(register)
    phones = [p for e in register for p in (e.principal_phone, e.safety_manager_phone)]
    assert len(set(phones)) == len(phones) and all(p.startswith("19901") and len(p) == 11 for p in phones)
    per_sector = {s.key: 0 for s in SECTORS}
    for e in register:
        per_sector[e.demo_sector] += 1
    assert per_sector == {s.key: s.count * large.ENTERPRISE_SCALE for s in SECTORS}
    # The small register's generator is untouched: the 199 0001 block.
    assert _Gen(42, stream=3000, phone_block="1990001").phone().startswith("1990001")


def test_progress_prints_each_stage_with_elapsed_time():
    import io

    out = io.StringIO()
    progress = large.Progress(out)
    progress("企业 10254 家")
    progress("隐患 102480 条")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].endswith("隐患 102480 条") and " s" in lines[1]
