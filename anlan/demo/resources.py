"""Demo rescue forces, experts, equipment and shelters, from the seeds' figures for 巫山县.

000 三(三)9: a 30-person county comprehensive team, 9 regional teams of 15, 1 militia team,
134 community micro rescue (fire) stations, professional teams for power, water supply, gas,
transport and forests; 000 三(二): 8 shelters for 26,000+ people.
"""

from shapely.geometry import shape

from anlan.core.services import objects_bulk_create
from anlan.geo.synth import sample_inside
from anlan.resources.models import Equipment, Expert, RescueTeam, Shelter, Specialty
from anlan.resources.services import specialties_sync

FIGURES = {
    "county_team": 30,
    "regional_teams": 9,
    "regional_headcount": 15,
    "micro_stations": 134,
    "micro_headcount": 6,  # 微型消防站建设标准: at least 6 members
    "shelters": 8,
    "shelter_people": 26_000,
}
PROFESSIONAL = [
    ("电力抢修队", "power", "JX"),
    ("供水抢修队", "water_supply", "ZJ"),
    ("燃气抢修队", "gas", "ZJ"),
    ("交通抢通队", "road", "JT"),
    ("森林消防专业队", "forest_fire", "LY"),
]
EXPERT_FIELDS = [
    "safety_production",
    "hazchem",
    "geology",
    "meteorology",
    "hydrology",
    "medical",
    "construction",
    "fire",
]
EXPERT_ORGS = [
    "县应急管理局",
    "县规划和自然资源局",
    "县气象局",
    "县水利局",
    "县人民医院",
    "县住房和城乡建设委员会",
    "重庆三峡学院",
]
TITLES = ["正高级工程师", "高级工程师", "工程师", "主任医师", "副教授"]


class PointSampler:
    """Random points inside regions, deterministic for the generator's seed."""

    def __init__(self, rng):
        self.rng = rng
        self._geoms = {}

    def inside(self, region) -> tuple[float, float]:
        geom = self._geoms.get(region.code)
        if geom is None:
            geom = self._geoms[region.code] = shape(region.boundary)
        x, y = sample_inside(geom, 1, self.rng)[0]
        return round(float(x), 6), round(float(y), 6)


def load_resources(*, actor, gen, points, county, townships, villages, departments) -> dict[str, int]:
    specialties_sync()
    spec = {s.code: s for s in Specialty.objects.all()}
    depts = {d.code.split("-")[-1]: d for d in departments}
    rng = points.rng
    seat = townships[0]
    teams, team_specs = [], []

    def team(name, kind, region, headcount, specialties, department=None):
        lon, lat = points.inside(region)
        teams.append(
            RescueTeam(
                name=name,
                kind=kind,
                region=region,
                department=department,
                headcount=headcount,
                lon=lon,
                lat=lat,
                address=f"{county.name}{region.name}",
                leader=gen.name(),
                leader_phone=gen.phone(),
                synthetic=True,
            )
        )
        team_specs.append([spec[c] for c in specialties])

    team(
        f"{county.name}消防救援大队",
        RescueTeam.Kind.FIRE_RESCUE,
        seat,
        45,
        ["fire", "collapse", "water", "hazchem"],
        depts.get("XF"),
    )
    team(
        f"{county.name}综合应急救援队",
        RescueTeam.Kind.COUNTY,
        seat,
        FIGURES["county_team"],
        ["flood", "geo_disaster", "collapse", "forest_fire"],
        depts.get("YJ"),
    )
    step = max(1, len(townships) // FIGURES["regional_teams"])
    for t in townships[1::step][: FIGURES["regional_teams"]]:
        team(
            f"{t.name}区域应急救援队",
            RescueTeam.Kind.REGIONAL,
            t,
            FIGURES["regional_headcount"],
            ["flood", "geo_disaster", "forest_fire"],
            depts.get("YJ"),
        )
    team(f"{county.name}民兵应急连", RescueTeam.Kind.MILITIA, seat, 40, ["flood", "forest_fire", "logistics"])
    for name, specialty, dept in PROFESSIONAL:
        team(f"{county.name}{name}", RescueTeam.Kind.PROFESSIONAL, seat, 20, [specialty], depts.get(dept))
    picks = rng.choice(len(villages), size=min(FIGURES["micro_stations"], len(villages)), replace=False)
    for index in sorted(picks):
        v = villages[int(index)]
        team(f"{v.name}微型消防站", RescueTeam.Kind.MICRO_STATION, v, FIGURES["micro_headcount"], ["fire"])
    created = objects_bulk_create(actor=actor, model=RescueTeam, instances=teams)
    through = RescueTeam.specialties.through
    through.objects.bulk_create(
        [
            through(rescueteam_id=t.pk, specialty_id=s.pk)
            for t, specs in zip(created, team_specs, strict=True)
            for s in specs
        ]
    )

    experts, expert_specs = [], []
    for i in range(24):
        field = EXPERT_FIELDS[i % len(EXPERT_FIELDS)]
        lon, lat = points.inside(seat)
        experts.append(
            Expert(
                name=gen.name(),
                region=county,
                title=TITLES[i % len(TITLES)],
                organisation=EXPERT_ORGS[i % len(EXPERT_ORGS)].replace("县", county.name, 1),
                phone=gen.phone(),
                lon=lon,
                lat=lat,
                synthetic=True,
            )
        )
        expert_specs.append([spec[field]])
    created_experts = objects_bulk_create(actor=actor, model=Expert, instances=experts)
    through = Expert.specialties.through
    through.objects.bulk_create(
        [
            through(expert_id=e.pk, specialty_id=s.pk)
            for e, specs in zip(created_experts, expert_specs, strict=True)
            for s in specs
        ]
    )

    kinds = [
        (Equipment.Kind.EXCAVATOR, "挖掘机", "交通抢通队", 4),
        (Equipment.Kind.LOADER, "装载机", "交通抢通队", 3),
        (Equipment.Kind.CRANE, "汽车起重机", "消防救援大队", 2),
        (Equipment.Kind.GENERATOR, "移动发电机组", "电力抢修队", 6),
        (Equipment.Kind.PUMP_TRUCK, "大流量排涝泵车", "综合应急救援队", 2),
        (Equipment.Kind.BOAT, "冲锋舟", "综合应急救援队", 8),
        (Equipment.Kind.DRONE, "侦察无人机", "综合应急救援队", 5),
        (Equipment.Kind.SATELLITE, "卫星通信指挥车", "综合应急救援队", 1),
        (Equipment.Kind.LIGHTING, "应急照明车", "消防救援大队", 2),
        (Equipment.Kind.FIRE_ENGINE, "水罐消防车", "消防救援大队", 6),
    ]
    by_suffix = {t.name.removeprefix(county.name): t for t in created}
    equipment = []
    for kind, name, owner_suffix, quantity in kinds:
        owner = by_suffix.get(owner_suffix)
        equipment.append(
            Equipment(
                name=name,
                kind=kind,
                quantity=quantity,
                region=owner.region if owner else seat,
                team=owner,
                owner=owner.name if owner else f"{county.name}应急管理局",
                lon=owner.lon if owner else seat.center_lon,
                lat=owner.lat if owner else seat.center_lat,
                synthetic=True,
            )
        )
    objects_bulk_create(actor=actor, model=Equipment, instances=equipment)

    shelters = _shelters(gen, points, county, townships)
    objects_bulk_create(actor=actor, model=Shelter, instances=shelters)
    return {
        "teams": len(created),
        "experts": len(created_experts),
        "equipment": len(equipment),
        "shelters": len(shelters),
    }


def _shelters(gen, points, county, townships) -> list[Shelter]:
    """8 shelters holding 26,000 people at 1.5 m² each: two county-level, six township-level."""
    capacities = [6000, 5000, 2500, 2500, 2500, 2500, 2500, 2500]
    assert sum(capacities) == FIGURES["shelter_people"] and len(capacities) == FIGURES["shelters"]
    names = ["体育场", "滨江公园", "中学操场", "小学操场", "文化广场", "中心小学", "集镇广场", "中学"]
    out = []
    for i, capacity in enumerate(capacities):
        township = townships[0] if i < 2 else townships[(i * 3) % len(townships)]
        lon, lat = points.inside(township)
        county_level = i < 2
        out.append(
            Shelter(
                name=f"{township.name.removesuffix('街道').removesuffix('镇').removesuffix('乡')}{names[i]}应急避难场所",
                region=township,
                level=Shelter.Level.COUNTY if county_level else Shelter.Level.TOWNSHIP,
                period=Shelter.Period.MEDIUM if county_level else Shelter.Period.SHORT,
                site_class=Shelter.SiteClass.II if county_level else Shelter.SiteClass.III,
                effective_area_m2=capacity * 1.5,
                area_per_person_m2=1.5,
                address=f"{county.name}{township.name}",
                lon=lon,
                lat=lat,
                has_water=True,
                has_power=True,
                has_toilets=True,
                has_medical=county_level,
                has_broadcast=True,
                manager=gen.name(),
                manager_phone=gen.phone(),
                synthetic=True,
            )
        )
    return out
