"""Demo drills (issue 18 item 3): a year of drills across the townships, the county departments, the high-risk
enterprises and the county's plans — live and tabletop, single and comprehensive, some 双盲 — most evaluated
with scores, problems open, overdue and put right, one plan problem turned into a revision trigger; and ONE
township (the last by code) whose last drill is more than two years old, so the compliance table shows it
未达标. Two drills are planned for the coming weeks and one was cancelled.

Bulk writes only (each model once through objects_bulk_create, audited), no service per row: the test county
loads this part in every run. Dates follow `today`, so the table reads the same whenever the demo is loaded.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.drills import indicators
from anlan.drills.models import Drill, DrillEvaluation, DrillLogEntry, DrillProblem
from anlan.drills.services_drills import HIGH_RISK
from anlan.plans.models import Plan, RevisionTrigger
from anlan.registry.models import Enterprise

SCENARIOS = {
    "flood": ("防汛抢险", "连续强降雨致河水上涨、山洪暴发，低洼区域群众需紧急转移"),
    "geo": ("地质灾害避险", "强降雨诱发滑坡，威胁坡下居民点，需撤离并设置警戒"),
    "fire": ("森林火灾扑救", "林区山火蔓延，需组织扑救队伍并疏散周边群众"),
    "chem": ("危险化学品泄漏处置", "储罐阀门泄漏，需堵漏、警戒、疏散下风向人员"),
    "quake": ("地震应急疏散", "突发地震，学校、集镇人员疏散避险"),
}
PROBLEMS = [
    ("plan", "预案未明确夜间转移的集合点和带路人"),
    ("personnel", "部分参演人员不熟悉预警信号和转移路线"),
    ("support", "对讲机数量不足，村组之间通信中断"),
    ("mechanism", "信息报告未按时限逐级报送"),
    ("organisation", "现场指挥部设置较晚，分工不清"),
]
SCORES = [92, 86, 81, 76, 68, 88, 79, 95, 72, 84]


def _spread(count: int, start: dt.date, end: dt.date) -> list[dt.date]:
    """`count` dates evenly between start and end (both included when there is room)."""
    span = max((end - start).days, 0)
    return [start + dt.timedelta(days=span * (i + 1) // (count + 1)) for i in range(count)]


def _drill(title, scenario_key, region, planned_on, held_on, *, form, scope, blind=False, **extra) -> Drill:
    name, scenario = SCENARIOS[scenario_key]
    return Drill(
        title=title or name,
        form=form,
        scope=scope,
        double_blind=blind,
        scenario=scenario,
        region_id=region if isinstance(region, str) else region.code,
        planned_on=planned_on,
        held_on=held_on,
        status=Drill.Status.HELD if held_on else Drill.Status.PLANNED,
        synthetic=True,
        **extra,
    )


def load(*, actor, county, townships, departments, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    jan1 = dt.date(today.year, 1, 1)
    this_year_end = max(today - dt.timedelta(days=3), jan1)
    live, tabletop = Drill.Form.LIVE, Drill.Form.TABLETOP
    single, comprehensive = Drill.Scope.SINGLE, Drill.Scope.COMPREHENSIVE
    drills: list[Drill] = []

    # Townships: one drill this year each, except the last township, whose last drill is over two years old.
    townships = sorted(townships, key=lambda t: t.code)
    kept, missing = townships[:-1], townships[-1:]
    for i, (township, day) in enumerate(zip(kept, _spread(len(kept), jan1, this_year_end), strict=True)):
        key = ("flood", "geo", "quake", "fire")[i % 4]
        drills.append(
            _drill(
                f"{township.name}{SCENARIOS[key][0]}{'实战' if i % 2 == 0 else '桌面'}演练", key, township, day, day,
                form=live if i % 2 == 0 else tabletop, scope=comprehensive if i % 3 == 0 else single,
                blind=i % 5 == 0, place=f"{township.name}政府", planned_headcount=40 + i, attendance=36 + i,
            )
        )  # fmt: skip
    for township in missing:
        old = today - dt.timedelta(days=2 * 365 + 60)
        drills.append(
            _drill(f"{township.name}防汛演练", "flood", township, old, old, form=tabletop, scope=single, attendance=20)
        )

    # County departments: most drilled this year; every fourth last year (met by law, not yet by the yearly target).
    bureau = next((d for d in departments if d.kind == "emergency"), None)
    days = _spread(len(departments), jan1, this_year_end)
    for i, (department, day) in enumerate(zip(departments, days, strict=True)):
        if i % 4 == 3:
            day = day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) else day - dt.timedelta(366)
        key = {"water": "flood", "natural_resources": "geo", "forestry": "fire", "ecology": "chem"}.get(
            department.kind, "quake"
        )
        drills.append(
            _drill(
                f"{department.name}{SCENARIOS[key][0]}演练", key, county, day, day, form=tabletop if i % 2 else live,
                scope=single, department=department, attendance=15 + i,
            )
        )  # fmt: skip

    # High-risk enterprises (应急条例 Art. 7 types): a drill in each half-year; every fifth misses this half.
    first_half = today.month <= 6
    previous = (dt.date(today.year - 1, 9, 15), dt.date(today.year - 1, 9, 15)) if first_half else (
        dt.date(today.year, 4, 15), dt.date(today.year, 4, 15))  # fmt: skip
    current = min(today - dt.timedelta(days=2), dt.date(today.year, 6 if first_half else 12, 20))
    current = max(current, dt.date(today.year, 1 if first_half else 7, 1))
    enterprises = list(
        Enterprise.objects.filter(HIGH_RISK, region__pk__startswith=county.code[:6])
        .order_by("pk")
        .only("pk", "name", "region_id")
    )
    for i, enterprise in enumerate(enterprises):
        dates = [previous[0]] + ([current] if i % 5 != 4 and current <= today else [])
        for j, day in enumerate(dates):
            drills.append(
                _drill(
                    f"{enterprise.name}现场处置演练", "chem", enterprise.region_id, day, day, form=live,
                    scope=single, blind=(i + j) % 7 == 0, enterprise=enterprise, attendance=12,
                )
            )  # fmt: skip

    # The county's plans: a comprehensive drill of each this year, organised by the bureau.
    plans = list(Plan.objects.filter(region=county, active=True).order_by("pk"))
    for i, (plan, day) in enumerate(zip(plans, _spread(len(plans), jan1, this_year_end), strict=True)):
        key = (
            "geo"
            if "地质" in plan.name
            else "flood"
            if "防汛" in plan.name
            else "fire"
            if "森林" in plan.name
            else "chem"
        )
        drills.append(
            _drill(
                f"{plan.name}{'桌面推演' if i % 2 else '综合演练'}", key, county, day, day, plan=plan,
                form=tabletop if i % 2 else live, scope=comprehensive, department=bureau, blind=i == 0,
                planned_headcount=120, attendance=112, place="县应急指挥中心" if i % 2 else "县城滨江广场",
            )
        )  # fmt: skip

    # Coming up, and one cancelled.
    soon = today + dt.timedelta(days=14)
    if kept:
        drills.append(_drill(f"{kept[0].name}地震疏散演练", "quake", kept[0], soon, None, form=live, scope=single))
    drills.append(
        _drill("县森林防火桌面推演", "fire", county, soon + dt.timedelta(days=7), None, form=tabletop,
               scope=comprehensive, department=bureau, planned_headcount=40)
    )  # fmt: skip
    cancelled = _drill("县城区消防疏散演练", "quake", county, jan1, None, form=live, scope=single, department=bureau)
    cancelled.status, cancelled.summary = Drill.Status.CANCELLED, "取消原因：与防汛应急响应时间冲突，改期举行"
    drills.append(cancelled)

    drills = objects_bulk_create(actor=actor, model=Drill, instances=drills)
    held = [d for d in drills if d.held_on]
    joined = departments[:5]
    Drill.departments.through.objects.bulk_create(
        [Drill.departments.through(drill_id=d.pk, department_id=dep.pk) for d in drills if d.plan_id for dep in joined]
    )

    # Evaluations: all but every fourth held drill (those wait for their evaluation).
    evaluations, evaluated = [], []
    for i, drill in enumerate(held):
        # Every fourth drill waits for its evaluation; of the enterprises' many drills only every fifth is shown
        # evaluated here (the demo loads in every test run: a few hundred rows fewer).
        if i % 4 == 3 or (drill.enterprise_id and i % 5):
            continue
        rows = indicators.default_indicators(drill.form)
        base = SCORES[i % len(SCORES)]
        for j, row in enumerate(rows):
            row["score"] = max(0, min(100, base + (j % 3 - 1) * 4))
        score = indicators.total(rows)
        evaluations.append(
            DrillEvaluation(
                drill=drill, evaluated_on=min(drill.held_on + dt.timedelta(days=3), today), evaluators="县应急局评估组",
                observations=[{"at": "09:05", "observer": "评估组", "text": "信息报告及时，指令传达清楚"},
                              {"at": "09:40", "observer": "评估组", "text": "转移路线有一处标识缺失"}],
                indicators=rows, score=score, conclusion=indicators.conclusion(Decimal(score)),
                report="演练达到预期目的；针对发现的问题明确了整改责任和期限。", recorded_by="演示数据",
            )
        )  # fmt: skip
        evaluated.append(drill)
    objects_bulk_create(actor=actor, model=DrillEvaluation, instances=evaluations)
    Drill.objects.filter(pk__in=[d.pk for d in evaluated]).update(status=Drill.Status.EVALUATED)

    # Timelines of the evaluated drills of townships, departments and plans: three entries each.
    log = []
    for drill in (d for d in evaluated if not d.enterprise_id):
        start = timezone.make_aware(dt.datetime.combine(drill.held_on, dt.time(9, 0)))
        for minutes, text in (
            (0, "演练开始，指挥部宣布情景"),
            (25, "各参演单位按预案响应"),
            (70, "演练结束，现场点评"),
        ):
            log.append(
                DrillLogEntry(drill=drill, at=start + dt.timedelta(minutes=minutes), text=text, actor_name="演示数据")
            )
    objects_bulk_create(actor=actor, model=DrillLogEntry, instances=log)

    # Problems of every third evaluated drill: open, overdue or put right; the plan drills' plan problems become
    # revision triggers of their plan.
    problems, triggers = [], []
    for i, drill in enumerate(evaluated[::3]):
        category, text = PROBLEMS[i % len(PROBLEMS)]
        if category == "plan" and not drill.plan_id:
            category, text = PROBLEMS[1]
        due = drill.held_on + dt.timedelta(days=30)
        done = i % 3 == 0 and due <= today
        problem = DrillProblem(
            drill=drill, category=category, description=text, department=drill.department or bureau, due_on=due,
            status=DrillProblem.Status.DONE if done else DrillProblem.Status.OPEN,
            done_on=min(due - dt.timedelta(days=5), today) if done else None, note="已整改并复核" if done else "",
        )  # fmt: skip
        problems.append(problem)
    for drill in evaluated:
        if drill.plan_id:
            triggers.append(
                RevisionTrigger(
                    plan_id=drill.plan_id, reason=RevisionTrigger.Reason.PRACTICE, description=PROBLEMS[0][1],
                    source=f"演练：{drill.title}", noted_on=drill.held_on, noted_by="演示数据",
                )
            )  # fmt: skip
            problems.append(
                DrillProblem(
                    drill=drill, category="plan", description=PROBLEMS[0][1], department=bureau,
                    due_on=max(drill.held_on + dt.timedelta(days=60), today + dt.timedelta(days=10)),
                )
            )  # fmt: skip
            break
    triggers = objects_bulk_create(actor=actor, model=RevisionTrigger, instances=triggers)
    if triggers:
        problems[-1].revision_trigger = triggers[0]
    objects_bulk_create(actor=actor, model=DrillProblem, instances=problems)
    return {
        "drills": len(drills),
        "drill_evaluations": len(evaluations),
        "drill_problems": len(problems),
        "drill_log": len(log),
    }
