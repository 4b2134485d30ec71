"""Risk data of the grown enterprise register, written in bulk: risk points with their assessments,
the hazchem units identified under GB 18218, and three years of hidden hazards (隐患) with the history
each went through, so that lists, the 工作台 and the statistics (closure trend by month, overdue by
township) show a county's real numbers.

The hazards follow the closed loop as time would have taken them: reported, assigned to a responsible
person with a deadline, rectified (sometimes late, sometimes after an extension or a rejected
verification), verified and closed. Whatever was still under way today is in the matching state; a few
were left unrectified long past their deadline, as ledgers show. Events and timestamps are the
history's own (HazardEvent rows dated when each step happened); each record is audited on insert.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from anlan.core.audit import AuditItem, append
from anlan.core.services import objects_bulk_create
from anlan.hazards import workflow
from anlan.hazards.models import HazardEvent, HiddenHazard
from anlan.risk import lec, matrix
from anlan.risk.models import MajorHazardSource, MajorHazardSubstance, RiskAssessment, RiskPoint
from anlan.risk.services import matrix_thresholds, parse_substances

from .bulk import bulk_create_summarised

__all__ = ["load_enterprise_risk"]

HISTORY_DAYS = 1000  # hidden hazards found since about three years ago
# A risk point is reassessed yearly: assessments between 3 weeks and 15 months old leave about one in five due.
ASSESSED_DAYS = (20, 460)

# Sector → its own risk points (name, hazard factors, GB 6441 accident types).
SECTOR_POINTS = {
    "fuel": [
        ("加油作业区", "油品泄漏、静电、手机及明火", "火灾、其它爆炸"),
        ("卸油区", "卸油时油气挥发遇点火源", "火灾、其它爆炸"),
    ],
    "lpg": [
        ("液化气储罐区", "液化石油气泄漏遇明火", "火灾、容器爆炸"),
        ("钢瓶充装间", "钢瓶超装、阀门泄漏", "容器爆炸、火灾"),
    ],
    "hazchem_trade": [
        ("成品油储罐区", "油品泄漏、雷击静电", "火灾、其它爆炸"),
        ("装卸作业区", "装卸时泄漏、车辆碰撞", "火灾、车辆伤害"),
    ],
    "mine": [
        ("露天采场边坡", "边坡失稳、爆破作业", "坍塌、放炮"),
        ("爆破器材库", "炸药雷管储存", "火药爆炸"),
        ("破碎筛分车间", "皮带机卷入、粉尘", "机械伤害"),
    ],
    "fireworks_wholesale": [
        ("成品仓库", "烟花爆竹受热、撞击", "火药爆炸、火灾"),
        ("装卸作业区", "搬运中撞击、摩擦", "火药爆炸"),
    ],
    "fireworks_retail": [
        ("零售店陈列区", "超量存放、明火", "火药爆炸、火灾"),
    ],
    "building_materials": [
        ("搅拌站筛分设备", "皮带机、搅拌机转动部位", "机械伤害"),
        ("厂内运输", "装载机、罐车作业", "车辆伤害"),
    ],
    "wood": [
        ("木工车间", "刨切设备、木粉尘", "机械伤害、火灾"),
    ],
    "food": [
        ("锅炉房", "压力容器超压、高温", "锅炉爆炸、灼烫"),
        ("生产车间", "切割、绞肉设备", "机械伤害"),
    ],
    "drink": [
        ("酿造车间", "高温蒸汽、酒精蒸气", "灼烫、火灾"),
        ("酒库", "酒精蒸气遇点火源", "火灾、其它爆炸"),
    ],
    "cold_chain": [
        ("冷库库房", "低温、人员误锁", "中毒和窒息、其它伤害"),
    ],
    "metal": [
        ("机加工车间", "车床、冲床无防护", "机械伤害"),
        ("焊接作业区", "电焊弧光、火花", "触电、火灾"),
    ],
    "textile": [
        ("缝制车间", "电气线路、可燃物集中", "火灾"),
    ],
    "printing": [
        ("印刷车间", "有机溶剂挥发", "火灾、中毒和窒息"),
    ],
    "medicine": [
        ("粉碎车间", "设备转动部位", "机械伤害"),
    ],
    "sewage": [
        ("配电室", "高压电气", "触电"),
    ],
    "water_supply": [
        ("加氯间", "氯气泄漏", "中毒和窒息"),
    ],
    "hydropower": [
        ("发电机房", "高压电气、转动设备", "触电、机械伤害"),
        ("拦河坝及压力前池", "溢洪、人员落水", "淹溺"),
    ],
    "construction": [
        ("塔吊作业", "起重机械倾覆、吊物坠落", "起重伤害、物体打击"),
        ("深基坑及高处作业", "临边防护缺失、支护失稳", "高处坠落、坍塌"),
    ],
    "civil_works": [
        ("边坡开挖作业", "边坡失稳、落石", "坍塌、物体打击"),
        ("施工机械作业", "挖掘机、压路机作业", "车辆伤害、机械伤害"),
    ],
    "bus": [
        ("营运客车", "疲劳驾驶、超速、山区弯道", "车辆伤害"),
    ],
    "freight": [
        ("营运货车", "超载、超速、疲劳驾驶", "车辆伤害"),
    ],
    "river": [
        ("营运船舶", "超载、大风大雾航行", "淹溺"),
        ("码头作业区", "登离船、系缆作业", "淹溺、其它伤害"),
    ],
    "scenic": [
        ("游步道临崖段", "游客跌落、落石", "高处坠落、物体打击"),
        ("游客集散中心", "人员密集、拥挤", "其它伤害"),
    ],
    "hotel": [
        ("厨房燃气区域", "燃气泄漏遇明火", "火灾、其它爆炸"),
        ("客房区域", "电气线路、吸烟", "火灾"),
    ],
    "shops": [
        ("营业大厅", "人员密集、疏散通道堵塞", "火灾、其它伤害"),
    ],
    "market": [
        ("交易大厅", "摊位密集、燃气使用", "火灾、其它爆炸"),
    ],
    "catering": [
        ("厨房燃气区域", "燃气泄漏、油烟管道积油", "火灾、其它爆炸"),
    ],
}
# Risk flags that add a point of their own whatever the sector (the specialised campaigns' targets).
FLAG_POINTS = {
    "is_dust_explosive": ("除尘系统", "粉尘积聚遇点火源", "其它爆炸"),
    "has_ammonia_refrigeration": ("液氨制冷机房", "液氨泄漏", "中毒和窒息"),
    "has_confined_space": ("有限空间作业点", "缺氧、硫化氢、一氧化碳", "中毒和窒息"),
}
HIGH_RISK_SECTORS = {"fuel", "lpg", "hazchem_trade", "mine", "fireworks_wholesale", "fireworks_retail"}
GRADE_SHARES = {
    "high": {"red": 0.05, "orange": 0.22, "yellow": 0.43, "blue": 0.30},
    "usual": {"red": 0.005, "orange": 0.06, "yellow": 0.33, "blue": 0.605},
}
CONTROL_LEVEL = {"red": "unit", "orange": "unit", "yellow": "workshop", "blue": "post"}

# (title, major?) found at enterprises: every sector's, then per sector or risk flag.
COMMON_HAZARDS = [
    ("消防通道被杂物堵塞", False),
    ("灭火器过期未更换", False),
    ("配电箱无漏电保护", False),
    ("安全出口指示灯损坏", False),
    ("特种作业人员无证上岗", False),
    ("安全教育培训记录不全", False),
    ("应急预案未按期演练", False),
    ("电气线路私拉乱接", False),
    ("劳动防护用品未按规定佩戴", False),
]
SECTOR_HAZARDS = {
    "fuel": [("卸油区静电接地装置失效", False), ("防爆电器损坏未更换", False), ("油罐液位报警失灵", False)],
    "lpg": [("储罐区可燃气体报警仪失效", True), ("钢瓶超期未检", False)],
    "hazchem_trade": [("危险化学品超量超范围储存", True), ("储罐区可燃气体报警仪失效", True)],
    "mine": [("边坡台阶高度超过设计", True), ("爆破警戒不到位", False), ("排土场无截排水沟", False)],
    "fireworks_wholesale": [("仓库超量储存", True), ("防雷设施未按期检测", False)],
    "fireworks_retail": [("超量存放烟花爆竹", False), ("店内有人员住宿", True)],
    "construction": [("脚手架连墙件缺失", False), ("塔吊限位装置失效", True), ("高处作业未系安全带", False)],
    "civil_works": [("基坑临边无防护", False), ("边坡开挖未按方案分级放坡", True)],
    "bus": [("车辆动态监控报警未处理", False), ("驾驶员超时驾驶", False)],
    "freight": [("车辆动态监控报警未处理", False), ("货车超载运输", False)],
    "river": [("船舶救生设备配备不足", False), ("客渡船超载", True)],
    "hotel": [("疏散通道锁闭", False), ("厨房燃气泄漏报警器失效", False)],
    "shops": [("疏散通道锁闭", False), ("自动喷水灭火系统故障", False)],
    "scenic": [("临崖游步道护栏松动", False), ("景区落石防护网破损", False)],
    "hydropower": [("压力前池无防护栏杆", False), ("发电机房消防设施缺失", False)],
}
FLAG_HAZARDS = {
    "is_dust_explosive": [("除尘系统未按规定清灰", False), ("粉尘作业场所使用非防爆电器", True)],
    "has_ammonia_refrigeration": [("液氨管道腐蚀未修复", False), ("氨气泄漏报警装置失效", True)],
    "has_confined_space": [("有限空间作业未审批", False), ("有限空间未设置警示标识", False)],
}
VILLAGE_HAZARDS = [
    ("边坡排水沟堵塞", False),
    ("房屋后坡出现裂缝", False),
    ("河道行洪断面被侵占", False),
    ("村道临崖路段无护栏", False),
    ("自建房改变用途用于经营", False),
    ("山坪塘坝体渗漏", False),
    ("危岩下方有民房未撤离", True),
]


@dataclass
class _Steps:
    """When each step of one hazard happened (None: not yet)."""

    found: dt.date
    deadline: dt.date
    assigned: dt.date | None
    extension_asked: dt.date | None
    extension_to: dt.date | None
    extension_approved: bool | None  # None: still awaiting the superior's answer
    submitted: dt.date | None
    rejected: dt.date | None
    resubmitted: dt.date | None
    verified: dt.date | None


def _at(rng, day: dt.date) -> dt.datetime:
    """A working-hours moment of `day` in local time."""
    moment = dt.time(int(rng.integers(8, 18)), int(rng.integers(0, 60)), tzinfo=timezone.get_current_timezone())
    return dt.datetime.combine(day, moment)


def _pick(rng, shares: dict) -> str:
    keys = list(shares)
    p = np.asarray([shares[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _insert(actor, county, model, instances, label: str, summarised: bool) -> list:
    """Audited insert: each row (the demo county), or one entry per batch (the large profile, demo/bulk.py)."""
    if summarised:
        return bulk_create_summarised(actor=actor, county=county, model=model, instances=instances, label=label)
    return objects_bulk_create(actor=actor, model=model, instances=instances)


def _history_audited(actor, county, object_type: str, text: str, count: int) -> None:
    """History rows (assessments, hazard steps) are audited as one step, as the demo's patrols are: the
    records they belong to are each audited on insert, with their current state."""
    append([AuditItem("demo_history", object_type, "", text, county.code, None, {"count": count})], actor=actor)


# ---------------------------------------------------------------- risk points and their assessments


def _factor_table(thresholds: dict) -> dict[str, dict[str, list]]:
    """For each grade, the LEC (L, E, C) and matrix (L, S) factor sets that give it."""
    table = {grade: {"lec": [], "matrix": []} for grade in lec.GRADES}
    for L in (10, 6, 3, 1, 0.5):
        for E in (6, 3, 2, 1):
            for C in (1, 3, 7, 15, 40):
                table[lec.evaluate(L, E, C).grade]["lec"].append((L, E, C))
    for L in range(1, 6):
        for S in range(1, 6):
            table[matrix.evaluate(L, S, thresholds).grade]["matrix"].append((L, S))
    return table


def _assessment(rng, point, grade: str, table, thresholds, when: dt.datetime) -> RiskAssessment:
    method = "matrix" if rng.random() < 0.35 else "lec"
    options = table[grade][method] or table[grade]["lec"]
    factors = options[int(rng.integers(len(options)))]
    if len(factors) == 3:
        L, E, C = factors
        result = lec.evaluate(L, E, C)
        return RiskAssessment(
            point=point, method="lec", L=L, E=E, C=C, score=result.D, grade=result.grade,
            assessor=point.responsible, assessed_at=when,
        )  # fmt: skip
    L, S = factors
    result = matrix.evaluate(L, S, thresholds)
    return RiskAssessment(
        point=point, method="matrix", L=L, S=S, score=result.R, grade=result.grade, thresholds=thresholds,
        assessor=point.responsible, assessed_at=when,
    )  # fmt: skip


def _risk_points(actor, rng, county, enterprises, summarised: bool = False) -> int:
    now = timezone.now()
    thresholds = matrix_thresholds(county.code)
    table = _factor_table(thresholds)
    points, grades = [], []
    for enterprise in enterprises:
        specs = list(SECTOR_POINTS.get(enterprise.demo_sector, []))
        specs += [spec for flag, spec in FLAG_POINTS.items() if getattr(enterprise, flag)]
        shares = GRADE_SHARES["high" if enterprise.demo_sector in HIGH_RISK_SECTORS else "usual"]
        for name, factors, accidents in specs:
            grade = _pick(rng, shares)
            # A few metres apart on the enterprise's site (well inside its township).
            lon = round(enterprise.lon + float(rng.normal(0, 0.0004)), 6)
            lat = round(enterprise.lat + float(rng.normal(0, 0.0004)), 6)
            points.append(
                RiskPoint(
                    name=f"{enterprise.name}{name}",
                    kind="enterprise",
                    enterprise=enterprise,
                    region=enterprise.region,
                    department=enterprise.department,
                    address=enterprise.address,
                    lon=lon,
                    lat=lat,
                    hazard_factors=factors,
                    accident_types=accidents,
                    controls="岗位责任制；每班巡检；安全警示标志；作业审批",
                    emergency_measures="立即停止作业，疏散人员，报告值班室",
                    control_level=CONTROL_LEVEL[grade],
                    responsible=enterprise.safety_manager or enterprise.principal,
                    responsible_phone=enterprise.safety_manager_phone,
                    emergency_phone="023-57682110",
                    grade=grade,
                    assessed_at=now
                    - dt.timedelta(days=int(rng.integers(*ASSESSED_DAYS)), hours=int(rng.integers(0, 9))),
                    synthetic=True,
                )
            )
            grades.append(grade)
    created = _insert(actor, county, RiskPoint, points, "风险点", summarised)
    assessments = []
    for point, grade in zip(created, grades, strict=True):
        if rng.random() < 0.3:  # last year's assessment, kept in the history
            earlier = _pick(rng, {"yellow": 0.2, "blue": 0.1, grade: 0.7})
            assessments.append(
                _assessment(rng, point, earlier, table, thresholds, point.assessed_at - dt.timedelta(days=365))
            )
        assessments.append(_assessment(rng, point, grade, table, thresholds, point.assessed_at))
    RiskAssessment.objects.bulk_create(assessments, batch_size=1000)
    _history_audited(actor, county, "risk.riskassessment", f"演示风险评估记录 {len(assessments)} 条", len(assessments))
    return len(created)


# ---------------------------------------------------------------- hazchem units (GB 18218)


def _units(actor, county, enterprises, summarised: bool = False) -> int:
    with_units = [e for e in enterprises if getattr(e, "demo_unit", None)]
    now = timezone.now()
    units = []
    for enterprise in with_units:
        spec, grade = enterprise.demo_unit, enterprise.demo_unit["grade"]
        units.append(
            MajorHazardSource(
                enterprise=enterprise,
                name=spec["name"],
                region=enterprise.region,
                department=enterprise.department,
                exposed_people=spec["exposed_people"],
                lon=enterprise.lon,
                lat=enterprise.lat,
                principal=enterprise.principal,
                technical_lead=enterprise.safety_manager,
                is_major=grade.is_major_hazard,
                sum_ratio=round(grade.sum_ratio, 4),
                R=round(grade.R, 3) if grade.R is not None else None,
                level=grade.level,
                graded_at=now,
                synthetic=True,
            )
        )
    created = _insert(actor, county, MajorHazardSource, units, "危险源单元", summarised)
    substances = []
    for unit, enterprise in zip(created, with_units, strict=True):
        for row in parse_substances(enterprise.demo_unit["items"]):
            row.source = unit
            substances.append(row)
    MajorHazardSubstance.objects.bulk_create(substances, batch_size=1000)
    return len(created)


# ---------------------------------------------------------------- hidden hazards and their history


def _steps(rng, found: dt.date, major: bool, today: dt.date) -> _Steps:
    """One hazard's timeline: who did what when, cut at today."""
    deadline = found + dt.timedelta(days=int(rng.integers(30, 120) if major else rng.integers(7, 45)))
    assigned = found + dt.timedelta(days=int(rng.integers(0, 4)))
    stuck = rng.random() < 0.012  # left unrectified: the ledger's long-overdue lines
    ext_asked = ext_to = None
    approved = False
    if rng.random() < 0.06:  # asked for more time a few days before the deadline
        ext_asked = max(assigned, deadline - dt.timedelta(days=int(rng.integers(1, 6))))
        ext_to = deadline + dt.timedelta(days=int(rng.integers(10, 40)))
        approved = rng.random() < 0.75
    effective = ext_to if approved else deadline
    span = max((effective - assigned).days, 1)
    late = rng.random() < 0.1
    submitted = assigned + dt.timedelta(
        days=span + int(rng.integers(1, 30)) if late else int(rng.integers(max(1, span // 3), span + 1))
    )
    rejected = resubmitted = None
    if rng.random() < 0.08:
        rejected = submitted + dt.timedelta(days=int(rng.integers(1, 6)))
        resubmitted = rejected + dt.timedelta(days=int(rng.integers(3, 15)))
    # A major hazard is accepted by the county (an inspection visit, often an expert review): it takes longer.
    verified = (resubmitted or submitted) + dt.timedelta(
        days=int(rng.integers(7, 40) if major else rng.integers(1, 10))
    )
    if stuck:
        submitted = rejected = resubmitted = verified = None

    steps = _Steps(
        found, deadline, _by(assigned, today), _by(ext_asked, today), ext_to, approved,
        _by(submitted, today), _by(rejected, today), _by(resubmitted, today), _by(verified, today),
    )  # fmt: skip
    if steps.extension_asked is not None and steps.extension_asked + dt.timedelta(days=3) > today:
        steps.extension_approved = None  # asked only days ago: still awaiting the superior's answer
    due_soon = 0 <= (deadline - today).days <= 5
    if steps.assigned and not steps.submitted and not steps.extension_asked and due_soon and rng.random() < 0.3:
        # Near the deadline some holders ask for more time: requests waiting for the superior today.
        steps.extension_asked = max(steps.assigned, today - dt.timedelta(days=int(rng.integers(0, 2))))
        steps.extension_to, steps.extension_approved = deadline + dt.timedelta(days=int(rng.integers(10, 30))), None
    return steps


def _state(steps: _Steps) -> str:
    if steps.verified:
        return workflow.CLOSED
    if steps.resubmitted or (steps.submitted and not steps.rejected):
        return workflow.AWAITING
    if steps.assigned:
        return workflow.RECTIFYING
    return workflow.REPORTED


def _events(rng, hazard: HiddenHazard, steps: _Steps, superior: str, holder: str, today: dt.date) -> list:
    """The hazard's history as HazardEvent rows in time order; sets the hazard's final deadline."""
    steps_taken = []  # (day, order, fields)
    deadline = steps.deadline

    def event(day, action, from_status, to_status, actor, comment="", before=None, after=None, first=False):
        fields = {
            "action": action, "from_status": from_status, "to_status": to_status, "actor_name": actor,
            "comment": comment, "deadline_before": before, "deadline_after": after,
        }  # fmt: skip
        steps_taken.append((day, -1 if first else len(steps_taken), fields))

    event(steps.found, "report", "", workflow.REPORTED, hazard.reporter_name, after=deadline)
    if steps.assigned:
        event(
            steps.assigned, "assign", workflow.REPORTED, workflow.RECTIFYING, superior, before=deadline, after=deadline
        )
    if steps.extension_asked:
        event(steps.extension_asked, "request_extension", workflow.RECTIFYING, workflow.RECTIFYING, holder,
              comment=f"申请延期至 {steps.extension_to}")  # fmt: skip
        if steps.extension_approved is not None:
            answer_day = min(steps.extension_asked + dt.timedelta(days=int(rng.integers(1, 3))), today)
            if steps.extension_approved:
                event(answer_day, "approve_extension", workflow.RECTIFYING, workflow.RECTIFYING, superior,
                      before=deadline, after=steps.extension_to)  # fmt: skip
                deadline = steps.extension_to
            else:
                event(answer_day, "refuse_extension", workflow.RECTIFYING, workflow.RECTIFYING, superior,
                      comment="整改难度不大，请按原期限完成")  # fmt: skip
    if steps.submitted:
        event(steps.submitted, "submit", workflow.RECTIFYING, workflow.AWAITING, holder, comment="已按要求整改")
    if steps.rejected:
        event(
            steps.rejected, "reject", workflow.AWAITING, workflow.RECTIFYING, superior, comment="整改不到位，请重新整改"
        )
    if steps.resubmitted:
        event(steps.resubmitted, "submit", workflow.RECTIFYING, workflow.AWAITING, holder, comment="已重新整改")
    if steps.verified:
        event(steps.verified, "verify", workflow.AWAITING, workflow.CLOSED, superior, comment="验收合格")
    # The daily job marks every hazard not closed by its deadline (whatever step it is at), once.
    if deadline < today and (steps.verified is None or steps.verified > deadline):
        late_day = deadline + dt.timedelta(days=1)
        status = _state(_Steps(**{**vars(steps), **_cut(steps, deadline)}))
        event(
            late_day,
            "overdue",
            status,
            status,
            "系统",
            comment=f"已超过整改期限 {deadline}",
            before=deadline,
            first=True,
        )  # the daily job runs before the day's work
    hazard.deadline = deadline
    out, last, now = [], None, timezone.now()
    for day, _, fields in sorted(steps_taken, key=lambda item: item[:2]):
        at = min(_at(rng, day), now - dt.timedelta(minutes=1))  # today's steps happened before now
        if last is not None and at <= last:  # two steps on one day: keep their order
            at = last + dt.timedelta(seconds=int(rng.integers(1, 60)) if day == today else int(rng.integers(300, 5400)))
        out.append(HazardEvent(hazard=hazard, at=at, **fields))
        last = at
    return out


def _by(day: dt.date | None, limit: dt.date) -> dt.date | None:
    """`day` if it has come by `limit`, else None (a step not yet taken)."""
    return day if day is not None and day <= limit else None


def _cut(steps: _Steps, limit: dt.date) -> dict:
    """The steps taken by `limit`, later ones as not yet."""
    names = ("assigned", "extension_asked", "submitted", "rejected", "resubmitted", "verified")
    return {name: _by(getattr(steps, name), limit) for name in names}


def _hazard_subjects(rng, enterprises, villages, count: int) -> list[tuple]:
    """(enterprise or None, region, title, major) for each hazard: three in four found at enterprises
    (riskier sectors more often), the rest on patrols and tips in the villages."""
    weights = np.asarray(
        [3.0 if e.demo_sector in HIGH_RISK_SECTORS else 1.0 + 0.8 * sum(getattr(e, f) for f in FLAG_HAZARDS)
         for e in enterprises]
    )  # fmt: skip
    p = weights / weights.sum()
    subjects = []
    for _ in range(count):
        if rng.random() < 0.75:
            enterprise = enterprises[int(rng.choice(len(enterprises), p=p))]
            choices = list(COMMON_HAZARDS) + SECTOR_HAZARDS.get(enterprise.demo_sector, []) * 2
            for flag, titles in FLAG_HAZARDS.items():
                if getattr(enterprise, flag):
                    choices += titles * 2
            title, major = choices[int(rng.integers(len(choices)))]
            subjects.append((enterprise, enterprise.region, title, major and rng.random() < 0.3))
        else:
            village = villages[int(rng.integers(len(villages)))]
            title, major = VILLAGE_HAZARDS[int(rng.integers(len(VILLAGE_HAZARDS)))]
            subjects.append((None, village, title, major and rng.random() < 0.3))
    return subjects


def _hidden_hazards(
    actor,
    rng,
    county,
    townships,
    villages,
    enterprises,
    per_enterprise: float,
    history_days: int = HISTORY_DAYS,
    summarised: bool = False,
) -> dict[str, int]:
    today = timezone.localdate()
    names = {t.code: t.name for t in townships}
    subjects = _hazard_subjects(rng, enterprises, villages, int(len(enterprises) * per_enterprise))
    # Found over the last HISTORY_DAYS, a little more each year as checks became routine.
    ages = np.sort(((1 - rng.power(1.3, size=len(subjects))) * history_days).astype(int))[::-1]
    hazards = []
    for (enterprise, region, title, major), age in zip(subjects, ages, strict=True):
        found = today - dt.timedelta(days=int(age))
        steps = _steps(rng, found, major, today)
        township = names.get(region.code[:9] + "000", county.name)
        if enterprise:
            source = "self_check" if rng.random() < 0.6 else "inspection"
            reporter = enterprise.safety_manager if source == "self_check" else f"{county.name}应急管理综合行政执法大队"
            holder, lon, lat = enterprise.safety_manager, enterprise.lon, enterprise.lat
        else:
            source = "patrol" if rng.random() < 0.7 else "public_tip"
            reporter = f"{region.name}网格员" if source == "patrol" else "群众"
            holder = f"{region.name}村（居）委会"
            lon = round(region.center_lon + float(rng.normal(0, 0.004)), 6)
            lat = round(region.center_lat + float(rng.normal(0, 0.004)), 6)
        hazard = HiddenHazard(
            title=title,
            description=f"{enterprise.name if enterprise else region.name}：{title}",
            level="major" if major else "general",
            region=region,
            deadline=steps.deadline,
            lon=lon,
            lat=lat,
            enterprise=enterprise,
            department=enterprise.department if enterprise else None,
            source=source,
            reporter_name=reporter,
            responsible=holder if steps.assigned else "",
            measures="已按要求整改" if steps.submitted else "",
            supervising_unit=f"{county.name}安委办" if major and steps.assigned else "",
            supervising_leader="分管副县长" if major and steps.assigned else "",
            synthetic=True,
        )
        hazard.status = _state(steps)
        superior = f"{county.name}应急管理局" if major or not enterprise else f"{township}应急办"
        hazard.demo_events = _events(rng, hazard, steps, superior, holder, today)  # sets the final deadline
        if steps.extension_asked and steps.extension_approved is None and hazard.status == workflow.RECTIFYING:
            hazard.pending_deadline = steps.extension_to
        if hazard.status == workflow.CLOSED:
            hazard.closed_at = next(e.at for e in hazard.demo_events if e.action == "verify")
        hazards.append(hazard)
    created = _insert(actor, county, HiddenHazard, hazards, "隐患", summarised)
    events = [event for hazard in created for event in hazard.demo_events]
    for hazard in created:
        for event in hazard.demo_events:
            event.hazard_id = hazard.pk
    HazardEvent.objects.bulk_create(events, batch_size=2000)
    # The history's own dates: created when reported, last updated at the latest step.
    ids = [h.pk for h in created]
    steps_of = HazardEvent.objects.filter(hazard=OuterRef("pk")).order_by()
    for start in range(0, len(ids), 2000):
        HiddenHazard.objects.filter(pk__in=ids[start : start + 2000]).update(
            created_at=Subquery(steps_of.order_by("at", "id").values("at")[:1]),
            updated_at=Subquery(steps_of.order_by("-at", "-id").values("at")[:1]),
        )
    _history_audited(actor, county, "hazards.hazardevent", f"演示隐患处理记录 {len(events)} 条", len(events))
    return {"hidden_hazards": len(created)}


def load_enterprise_risk(
    *,
    actor,
    seed: int,
    county,
    townships,
    villages,
    enterprises,
    hazards_per_enterprise: float = 4.0,
    history_days: int = HISTORY_DAYS,
    summarised: bool = False,
) -> dict:
    """Risk points, hazchem units and hidden-hazard history of `enterprises` (the grown register).
    The large profile passes more hazards per enterprise over a longer history, audited per batch."""
    rng = np.random.default_rng(seed + 4000)
    result = {
        "risk_points": _risk_points(actor, rng, county, enterprises, summarised),
        "major_hazard_units": _units(actor, county, enterprises, summarised),
    }
    result |= _hidden_hazards(
        actor, rng, county, townships, villages, enterprises, hazards_per_enterprise, history_days, summarised
    )
    return result
