"""Demo response tables (分段分级分层分类): for each of the 27 warning templates (7 hazards × their colours), who
does what by when when that warning is issued — county departments, every township and village in the
warning's area, and a rescue team — on the county plan that answers the hazard (暴雨/山洪 → 防汛抗旱,
地质灾害 → 地质灾害, 森林火险 → 森林火灾, 危险化学品泄漏 → 危化, 大风/高温 → 总体). A row of colour C applies
to C and every more severe colour, so the measures escalate from 值班 (蓝) through 巡查 (黄) and 预转移 (橙) to
全部转移、停课停工 (红). Each row names the audience of the templates' 分对象防御措施 whose measures its task
carries. The plans themselves come from `plans.defaults` and the plans helper; a plan still missing here is
created bare (name, kind, county) so that the tables have a home whichever part loads first."""

from anlan.core.services import objects_bulk_create
from anlan.plans.models import IncidentKind, Plan, PlanAction
from anlan.registry.models import Department
from anlan.resources.models import RescueTeam

OVERALL = "县突发事件总体应急预案"
FLOOD = "县防汛抗旱应急预案"
GEO = "县突发地质灾害应急预案"
FOREST = "县森林火灾应急预案"
HAZCHEM = "县危险化学品事故应急预案"

PLAN_OF = {"暴雨": FLOOD, "山洪": FLOOD, "地质灾害": GEO, "森林火险": FOREST, "危险化学品泄漏": HAZCHEM}
PLAN_KINDS = {
    OVERALL: (Plan.Kind.OVERALL, ["水旱灾害", "气象灾害", "地质灾害", "森林草原火灾", "工矿商贸等企业安全事故"]),
    FLOOD: (Plan.Kind.SPECIAL, ["水旱灾害", "气象灾害"]),
    GEO: (Plan.Kind.SPECIAL, ["地质灾害"]),
    FOREST: (Plan.Kind.SPECIAL, ["森林草原火灾"]),
    HAZCHEM: (Plan.Kind.SPECIAL, ["工矿商贸等企业安全事故", "环境污染和生态破坏事件"]),
}

# Who: a department code (demo/data/departments.json), "township", "village" or "team".
# Rows per hazard: (colour it starts at, who, audience of the template's measures, measure, hours).
COMMON = [
    ("blue", "YJ", "responsible", "加强值班值守，落实24小时领导带班，及时报送信息", 1),
    ("blue", "township", "responsible", "落实乡镇（街道）带班值守，将预警传达到村到人", 1),
    ("yellow", "village", "responsible", "村（社区）干部和群测群防员上岗，巡查隐患点并落实叫应", 2),
    ("orange", "township", "resident", "组织危险区域人员预先转移，逐户登记去向", 3),
    ("orange", "YJ", "responsible", "县级救援队伍集结待命，会同相关部门会商研判", 2),
    ("red", "village", "resident", "危险区域人员全部转移，逐户敲门核查，落实“禁停撤疏”", 1),
    ("red", "team", "", "救援队伍携装备前置到重点乡镇待命", 2),
]
SPECIFIC = {
    "暴雨": [
        ("blue", "QX", "", "加密雨情监测，滚动发布短时临近预报", 3),
        ("blue", "SL", "responsible", "检查水库、山坪塘蓄水和泄洪设施，落实值守", 6),
        ("yellow", "SL", "responsible", "巡查病险水库、河道堤防和山洪沟", 4),
        ("yellow", "GZ", "responsible", "督促地质灾害隐患点监测员加密巡查", 4),
        ("orange", "JT", "", "巡查公路易塌方路段，关闭危险路段并设置警示", 3),
        ("orange", "JY", "", "停止户外集体活动，视情调整上学放学时间", 3),
        ("red", "JY", "", "危险区域学校停课，落实学生安全转移", 2),
        ("red", "JX", "enterprise", "督促危险区域企业停工停产、人员撤离", 2),
    ],
    "山洪": [
        ("blue", "SL", "responsible", "监测山洪沟水位，核实预警设施完好", 3),
        ("yellow", "SL", "responsible", "山洪沟沿线巡查，预警广播试播", 2),
        ("orange", "JT", "", "关闭涉水路段和漫水桥", 2),
        ("red", "GA", "", "对危险区域实施交通管制和警戒", 1),
        ("red", "WL", "enterprise", "关闭沿河景区和农家乐，游客撤离", 1),
    ],
    "地质灾害": [
        ("blue", "GZ", "responsible", "通知隐患点监测员加密监测", 2),
        ("yellow", "GZ", "responsible", "派技术人员巡查重点隐患点，核实危险区范围", 4),
        ("orange", "ZJ", "resident", "排查危险区域内房屋，标识危房", 6),
        ("red", "GZ", "responsible", "专家驻守重点隐患点，研判是否扩大转移范围", 2),
        ("red", "JT", "", "封闭受威胁道路，设置绕行", 1),
    ],
    "大风": [
        ("blue", "ZJ", "enterprise", "检查建筑工地塔吊、脚手架和临时设施", 4),
        ("yellow", "JT", "", "督促客运车辆和渡口加强安全管理", 3),
        ("orange", "ZJ", "enterprise", "建筑工地停止高空和露天作业", 2),
        ("red", "JY", "", "学校停课，停止一切户外活动", 2),
    ],
    "高温": [
        ("yellow", "WJ", "", "医疗机构做好防暑降温救治准备", 6),
        ("yellow", "SJ", "enterprise", "督促企业调整作业时间，落实防暑措施", 6),
        ("orange", "JX", "enterprise", "督促危化、烟花爆竹企业加强温控和巡检", 4),
        ("red", "JX", "enterprise", "停止高温时段户外作业", 2),
    ],
    "森林火险": [
        ("blue", "LY", "responsible", "护林员上岗巡山，加强野外火源管理", 2),
        ("yellow", "LY", "responsible", "在重点林区设卡，检查进山人员火种", 3),
        ("orange", "LY", "", "专业扑火队伍集结待命，停止一切野外用火", 2),
        ("orange", "GA", "", "查处野外违规用火", 4),
        ("red", "LY", "responsible", "实行封山管理，扑火队伍前置到重点林区", 1),
    ],
    "危险化学品泄漏": [
        ("blue", "JX", "enterprise:is_hazchem", "督促危化企业检查储罐、管线和应急物资", 4),
        ("yellow", "ST", "", "开展周边大气和水体监测", 2),
        ("orange", "GA", "", "设置警戒区，实施交通管制", 1),
        ("orange", "WJ", "", "医疗救护力量待命", 1),
        ("red", "XF", "", "消防救援力量赶赴现场处置", 1),
    ],
}
EVENTS = ["暴雨", "山洪", "地质灾害", "大风", "高温", "森林火险", "危险化学品泄漏"]
COLOURS = ("blue", "yellow", "orange", "red")


def _plans(*, actor, county) -> dict[str, Plan]:
    """The county plans the tables go on, creating (bare, in bulk) those not there yet."""
    found = {p.name: p for p in Plan.objects.filter(region=county, name__in=list(PLAN_KINDS))}
    missing = [
        Plan(name=name, kind=kind, region=county, synthetic=True)
        for name, (kind, _) in PLAN_KINDS.items()
        if name not in found
    ]
    if missing:
        created = objects_bulk_create(actor=actor, model=Plan, instances=missing)
        kinds = {k.name: k.pk for k in IncidentKind.objects.all()}
        links = [
            Plan.kinds.through(plan_id=plan.pk, incidentkind_id=kinds[name])
            for plan in created
            for name in PLAN_KINDS[plan.name][1]
            if name in kinds
        ]
        Plan.kinds.through.objects.bulk_create(links)
        found |= {p.name: p for p in created}
    return found


def load(*, actor, county, townships=None, departments=None) -> dict[str, int]:
    plans = _plans(actor=actor, county=county)
    # Tables already there (a second load) are left as the bureau edited them.
    filled = set(
        PlanAction.objects.filter(plan__in=plans.values(), trigger=PlanAction.Trigger.WARNING).values_list(
            "plan_id", "warning_event"
        )
    )
    by_code = {d.code.rsplit("-", 1)[-1]: d.pk for d in Department.objects.filter(code__startswith=county.code[:6])}
    team = (
        RescueTeam.objects.filter(region__pk__startswith=county.code[:6]).order_by("pk").values_list("pk", flat=True)
    ).first()
    rows = []
    for event in EVENTS:
        plan = plans[PLAN_OF.get(event, OVERALL)]
        if (plan.pk, event) in filled:
            continue
        spec = sorted(COMMON + SPECIFIC[event], key=lambda r: COLOURS.index(r[0]))
        for order, (colour, who, audience, title, hours) in enumerate(spec, start=1):
            kind = who if who in ("township", "village", "team") else PlanAction.Assignee.DEPARTMENT
            if (kind == "team" and team is None) or (kind == PlanAction.Assignee.DEPARTMENT and who not in by_code):
                continue  # a county without that department or any team: the row would reach no one
            rows.append(
                PlanAction(
                    plan=plan,
                    trigger=PlanAction.Trigger.WARNING,
                    warning_event=event,
                    warning_level=colour,
                    title=title,
                    assignee_kind=kind,
                    department_id=by_code.get(who),
                    team_id=team if kind == "team" else None,
                    audience=audience,
                    hours=hours,
                    order=100 + order,  # after the plan's response-level actions
                )
            )
    objects_bulk_create(actor=actor, model=PlanAction, instances=rows)
    return {"预案响应表措施": len(rows)}
