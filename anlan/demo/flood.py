"""Demo 防汛 (issue 22 item 3): the county's 汛期 (重庆's statutory 5月1日–9月30日, standards §20.2 L3), 15
reservoirs of mixed SL 252 classes, 4 dikes on the river stations, 河道水位站 levels on the township water-level
sensors, and the 三个责任人 drawn from the registry's persons who already hold the duty roles 防汛行政/技术/巡查
责任人 (three reservoirs, one dike and some zones left incomplete, as a county finds them). With `full` (the full
demo county, not the small test county whose sensor, rule and alarm counts other tests rely on) also three
reservoir water-level sensors (one over 汛限水位) and the 山洪 two-level thresholds of twelve 山洪危险区 as
monitoring rules on their townships' rain gauges. Bulk writes, audited; no new registry persons."""

import datetime as dt
from decimal import Decimal

import numpy as np
from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.flood import rules
from anlan.flood.models import Dike, FlashFloodThreshold, FloodResponsibility, FloodSeason, Reservoir, RiverStation
from anlan.flood.services import thresholds_apply
from anlan.geo.models import Region, RegionLevel
from anlan.monitoring.models import Sensor
from anlan.registry.models import Person
from anlan.sites.models import HazardSite

# name, total storage (万m³), dam height (m), 汛限水位, 正常蓄水位, 设计洪水位, 校核洪水位 (m)
RESERVOIRS = [
    ("龙潭水库", "2850", "48.5", "412.00", "415.00", "417.20", "418.60"),  # 中型
    ("青龙水库", "865", "36.0", "356.50", "358.00", "359.80", "360.70"),  # 小(1)型
    ("白岩水库", "312", "28.0", "521.00", "522.50", "523.90", "524.60"),
    ("大河口水库", "146", "22.5", "288.00", "289.20", "290.40", "291.00"),
    ("红星水库", "100", "19.0", "633.00", "634.00", "635.10", "635.60"),  # exactly 100: 小(1)型
    ("石门水库", "96", "17.5", "705.00", "706.00", "707.00", "707.50"),  # 小(2)型 from here
    ("黄泥塘水库", "72", "15.0", "480.00", "481.00", "481.90", "482.30"),
    ("高桥水库", "55", "14.0", "392.00", "393.00", "393.80", "394.20"),
    ("长堰水库", "48", "13.5", "566.00", "567.00", "567.70", "568.00"),
    ("新田水库", "36", "12.0", "610.00", "610.80", "611.50", "611.80"),
    ("柏树湾水库", "28", "11.0", "455.00", "455.80", "456.40", "456.70"),
    ("双龙水库", "22", "10.5", "377.00", "377.60", "378.20", "378.50"),
    ("团结水库", "16", "9.0", "520.00", "520.60", "521.10", "521.30"),
    ("跃进水库", "12", "8.5", "498.00", "498.50", "499.00", "499.20"),
    ("水井湾水库", "10", "8.0", "430.00", "430.40", "430.90", "431.10"),  # exactly 10: 小(2)型
]
INCOMPLETE_RESERVOIRS = {2: ["technical"], 7: ["patrol"], 11: ["technical", "patrol"]}
RIVERS = ["长江", "大宁河", "抱龙河", "官渡河"]
# 准备转移 / 立即转移 (mm) for 1 h, 3 h, 24 h: steeper valleys get lower thresholds.
THRESHOLDS = [(25, 35, 45, 60, 90, 130), (30, 40, 50, 70, 100, 150), (35, 50, 60, 80, 120, 180)]


def season_dates(year: int) -> dict:
    return {
        "start": dt.date(year, 5, 1),
        "end": dt.date(year, 9, 30),
        "main_start": dt.date(year, 6, 1),
        "main_end": dt.date(year, 8, 31),
    }


def _persons_by(region_ids, role_code: str) -> dict[str, list[Person]]:
    out: dict[str, list[Person]] = {}
    qs = Person.objects.filter(region_id__in=list(region_ids), duty_roles__code=role_code).order_by("pk")
    for p in qs.only("pk", "region_id", "name"):
        out.setdefault(p.region_id, []).append(p)
    return out


def load(*, actor, county, townships, departments, full: bool = True, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = np.random.default_rng(2022)
    water = next((d for d in departments if d.kind == "water"), None)
    objects_bulk_create(
        actor=actor,
        model=FloodSeason,
        instances=[
            FloodSeason(
                region=county,
                year=today.year,
                basis="重庆市防汛抗旱条例第22条（演示）",
                synthetic=True,
                **season_dates(today.year),
            )
        ],
    )
    villages = list(
        Region.objects.filter(level=RegionLevel.VILLAGE, parent__in=townships)
        .only("code", "name", "parent", "center_lon", "center_lat")
        .order_by("code")
    )
    picks = rng.choice(len(villages), size=len(RESERVOIRS), replace=len(villages) < len(RESERVOIRS))
    reservoirs = []
    for i, (name, storage, height, limit, normal, design, check) in enumerate(RESERVOIRS):
        v = villages[int(picks[i])]
        reservoirs.append(
            Reservoir(
                code=f"{county.code[:6]}-SK-{i + 1:03d}",
                name=name,
                region_id=v.code,
                department=water,
                lon=round((v.center_lon or 109.8) + float(rng.uniform(-0.01, 0.01)), 6),
                lat=round((v.center_lat or 31.1) + float(rng.uniform(-0.01, 0.01)), 6),
                total_storage=Decimal(storage),
                size_class=rules.reservoir_class(Decimal(storage)),
                dam_type=Reservoir.DamType.EARTH if i % 3 else Reservoir.DamType.GRAVITY,
                dam_height=Decimal(height),
                flood_limit_level=Decimal(limit),
                normal_level=Decimal(normal),
                design_flood_level=Decimal(design),
                check_flood_level=Decimal(check),
                downstream_people=int(rng.integers(80, 2400)),
                synthetic=True,
            )
        )
    reservoirs = objects_bulk_create(actor=actor, model=Reservoir, instances=reservoirs)
    through = Reservoir.downstream_villages.through
    through.objects.bulk_create([through(reservoir_id=r.pk, region_id=r.region_id) for r in reservoirs])

    # 河道水位站: the township water-level sensors (their data is the level relative to 警戒水位, in m).
    wl = list(
        Sensor.objects.filter(kind=Sensor.Kind.WATER_LEVEL, code__startswith="WL-", region__in=townships).order_by(
            "code"
        )
    )
    stations = objects_bulk_create(
        actor=actor,
        model=RiverStation,
        instances=[
            RiverStation(
                sensor=s,
                river=RIVERS[i % len(RIVERS)],
                warning_level=Decimal("0.00"),
                guarantee_level=Decimal("1.20"),
                synthetic=True,
            )
            for i, s in enumerate(wl)
        ],
    )
    dikes = objects_bulk_create(
        actor=actor,
        model=Dike,
        instances=[
            Dike(
                code=f"{county.code[:6]}-DF-{i + 1:03d}",
                name=f"{s.sensor.region.name}{s.river}堤防",
                river=s.river,
                region_id=s.sensor.region_id,
                department=water,
                length_km=Decimal(str(round(float(rng.uniform(1.2, 8.5)), 2))),
                grade=4 if i else 3,
                protected_people=int(rng.integers(1500, 12000)),
                station=s,
                # At the station, to the 6 decimals (0.1 m) a map needs: the sensor's own float may carry a
                # 17th digit the database's text of it drops (the map layer is built both ways).
                lon=round(s.sensor.lon, 6),
                lat=round(s.sensor.lat, 6),
                synthetic=True,
            )
            for i, s in enumerate(stations[:4])
        ],
    )

    # 三个责任人 from the persons holding the duty roles: the village's 党支部书记 (行政) and 巡查员 (巡查), the
    # township's 水利站站长 (技术); dikes the township's 党委书记 (行政).
    zones = list(
        HazardSite.objects.filter(code__startswith=f"{county.code[:6]}-", kind__in=["flash_flood", "waterlogging"])
        .prefetch_related("monitors")
        .order_by("code")
    )
    regions = {r.region_id for r in reservoirs} | {z.region_id for z in zones} | {t.code for t in townships}
    regions |= {r.region_id[:9] + "000" for r in reservoirs} | {z.region_id[:9] + "000" for z in zones}
    admins = _persons_by(regions, "flood_admin")
    technical = _persons_by(regions, "flood_technical")
    patrols = _persons_by(regions, "flood_patrol")

    def first(found, *codes):
        for code in codes:
            if found.get(code):
                return found[code][0]
        return None

    rows = []

    def add(obj, kind, post, person):
        if person is not None:
            rows.append(
                FloodResponsibility(
                    **{kind: obj},
                    post=post,
                    person=person,
                    region_id=obj.region_id,
                    department_id=obj.department_id,
                    synthetic=True,
                )
            )

    for i, r in enumerate(reservoirs):
        town = r.region_id[:9] + "000"
        skip = INCOMPLETE_RESERVOIRS.get(i, [])
        add(r, "reservoir", "admin", first(admins, r.region_id, town))
        if "technical" not in skip:
            add(r, "reservoir", "technical", first(technical, town))
        if "patrol" not in skip:
            add(r, "reservoir", "patrol", first(patrols, r.region_id))
    for i, d in enumerate(dikes):
        add(d, "dike", "admin", first(admins, d.region_id))
        if i != 1:  # one dike still lacks its 技术责任人
            add(d, "dike", "technical", first(technical, d.region_id))
        add(d, "dike", "patrol", first(patrols, *[v.code for v in villages if v.parent_id == d.region_id][:3]))
    for i, z in enumerate(zones):
        town = z.region_id[:9] + "000"
        add(z, "site", "admin", first(admins, z.region_id, town))
        monitors = list(z.monitors.all())
        if i % 5 != 4:  # every fifth zone has no 监测责任人 named yet
            add(z, "site", "monitor", monitors[0] if monitors else first(patrols, z.region_id))
        if z.kind == "flash_flood":
            add(z, "site", "patrol", first(patrols, z.region_id))
    objects_bulk_create(actor=actor, model=FloodResponsibility, instances=rows)
    loaded = {
        "reservoirs": len(reservoirs),
        "dikes": len(dikes),
        "river_stations": len(stations),
        "flood_responsibilities": len(rows),
    }
    if full:
        loaded |= _sensors_and_thresholds(actor=actor, county=county, reservoirs=reservoirs, zones=zones, rng=rng)
    return loaded


def _sensors_and_thresholds(*, actor, county, reservoirs, zones, rng) -> dict[str, int]:
    """Three reservoir level sensors (the first over its 汛限水位 by 0.35 m) and twelve zones' thresholds."""
    now = timezone.now()
    sensors = []
    for i, r in enumerate(reservoirs[:3]):
        value = float(r.flood_limit_level) + (0.35 if i == 0 else -0.8 - i)
        sensors.append(
            Sensor(
                code=f"RWL-{r.code}",
                name=f"{r.name}库水位计",
                kind=Sensor.Kind.WATER_LEVEL,
                unit="m",
                region_id=r.region_id,
                department_id=r.department_id,
                station=r.name,
                lon=r.lon,
                lat=r.lat,
                last_ts=now - dt.timedelta(minutes=10),
                last_value=value,
                live_status=Sensor.LiveStatus.NORMAL,
                synthetic=True,
            )
        )
    sensors = objects_bulk_create(actor=actor, model=Sensor, instances=sensors)
    for r, s in zip(reservoirs, sensors, strict=False):
        r.sensor = s
    Reservoir.objects.bulk_update(reservoirs[:3], ["sensor"])
    flash = [z for z in zones if z.kind == "flash_flood"][:12]
    thresholds = []
    for i, z in enumerate(flash):
        p1, i1, p3, i3, p24, i24 = THRESHOLDS[i % len(THRESHOLDS)]
        thresholds.append(
            FlashFloodThreshold(
                site=z,
                prepare_1h=p1,
                immediate_1h=i1,
                prepare_3h=p3,
                immediate_3h=i3,
                prepare_24h=p24,
                immediate_24h=i24,
                basis="山洪灾害调查评价成果（演示）",
                synthetic=True,
            )
        )
    thresholds = objects_bulk_create(actor=actor, model=FlashFloodThreshold, instances=thresholds)
    gauges: dict[str, list[Sensor]] = {}
    for g in Sensor.objects.filter(kind=Sensor.Kind.RAIN_GAUGE, code__startswith="RG-").order_by("code"):
        gauges.setdefault(g.region_id[:9], []).append(g)
    written = 0
    for t in thresholds:
        mine = gauges.get(t.site.region_id[:9], [])[:1]
        if mine:
            t.gauges.set(mine)
            written += len(thresholds_apply(actor=actor, threshold=t))
    return {"reservoir_sensors": len(sensors), "flood_thresholds": len(thresholds), "flood_rules": written}
