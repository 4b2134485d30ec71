"""The demo county: real boundary, synthetic townships, villages, departments, persons and users.

Figures come from the seeds where they give them (巫山县: 766 群测群防员, 54 地质灾害专管员);
the rest follow the usual staffing of a county (a 应急管理员 per township, a 网格员 and a 防汛巡查
责任人 per village …). Everything generated is flagged synthetic and depends only on the seed.
"""

import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from anlan.accounts.models import User
from anlan.accounts.services import user_create
from anlan.core.audit import AuditItem, append
from anlan.core.roles import Role
from anlan.core.services import objects_bulk_create
from anlan.core.validators import CREDIT_CODE_CHARS, credit_code_check_char, id_number_check_char
from anlan.geo.models import Region, RegionLevel
from anlan.geo.services import county_load
from anlan.hazards.models import HiddenHazard
from anlan.hazards.workflow import CLOSED
from anlan.plans.defaults import install_county_plans
from anlan.registry.models import Department, DutyRole, Enterprise, Person
from anlan.registry.services import duty_roles_sync
from anlan.risk.models import MajorHazardSource

from .bulk import bulk_create_summarised
from .disaster_registers import add_demo_registers
from .disaster_relief import load_disaster_relief
from .disaster_stats import history_name as disaster_history_name
from .disaster_stats import load_history as load_disaster_history
from .disaster_transfer import load_households
from .duty import load_duty
from .duty_log import load_duty_log
from .enterprise_risk import load_enterprise_risk
from .enterprises import build_enterprises
from .large import ENTERPRISE_SCALE, HAZARD_HISTORY_DAYS, HAZARDS_PER_ENTERPRISE, LARGE_PLAN, load_large_monitoring
from .monitoring import load_monitoring
from .resources import PointSampler, load_resources
from .risk import load_risk
from .supplies import load_supplies

DATA = Path(__file__).parent / "data"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢谭"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰云峰志文斌波辉鹏宇浩凯婷雪琳燕玲春林"
DEFAULT_FIGURES = {"geo_monitors_per_village": 2, "geo_managers_per_township": 2}
# `large` is a large county (demo/large.py: ≥ 50 townships, ≥ 800 villages, ≥ 10,000 enterprises, ≥ 100,000
# hidden hazards, ≥ 5,000 sensors with a year of hourly rollups) and multiplies the village-level staff (grid
# workers, patrols, monitors) tenfold: a scale data set for lists, exports, imports and warning fan-out.
PROFILES = {"small": 1, "large": 10}


@dataclass
class DemoResult:
    county: Region
    townships: int
    villages: int
    departments: int
    persons: int
    enterprises: int
    logins: list[tuple[str, str, str, str]]
    resources: dict[str, int]

    LABELS = {
        "teams": "救援队伍",
        "experts": "专家",
        "equipment": "装备",
        "shelters": "避难场所",
        "warehouses": "物资库",
        "hazard_sites": "灾害隐患点",
        "risk_points": "风险点",
        "major_hazard_units": "危险源单元",
        "major_hazards": "其中重大危险源",
        "hidden_hazards": "隐患",
        "hazards_open": "其中未销号",
        "hazards_overdue": "逾期",
        "patrol_tasks": "巡查任务",
        "sensors": "监测设备",
        "hourly_rollups": "小时统计",
        "readings": "监测数据",
        "plans": "应急预案",
        "duty_shifts": "值班班次",
        "duty_log": "值班日志",
        "daily_reports": "值班日报",
        "handovers": "交接班",
        "training_trainees": "参训人员",
        "training_questions": "试题",
        "assessment_sheets": "考核评分表",
        "duty_lists": "责任清单",
        "tips": "12350举报",
        "rewards": "举报奖励",
    }

    def summary(self) -> str:
        parts = [
            f"乡镇（街道）{self.townships} 个",
            f"村（社区）{self.villages} 个",
            f"部门 {self.departments} 个",
            f"责任人 {self.persons} 名",
            f"企业 {self.enterprises} 家",
            *(f"{label} {self.resources[key]}" for key, label in self.LABELS.items() if key in self.resources),
        ]
        return f"已加载 {self.county.name}（{self.county.code}）：" + "，".join(parts)


class _Gen:
    def __init__(self, seed: int, stream: int = 1000, phone_block: str = "1990000"):
        self.rng = np.random.default_rng(seed + stream)
        self.phone_block = phone_block
        self._phones: set[str] = set()

    def name(self) -> str:
        given = "".join(self.rng.choice(list(GIVEN), size=int(self.rng.integers(1, 3))))
        return str(self.rng.choice(list(SURNAMES))) + given

    def phone(self) -> str:
        # 199 numbers with a fixed 0000 block: clearly synthetic, still valid in format.
        while True:
            number = f"{self.phone_block}{int(self.rng.integers(0, 10000)):04d}"
            if number not in self._phones or len(self._phones) >= 9999:
                self._phones.add(number)
                return number

    def id_number(self, county6: str) -> str:
        year = int(self.rng.integers(1960, 2000))
        month, day = int(self.rng.integers(1, 13)), int(self.rng.integers(1, 29))
        first17 = f"{county6}{year}{month:02d}{day:02d}{int(self.rng.integers(0, 1000)):03d}"
        return first17 + id_number_check_char(first17)

    def credit_code(self, county6: str) -> str:
        # 9 (工商) 1 (企业) + 6-digit division + 9-character organisation code + check character.
        body = "".join(self.rng.choice(list(CREDIT_CODE_CHARS[:10] + "ABCDEFGH"), size=9))
        first17 = f"91{county6}{body}"
        return first17 + credit_code_check_char(first17)


class _WideGen(_Gen):
    """The large profile's register generator: as _Gen, with phones from the 199 01 block (a million
    numbers: ten thousand enterprises need twenty thousand, more than a 199 0000 block holds)."""

    def phone(self) -> str:
        while True:
            number = f"19901{int(self.rng.integers(0, 1_000_000)):06d}"
            if number not in self._phones:
                self._phones.add(number)
                return number


def _departments(county: Region) -> list[Department]:
    rows = json.loads((DATA / "departments.json").read_text(encoding="utf-8"))
    county_name = county.name
    return [
        Department(
            code=f"{county.code[:6]}-{code}",
            name=name.replace("县", county_name, 1),
            kind=kind,
            region=county,
            synthetic=True,
        )
        for code, name, kind in rows
    ]


def _persons(
    gen: _Gen, county: Region, townships, villages_by_township, departments, figures, scale: int = 1
) -> tuple[list, dict]:
    """Persons and, per person index, the duty-role codes they hold."""
    persons, duties = [], {}
    depts = {d.kind: d for d in departments}
    county6 = county.code[:6]

    def add(region, roles, position, department=None, organisation=""):
        person = Person(
            name=gen.name(),
            region=region,
            department=department,
            organisation=organisation,
            position=position,
            phone=gen.phone(),
            id_number=gen.id_number(county6),
            synthetic=True,
        )
        duties[len(persons)] = roles
        persons.append(person)

    all_villages = [v for t in townships for v in villages_by_township[t.code]]
    geo_managers = figures.get("geo_managers") or len(townships) * DEFAULT_FIGURES["geo_managers_per_township"]
    geo_monitors = figures.get("geo_monitors") or len(all_villages) * DEFAULT_FIGURES["geo_monitors_per_village"]

    for t in townships:
        add(t, ["township_head", "flood_admin"], "党委书记", organisation=t.name)
        add(t, ["township_head"], "乡镇长" if not t.name.endswith("街道") else "街道办事处主任", organisation=t.name)
        add(t, ["emergency_officer"], "应急办主任", organisation=t.name)
        add(t, ["flood_technical"], "水利站站长", organisation=t.name)
    for i in range(geo_managers):
        t = townships[i % len(townships)]
        add(t, ["geo_manager"], "地质灾害专管员", department=depts.get("natural_resources"), organisation=t.name)
    geo_monitors *= scale
    for v in all_villages:
        add(v, ["village_head", "flood_admin"], "党支部书记", organisation=v.name)
        for _ in range(scale):
            add(v, ["grid_worker", "emergency_officer"], "网格员", organisation=v.name)
            add(v, ["flood_patrol"], "巡查员", organisation=v.name)
        add(v, ["weather_informant"], "气象信息员", department=depts.get("meteorology"), organisation=v.name)
    # 群测群防员: spread over villages, more in the larger (hillier, more hazard sites) ones.
    areas = np.asarray([v.area_km2 or 1.0 for v in all_villages])
    picks = gen.rng.choice(len(all_villages), size=geo_monitors, p=areas / areas.sum())
    for index in picks:
        v = all_villages[int(index)]
        add(v, ["geo_monitor"], "群测群防员", department=depts.get("natural_resources"), organisation=v.name)
    return persons, duties


# (name pattern, department kind, GB/T 4754 大类, scale, risk flags): one enterprise per pattern, created
# first (the demo's enterprise user holds the first); the register's other enterprises are enterprises.py's.
ENTERPRISE_SPECS = [
    ("{t}建材有限公司", "economy", "30", "small", ["is_dust_explosive"]),
    ("{t}石材开采有限公司", "natural_resources", "10", "small", ["is_non_coal_mine"]),
    ("{t}液化气站", "market", "45", "micro", ["is_hazchem", "has_major_hazard"]),
    ("{t}烟花爆竹批发有限公司", "emergency", "51", "micro", ["is_fireworks"]),
    ("{t}旅游客运有限公司", "transport", "54", "medium", []),
    ("{t}食品加工有限公司", "market", "13", "small", ["has_ammonia_refrigeration", "has_confined_space"]),
]


def _enterprises(gen: _Gen, county: Region, townships, departments) -> list[Enterprise]:
    depts = {d.kind: d for d in departments}
    out = []
    for i, (pattern, kind, industry, scale, flags) in enumerate(ENTERPRISE_SPECS):
        t = townships[i % len(townships)]
        enterprise = Enterprise(
            name=pattern.format(t=t.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")),
            credit_code=gen.credit_code(county.code[:6]),
            region=t,
            department=depts.get(kind),
            industry=industry,
            scale=scale,
            employees=int(gen.rng.integers(8, 300)),
            address=f"{county.name}{t.name}",
            lon=t.center_lon,
            lat=t.center_lat,
            principal=gen.name(),
            principal_phone=gen.phone(),
            safety_manager=gen.name(),
            safety_manager_phone=gen.phone(),
            standard_grade=("3" if scale != "micro" else "none"),
            synthetic=True,
        )
        for flag in flags:
            setattr(enterprise, flag, True)
        out.append(enterprise)
    return out


def _risk_figures(county6: str) -> dict[str, int]:
    """What the summary tells beside the counts: major hazard sources, hazards still open and overdue."""
    still_open = ~Q(status=CLOSED)
    figures = HiddenHazard.objects.filter(region__code__startswith=county6).aggregate(
        hazards_open=Count("pk", filter=still_open),
        hazards_overdue=Count("pk", filter=still_open & Q(deadline__lt=timezone.localdate())),
    )
    figures["major_hazards"] = MajorHazardSource.objects.filter(region__code__startswith=county6, is_major=True).count()
    return figures


def _password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"Al-{core}9a"


def _logins_file() -> Path:
    return settings.DATA_DIR / "demo-logins.txt"


def demo_users(actor, county: Region, township: Region, village: Region, enterprise, department) -> list:
    """One user of each role; passwords are random and written only to the data directory."""
    specs = [
        ("admin", Role.COUNTY_ADMIN, county, None, None, "县应急局管理员"),
        ("operator", Role.COUNTY_OPERATOR, county, None, None, "县应急局值班员"),
        ("dept", Role.DEPARTMENT_OPERATOR, county, department, None, f"{department.name}业务员"),
        ("township", Role.TOWNSHIP_OPERATOR, township, None, None, f"{township.name}应急办"),
        ("village", Role.VILLAGE_WORKER, village, None, None, f"{village.name}网格员"),
        ("enterprise", Role.ENTERPRISE_USER, enterprise.region, None, enterprise, f"{enterprise.name}安全员"),
        ("team", Role.TEAM_LEADER, county, None, None, "县综合应急救援队队长"),
        ("viewer", Role.VIEWER, county, None, None, "县领导（只读）"),
    ]
    logins = []
    taken = set(User.objects.filter(username__in=[spec[0] for spec in specs]).values_list("username", flat=True))
    for username, role, region, dept, ent, display in specs:
        if username in taken:  # a second county on the same server: its demo users carry its code
            username = f"{username}_{county.code[:6]}"
        password = _password()
        user_create(
            actor=actor,
            username=username,
            password=password,
            role=role,
            region_code=region.code,
            department_code=dept.code if dept else None,
            enterprise_id=ent.pk if ent else None,
            display_name=display,
            keep_password=True,  # demo logins are printed for trying the platform, not initial passwords
        )
        logins.append((username, password, Role(role).label, region.name))
    path = _logins_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join("\t".join(row) for row in logins) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return logins


def saved_logins() -> list[tuple[str, ...]]:
    path = _logins_file()
    if not path.exists():
        return []
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines() if line]


@transaction.atomic
def load_demo(
    *,
    actor="演示数据",
    county6: str = "500237",
    seed: int = 42,
    profile: str = "small",
    with_users: bool = True,
    with_enforcement: bool = True,
    with_plans: bool = True,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    if profile not in PROFILES:
        raise ValueError(f"未知的数据规模：{profile}（可用：{'、'.join(PROFILES)}）")
    large = profile == "large"
    step = progress or (lambda text: None)
    duty_roles_sync()
    loaded = county_load(actor=actor, code6=county6, seed=seed, plan=LARGE_PLAN if large else None)
    step(f"区划：乡镇（街道）{loaded.townships} 个，村（社区）{loaded.villages} 个")
    county = loaded.county
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    villages_by_township: dict[str, list[Region]] = {t.code: [] for t in townships}
    for v in Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county6).order_by("code"):
        villages_by_township[v.parent_id].append(v)

    gen = _Gen(seed)
    departments = objects_bulk_create(actor=actor, model=Department, instances=_departments(county))
    figures = json.loads((DATA / "figures.json").read_text(encoding="utf-8")).get(county6, {})
    persons, duties = _persons(gen, county, townships, villages_by_township, departments, figures, PROFILES[profile])
    created = objects_bulk_create(actor=actor, model=Person, instances=persons)
    role_ids = dict(DutyRole.objects.values_list("code", "id"))
    through = Person.duty_roles.through
    through.objects.bulk_create(
        [through(person_id=p.pk, dutyrole_id=role_ids[code]) for i, p in enumerate(created) for code in duties[i]],
        batch_size=2000,
    )
    append(
        [
            AuditItem(
                "assign_duty_roles",
                "registry.person",
                "",
                f"{len(created)} 名责任人",
                county.code,
                None,
                {"count": len(created)},
            )
        ],
        actor=actor,
    )
    step(f"部门 {len(departments)} 个，责任人 {len(created)} 名")
    patterns = _enterprises(gen, county, townships, departments)
    # The register's other enterprises draw from their own streams (names, places, a 199 0001 phone block),
    # so the records generated after them are the same as before the register grew.
    register = build_enterprises(
        _WideGen(seed, stream=3000) if large else _Gen(seed, stream=3000, phone_block="1990001"),
        PointSampler(np.random.default_rng(seed + 3500)),
        county,
        townships,
        villages_by_township,
        departments,
        taken_names={e.name for e in patterns},
        taken_codes={e.credit_code for e in patterns},
        multiple=ENTERPRISE_SCALE if large else 1,
    )
    if large:  # ten thousand rows: audited per batch (demo/bulk.py), the pattern enterprises one by one
        patterns = objects_bulk_create(actor=actor, model=Enterprise, instances=patterns)
        register = bulk_create_summarised(
            actor=actor, county=county, model=Enterprise, instances=register, label="企业"
        )
        enterprises = [*patterns, *register]
    else:
        enterprises = objects_bulk_create(actor=actor, model=Enterprise, instances=[*patterns, *register])
        patterns, register = enterprises[: len(patterns)], enterprises[len(patterns) :]
    step(f"企业 {len(enterprises)} 家")

    all_villages = [v for t in townships for v in villages_by_township[t.code]]
    points = PointSampler(np.random.default_rng(seed + 2000))
    resources = load_resources(
        actor=actor,
        gen=gen,
        points=points,
        county=county,
        townships=townships,
        villages=all_villages,
        departments=departments,
    )
    resources |= load_supplies(actor=actor, gen=gen, points=points, county=county, townships=townships)
    resources |= load_risk(
        actor=actor,
        gen=gen,
        points=points,
        county=county,
        townships=townships,
        villages=all_villages,
        departments=departments,
        enterprises=patterns,
        figures=figures,
    )
    step("救援力量、物资、风险点与隐患点")
    scaled = (
        {
            "hazards_per_enterprise": HAZARDS_PER_ENTERPRISE,
            "history_days": HAZARD_HISTORY_DAYS,
            "summarised": True,
        }
        if large
        else {}
    )
    grown = load_enterprise_risk(
        actor=actor,
        seed=seed,
        county=county,
        townships=townships,
        villages=all_villages,
        enterprises=register,
        **scaled,
    )
    for key, count in grown.items():
        resources[key] += count
    resources |= _risk_figures(county6)
    step(f"企业风险：风险点 {resources['risk_points']} 个，隐患 {resources['hidden_hazards']} 条")
    resources |= load_monitoring(actor=actor, county=county, townships=townships, departments=departments)
    reference_data_install()  # kinds and templates come with migrations; a flushed database gets them back
    resources["plans"] = install_county_plans(county, synthetic=True, actor=actor)
    step("监测网络与应急预案")
    resources |= load_duty(actor=actor, gen=gen, county=county, townships=townships)
    resources |= load_disaster_history(actor=actor, county=county, townships=townships, seed=seed)
    resources |= load_disaster_relief(actor=actor, county=county, townships=townships, seed=seed)

    logins = []
    if with_users:
        township = townships[0]
        village = villages_by_township[township.code][0]
        water = next(d for d in departments if d.kind == "water")
        logins = demo_users(actor, county, township, village, enterprises[0], water)
        resources |= load_duty_log(county=county, townships=townships)  # the desk's day needs its officers
    resources |= load_households(actor=actor, county=county, townships=townships, seed=seed)  # 受威胁户花名册
    # The ranger's fire report is an incident: only the full demo county has one (the small test county, loaded
    # without enforcement, stays without incidents and queued messages; incident and outbox tests count from none).
    resources |= load_forestfire(
        actor=actor, county=county, townships=townships, departments=departments, fire_report=with_enforcement
    )
    # The 三查 campaign's 险情 is an incident too: only the full demo county has the campaign (same reason).
    if with_enforcement:
        resources |= load_geohazard(actor=actor, county=county, townships=townships, departments=departments)
    # 防汛: works, 责任人 and 汛期 everywhere; the reservoir sensors and 山洪 rules only in the full demo county (the
    # test county's sensor, rule and alarm counts stay as other tests expect).
    resources |= load_flood(
        actor=actor, county=county, townships=townships, departments=departments, full=with_enforcement
    )
    # Last July's flood went through its 核报 with its housing register complete (households of 2–4 rooms).
    add_demo_registers(disaster_history_name(), actor=actor, rooms_per_house=3)
    step("值班、灾情、转移、森林防火、地灾与防汛")
    if with_enforcement:
        resources |= load_enforcement(actor=actor, county=county, townships=townships, departments=departments)
        # 12350 举报奖励 reads a decided case's fine: with enforcement only (the small test county stays without tips).
        resources |= load_rewards(actor=actor, county=county, townships=townships, departments=departments)
    step("执法与举报奖励")
    if with_plans:
        resources |= load_plans_and_drills(actor=actor, county=county, townships=townships, departments=departments)
        # 考核与任务 read the records of every part above. The 核心指标 count the enforcement records too, so the
        # small test county (loaded without enforcement) has tasks and the assessment but builds indicators in tests.
        resources |= load_kpi(
            actor=actor, county=county, townships=townships, departments=departments, with_indicators=with_enforcement
        )
        step("预案、演练、会商、培训与考核")
    if large:
        measured = load_large_monitoring(
            actor=actor, seed=seed, county=county, villages=all_villages, departments=departments, progress=step
        )
        resources["sensors"] += measured["village_sensors"]
        resources["hourly_rollups"] = measured["hourly_rollups"]
        resources["readings"] = measured["readings"]
        step(f"监测数据：小时统计 {measured['hourly_rollups']:,} 条，原始数据 {measured['readings']:,} 条")
    return DemoResult(
        county,
        loaded.townships,
        loaded.villages,
        len(departments),
        len(created) + resources.get("forest_rangers", 0),  # the 护林员 are registry persons too
        len(enterprises),
        logins,
        resources,
    )


def load_enforcement(*, actor, county, townships, departments) -> dict[str, int]:
    """互联网+执法, each part reading what the earlier ones made: classes and this year's plan, the 20
    officers and their draws, inspections of the drawn enterprises (findings into the hazard loop), penalty
    cases, the credit list and 一公开, then the campaigns that link some of the inspections."""
    from . import (
        enforcement_campaigns,
        enforcement_cases,
        enforcement_credit,
        enforcement_draws,
        enforcement_inspections,
        enforcement_plan,
    )

    loaded: dict[str, int] = {}
    for part in (
        enforcement_plan,
        enforcement_draws,
        enforcement_inspections,
        enforcement_cases,
        enforcement_credit,
        enforcement_campaigns,
    ):
        loaded |= part.load(actor=actor, county=county, townships=townships, departments=departments)
    return loaded


def load_rewards(*, actor, county, townships, departments) -> dict[str, int]:
    """12350 举报奖励: public tips at each handling step, one verified with a paid reward (demo/rewards.py)."""
    from . import rewards

    return rewards.load(actor=actor, county=county, townships=townships, departments=departments)


def load_plans_and_drills(*, actor, county, townships, departments) -> dict[str, int]:
    """预案、演练、会商研判 (issue 18), each part reading what the earlier ones made: the plans' life cycle
    (versions, 备案, 评估), their response tables for the warning templates, a year of drills, and the 会商
    session of the storm. Each part is a module with `load(actor=, county=, townships=, departments=)`."""
    from . import plans_consultations, plans_docs, plans_drills, plans_response, training

    # In order: each reads what the earlier ones made (培训与宣教, issue 19, reads the registries only).
    parts: list = [plans_docs, plans_response, plans_drills, plans_consultations, training]
    loaded: dict[str, int] = {}
    for part in parts:
        loaded |= part.load(actor=actor, county=county, townships=townships, departments=departments)
    return loaded


def load_forestfire(*, actor, county, townships, departments, fire_report=True) -> dict[str, int]:
    """森林防火 (issue 22): periods, danger levels, rangers and their patrols, permits, one fire report."""
    from . import forestfire

    return forestfire.load(
        actor=actor, county=county, townships=townships, departments=departments, fire_report=fire_report
    )


def load_geohazard(*, actor, county, townships, departments) -> dict[str, int]:
    """地质灾害防治 (issue 22): this year's 汛前排查, mostly done, with a proposed site and a 险情."""
    from . import geohazard

    return geohazard.load(actor=actor, county=county, townships=townships, departments=departments)


def load_flood(*, actor, county, townships, departments, full=True) -> dict[str, int]:
    """防汛 (issue 22 item 3): see demo/flood.py."""
    from . import flood

    return flood.load(actor=actor, county=county, townships=townships, departments=departments, full=full)


def load_kpi(*, actor, county, townships, departments, with_indicators=True) -> dict[str, int]:
    """考核与任务 (issue 19): each part a module with `load(actor=, county=, townships=, departments=)`, in
    order (the 考核 reads the indicators' values and the key tasks the earlier parts made)."""
    from . import kpi_assessment, kpi_indicators, kpi_tasks

    parts: list = [kpi_indicators] if with_indicators else []
    parts += [kpi_tasks, kpi_assessment]
    loaded: dict[str, int] = {}
    for part in parts:
        loaded |= part.load(actor=actor, county=county, townships=townships, departments=departments)
    return loaded


def reference_data_install() -> None:
    from anlan.alerts import wording
    from anlan.alerts.models import WarningTemplate
    from anlan.plans import kinds
    from anlan.plans.models import IncidentKind

    kinds.install(IncidentKind)
    wording.install(WarningTemplate)


def is_loaded() -> bool:
    return Region.objects.filter(level=RegionLevel.COUNTY).exists()


__all__ = ["DemoResult", "is_loaded", "load_demo", "saved_logins"]
