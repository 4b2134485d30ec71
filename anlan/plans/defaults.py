"""Starting plans for a county (loaded with the demo county; a bureau edits its own): the county's overall and
special plans with who does what at each response level, by department code (demo/data/departments.json), and
one 乡镇（街道）应急预案 per township named "<乡镇名>突发事件应急预案". The plans' fixed names are the ones every
part of issue 18 uses (drills exercise them, response tables hang on them)."""

from django.db import transaction

from anlan.core.services import objects_bulk_create
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from .models import IncidentKind, Plan, PlanAction

OVERALL = "县突发事件总体应急预案"
# name → kind; the plans not listed are special plans (专项应急预案).
KINDS = {OVERALL: Plan.Kind.OVERALL}

PLANS = [
    (OVERALL, None, []),  # None: every kind of emergency
    (
        "县防汛抗旱应急预案",
        ["水旱灾害", "气象灾害"],
        [],
    ),
    (
        "县突发地质灾害应急预案",
        ["地质灾害", "水旱灾害", "气象灾害"],
        [
            ("IV", "YJ", "派工作组赶赴现场，核实灾情并报告", 2),
            ("IV", "GZ", "派专业技术人员调查险情，划定危险区", 2),
            ("IV", "QX", "加密天气会商，滚动发布降雨预报", 6),
            ("III", "YJ", "组织受威胁群众转移安置，开放避难场所", 4),
            ("III", "XF", "派救援队伍开展搜救", 1),
            ("III", "WJ", "派医疗队救治伤员", 2),
            ("III", "JT", "抢通受损道路，保障救援通道", 12),
            ("II", "GA", "实施交通管制和现场警戒", 2),
            ("II", "ZJ", "排查受损房屋安全", 24),
            ("II", "SW", "调运生活必需品", 12),
            ("I", "YJ", "成立现场指挥部，请求市级支援", 1),
        ],
    ),
    (
        "县生产安全事故应急预案",
        ["工矿商贸等企业安全事故", "火灾事故", "公共设施和设备事故", "交通运输事故"],
        [
            ("IV", "YJ", "派员赶赴现场，核实事故情况并按时限报告", 1),
            ("IV", "XF", "开展抢险救援", 1),
            ("IV", "WJ", "组织医疗救治", 2),
            ("III", "GA", "设置警戒区，疏散周边人员，维护秩序", 2),
            ("III", "ST", "开展环境监测，防止次生污染", 4),
            ("III", "JX", "组织行业专家研判，协调事故单位抢险", 4),
            ("II", "SJ", "排查同类设备、场所隐患", 24),
            ("I", "YJ", "成立现场指挥部，请求市级支援", 1),
        ],
    ),
    ("县森林火灾应急预案", ["森林草原火灾"], []),
    ("县危险化学品事故应急预案", ["工矿商贸等企业安全事故", "环境污染和生态破坏事件"], []),
]
TOWNSHIP_KINDS = ["水旱灾害", "气象灾害", "地质灾害", "森林草原火灾", "工矿商贸等企业安全事故"]


def township_plan_name(township) -> str:
    return f"{township.name}突发事件应急预案"


def install_county_plans(county, *, synthetic: bool = False, actor=None) -> int:
    """Create the starting plans for a county (skipped if it already has plans), audited in bulk."""
    if Plan.objects.filter(region=county).exists():
        return 0
    departments = {d.code.rsplit("-", 1)[-1]: d for d in Department.objects.filter(code__startswith=county.code[:6])}
    kinds = {k.name: k for k in IncidentKind.objects.all()}
    townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    government = {"review_mode": Plan.Review.REVIEW, "evaluation_years": 3, "synthetic": synthetic}
    with transaction.atomic():
        plans = objects_bulk_create(
            actor=actor,
            model=Plan,
            instances=[
                Plan(name=name, region=county, kind=KINDS.get(name, Plan.Kind.SPECIAL), **government)
                for name, _, _ in PLANS
            ],
        )
        local = objects_bulk_create(
            actor=actor,
            model=Plan,
            instances=[
                Plan(name=township_plan_name(t), region=t, kind=Plan.Kind.TOWNSHIP, **government) for t in townships
            ],
        )
        through = Plan.kinds.through
        links = [
            through(plan_id=p.pk, incidentkind_id=kinds[k].pk) for p in local for k in TOWNSHIP_KINDS if k in kinds
        ]
        actions = []
        for plan, (_, kind_names, rows) in zip(plans, PLANS, strict=True):
            names = kinds if kind_names is None else kind_names
            links += [through(plan_id=plan.pk, incidentkind_id=kinds[k].pk) for k in names if k in kinds]
            actions += [
                PlanAction(plan=plan, level=level, title=title, department=departments.get(code), hours=hours, order=i)
                for i, (level, code, title, hours) in enumerate(rows, start=1)
            ]
        through.objects.bulk_create(links)
        objects_bulk_create(actor=actor, model=PlanAction, instances=actions)
    return len(plans) + len(local)
