"""A small second county (500238, 邻县) for the campaign and statistics tests: two townships, two departments,
seven enterprises with known flags, its own users. Nothing of the demo county falls in it, so every figure
of a test is the test's own, whatever the other parts' demo data hold."""

import datetime as dt
from dataclasses import dataclass, field

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.core.validators import credit_code_check_char
from anlan.enforcement.models import Finding, Inspection, PenaltyCase
from anlan.geo.models import Region, RegionLevel
from anlan.hazards.models import HiddenHazard
from anlan.registry.models import Department, Enterprise

COUNTY = "500238000000"
T1, T2 = "500238101000", "500238102000"


@dataclass
class World:
    county: Region
    t1: Region
    t2: Region
    yj: Department  # 应急管理局 (工贸)
    sj: Department  # 市场监管局
    e: dict[str, Enterprise] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


def _code(n: int) -> str:
    first17 = f"91500238MA{n:05d}XX"
    return first17 + credit_code_check_char(first17)


# name: (township, department, industry, flags)
ENTERPRISES = {
    "e1": (T1, "yj", "30", ["is_dust_explosive"]),
    "e2": (T1, None, "30", ["is_dust_explosive"]),
    "e3": (T1, "sj", "13", ["has_confined_space"]),
    "e4": (T1, "yj", "30", []),
    "e5": (T2, "yj", "33", ["is_dust_explosive"]),
    "e6": (T2, "sj", "31", ["is_dust_explosive"]),
    "e7": (T2, None, "13", ["is_dust_explosive", "has_confined_space"]),
}


def build_world() -> World:
    county = Region.objects.create(code=COUNTY, name="邻县", level=RegionLevel.COUNTY)
    t1 = Region.objects.create(code=T1, name="甲镇", level=RegionLevel.TOWNSHIP, parent=county)
    t2 = Region.objects.create(code=T2, name="乙镇", level=RegionLevel.TOWNSHIP, parent=county)
    yj = Department.objects.create(code="500238-YJ", name="邻县应急管理局", kind="emergency", region=county)
    sj = Department.objects.create(code="500238-SJ", name="邻县市场监管局", kind="market", region=county)
    world = World(county, t1, t2, yj, sj)
    departments = {"yj": yj, "sj": sj, None: None}
    for i, (name, (township, dep, industry, flags)) in enumerate(ENTERPRISES.items(), start=1):
        world.e[name] = Enterprise.objects.create(
            name=f"{name}企业",
            credit_code=_code(70000 + i),
            region_id=township,
            department=departments[dep],
            industry=industry,
            **dict.fromkeys(flags, True),
        )
    specs = {
        "county": (Role.COUNTY_OPERATOR, county, None),
        "t1": (Role.TOWNSHIP_OPERATOR, t1, None),
        "t2": (Role.TOWNSHIP_OPERATOR, t2, None),
        "yj": (Role.DEPARTMENT_OPERATOR, county, yj),
        "sj": (Role.DEPARTMENT_OPERATOR, county, sj),
        "viewer": (Role.VIEWER, county, None),
    }
    for name, (role, region, department) in specs.items():
        world.users[name] = User.objects.create(
            username=f"w238_{name}", role=role, region=region, department=department, must_change_password=False
        )
    world.users["enterprise"] = User.objects.create(
        username="w238_enterprise", role=Role.ENTERPRISE_USER, region=t1, enterprise=world.e["e1"]
    )
    return world


def inspect(
    enterprise: Enterprise,
    on: dt.date,
    *,
    campaign=None,
    department=None,
    findings: tuple[tuple[str, str | None], ...] = (),
) -> Inspection:
    """An inspection (of `campaign`, kind 专项整治, when given) with findings given as (level, hazard status
    or None for a finding without a hazard)."""
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        region_id=enterprise.region_id,
        department=department if department is not None else enterprise.department,
        kind=Inspection.Kind.CAMPAIGN if campaign else Inspection.Kind.PLANNED,
        campaign=campaign,
        inspected_on=on,
    )
    for i, (level, hazard_status) in enumerate(findings):
        hazard = None
        if hazard_status:
            hazard = HiddenHazard.objects.create(
                title=f"问题{i}",
                description="检查发现",
                region_id=enterprise.region_id,
                enterprise=enterprise,
                level=level,
                status=hazard_status,
                source=HiddenHazard.Source.INSPECTION,
                deadline=on + dt.timedelta(days=30),
            )
        Finding.objects.create(
            inspection=inspection, title=f"问题{i}", level=level, deadline=on + dt.timedelta(days=30), hazard=hazard
        )
    return inspection


def case(enterprise: Enterprise, opened_on: dt.date, *, status="opened", decided_on=None, fine=None, department=None):
    return PenaltyCase.objects.create(
        title="未按规定开展粉尘清扫",
        enterprise=enterprise,
        party_name=enterprise.name,
        region_id=enterprise.region_id,
        department=department if department is not None else enterprise.department,
        opened_on=opened_on,
        status=status,
        decided_on=decided_on,
        fine_yuan=fine,
    )
