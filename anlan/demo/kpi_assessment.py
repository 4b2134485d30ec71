"""Demo 考核 and 责任清单 (issue 19 items 3–4): the year's township scheme with 12 items (indicator, task and
manual items), opened into a sheet for every township at various stages — most reviewed and ranked, some
submitted and waiting for the county, a few still self-assessing — and 职责清单/工作清单 for a few departments and
townships, some published.

Indicator items use the county's indicators when the indicators part has loaded them (else they are scored by
hand); task items read the 重点任务 the tasks part loaded. Bulk writes only (objects_bulk_create, audited);
computed scores come from kpi.services_assessment.recompute (one pass over the scheme). Seeded, so the demo
reads the same on every load.
"""

import datetime as dt
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from anlan.core.services import objects_bulk_create
from anlan.kpi import scoring
from anlan.kpi import services_assessment as svc
from anlan.kpi.models import Assessment, AssessmentItem, AssessmentScheme, DutyList, DutyListItem, Indicator, Score

MANUAL_ITEMS = [
    ("组织领导", "成立应急管理工作领导小组，每季度至少研究一次应急管理工作", "5", "会议纪要、领导小组文件"),
    ("值班值守", "落实24小时值班和领导带班制度，信息报送及时准确", "8", "值班表、值班日志"),
    ("预案管理", "乡镇总体预案和专项预案按期修订并备案", "6", "预案文本、备案回执"),
    ("应急演练", "每年至少组织2次综合或专项应急演练并评估", "6", "演练方案、评估报告"),
    ("宣传培训", "开展防灾减灾宣传周、安全生产月活动", "5", "活动照片、简报"),
    ("队伍建设", "建成乡镇综合应急救援队伍并定期训练", "8", "队伍名册、训练记录"),
    ("物资保障", "乡镇应急物资储备点物资齐全、台账清楚", "6", "物资台账"),
    ("基层治理", "村（社区）网格员、群测群防员全覆盖并在线", "6", "网格员名册"),
]
# Scored by hand in place of indicator items when the county has fewer than 3 indicators with targets.
MANUAL_EXTRA = [
    ("安全生产", "生产安全事故起数和死亡人数控制在县下达的指标内", "10", "事故统计台账"),
    ("防灾减灾", "自然灾害因灾死亡失踪人数控制在规划目标内", "10", "灾情统计报表"),
    ("隐患治理", "隐患整改闭环率达到规划目标", "10", "隐患整改台账"),
]
TASK_ITEMS = [("重点任务", "完成重点任务分工表中落实到本乡镇的任务", "15")]
# One small PDF every demo self-assessment points to as its evidence (a real file, so the link opens).
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
INDICATOR_RULES = [Decimal("2"), None, Decimal("1")]  # 每差1个单位扣分; None: 按比例

DUTY_ITEMS = [
    ("统筹本辖区应急管理工作，组织编制和实施应急预案", "《中华人民共和国突发事件应对法》"),
    ("组织开展安全生产和自然灾害风险隐患排查治理", "《安全生产法》"),
    ("落实防汛抗旱、地质灾害防治“三个责任人”", "《防汛条例》"),
    ("组织群众转移避险和受灾群众生活救助", "《自然灾害救助条例》"),
    ("建设基层应急救援队伍，储备必要的应急物资", "《“十四五”应急体系规划》"),
    ("开展应急知识宣传普及和应急演练", "《突发事件应急预案管理办法》"),
]
WORK_ITEMS = [
    ("汛前完成地质灾害隐患点全面排查", 5, 31),
    ("组织防汛应急演练不少于1次", 6, 15),
    ("更新村（社区）责任人名册并公示", 4, 30),
    ("完成乡镇应急物资储备点补充", 9, 30),
    ("开展“安全生产月”宣传活动", 6, 30),
    ("完成年度应急预案修订和备案", 11, 30),
]


def _items(scheme, indicators) -> list[AssessmentItem]:
    items = []
    for n, ind in enumerate(indicators):
        items.append(
            AssessmentItem(
                scheme=scheme, category=ind.get_category_display(), title=f"{ind.name}达到规划目标",
                points=Decimal("10"), method=AssessmentItem.Method.INDICATOR, indicator=ind,
                deduct_per_unit=INDICATOR_RULES[n % len(INDICATOR_RULES)],
                evidence_required="系统自动取指标值",
            )
        )  # fmt: skip
    for category, title, points in TASK_ITEMS:
        items.append(
            AssessmentItem(scheme=scheme, category=category, title=title, points=Decimal(points),
                           method=AssessmentItem.Method.TASKS, evidence_required="任务进展及佐证")
        )  # fmt: skip
    missing = max(0, len(MANUAL_EXTRA) - len(indicators))
    for category, title, points, evidence in [*MANUAL_EXTRA[:missing], *MANUAL_ITEMS]:
        items.append(
            AssessmentItem(scheme=scheme, category=category, title=title, points=Decimal(points),
                           method=AssessmentItem.Method.MANUAL, evidence_required=evidence)
        )  # fmt: skip
    for order, item in enumerate(items, start=1):
        item.order = order
    return items


def _load_scheme(*, actor, county, year: int, today: dt.date, now: dt.datetime, rng) -> dict[str, int]:
    indicators = list(Indicator.objects.filter(region=county, active=True, target__isnull=False).order_by("order")[:3])
    scheme = AssessmentScheme(
        region=county, year=year, title=f"{year}年度乡镇（街道）应急管理工作考核", target="township",
        status=AssessmentScheme.Status.SELF, self_due=today + dt.timedelta(days=10),
        review_due=today + dt.timedelta(days=30),
        notes="依据县“十四五”应急体系规划核心指标和重点任务分工，结合日常工作考核。",
    )  # fmt: skip
    objects_bulk_create(actor=actor, model=AssessmentScheme, instances=[scheme])
    items = objects_bulk_create(actor=actor, model=AssessmentItem, instances=_items(scheme, indicators))
    units = svc.units_of(scheme)
    sheets = objects_bulk_create(
        actor=actor,
        model=Assessment,
        instances=[Assessment(scheme=scheme, region=r, department=d, unit_name=name) for r, d, name in units],
    )
    scores = objects_bulk_create(
        actor=actor, model=Score, instances=[Score(assessment=s, item=i) for s in sheets for i in items]
    )
    svc.recompute(scheme=scheme, sheets=sheets, actor=actor)
    scores = list(Score.objects.filter(assessment__scheme=scheme).select_related("item"))
    by_sheet: dict[int, list[Score]] = {}
    for score in scores:
        by_sheet.setdefault(score.assessment_id, []).append(score)
    # Stages: the first few townships still self-assessing, then some submitted, the rest reviewed.
    n = len(sheets)
    evidence_path = default_storage.save("kpi/assessment/demo/evidence.pdf", ContentFile(EVIDENCE_PDF))
    open_count, submitted_count = max(1, n // 8), max(2, n // 5)
    for index, sheet in enumerate(sheets):
        stage = "open" if index < open_count else "submitted" if index < open_count + submitted_count else "reviewed"
        if stage == "open":
            continue
        strength = Decimal(rng.randint(70, 100)) / 100
        for score in by_sheet[sheet.pk]:
            item = score.item
            if item.method == AssessmentItem.Method.MANUAL:
                score.self_points = scoring.quantize(item.points * min(Decimal(1), strength + Decimal("0.1")))
                score.self_note = "已按要求落实，佐证材料见台账"
                score.evidence_name = f"{item.evidence_required.split('、')[0]}.pdf"
                score.evidence_file.name = evidence_path
                if stage == "reviewed":
                    cut = Decimal(rng.choice([0, 0, 0.5, 1, 1.5]))
                    score.review_points = scoring.quantize(max(Decimal(0), score.self_points - cut))
                    if cut:
                        score.review_note = "佐证材料不完整，酌情扣分"
            elif score.computed_points is None:
                score.self_points = scoring.quantize(item.points * strength)
                score.self_note = "无系统计分，按实际完成情况自评"
        sheet.status = Assessment.Status.SUBMITTED
        sheet.submitted_at = now - dt.timedelta(days=rng.randint(3, 20))
        sheet.self_total = scoring.total(
            scoring.final_points(computed=s.computed_points, self_points=s.self_points, review=None)
            for s in by_sheet[sheet.pk]
        )
        if stage == "reviewed":
            sheet.status = Assessment.Status.REVIEWED
            sheet.reviewed_at = sheet.submitted_at + dt.timedelta(days=2)
            sheet.final_total = scoring.total(svc.final_of(s) for s in by_sheet[sheet.pk])
    Score.objects.bulk_update(
        scores,
        ["self_points", "self_note", "evidence_file", "evidence_name", "review_points", "review_note"],
        batch_size=500,
    )
    Assessment.objects.bulk_update(
        sheets, ["status", "submitted_at", "self_total", "reviewed_at", "final_total"], batch_size=500
    )
    svc.rerank(scheme=scheme, actor=actor)
    return {"assessment_items": len(items), "assessment_sheets": len(sheets)}


def _load_lists(*, actor, county, townships, departments, year: int, today: dt.date) -> dict[str, int]:
    lists, items = [], []
    owners = [(t, None, t.name) for t in townships[:4]] + [(county, d, d.name) for d in departments[:4]]
    for n, (region, department, name) in enumerate(owners):
        published = today - dt.timedelta(days=30 + n) if n % 3 != 2 else None
        duties = DutyList(kind="duties", region=region, department=department, title=f"{name}应急管理职责清单",
                          published_on=published)  # fmt: skip
        work = DutyList(kind="work", region=region, department=department, year=year,
                        title=f"{name}{year}年度应急管理工作清单", published_on=published)  # fmt: skip
        lists += [duties, work]
    lists = objects_bulk_create(actor=actor, model=DutyList, instances=lists)
    for duty_list in lists:
        if duty_list.kind == "duties":
            for order, (content, basis) in enumerate(DUTY_ITEMS, start=1):
                items.append(DutyListItem(duty_list=duty_list, order=order, content=content, basis=basis))
        else:
            for order, (content, month, day) in enumerate(WORK_ITEMS, start=1):
                deadline = dt.date(year, month, day)
                done = deadline - dt.timedelta(days=5) if deadline < today and order % 4 else None
                items.append(
                    DutyListItem(duty_list=duty_list, order=order, content=content, deadline=deadline, done_on=done)
                )
    objects_bulk_create(actor=actor, model=DutyListItem, instances=items)
    return {"duty_lists": len(lists), "duty_list_items": len(items)}


def load(*, actor, county, townships, departments, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(19_3)
    # The year just ended is the one assessed (sheets reviewed in January); the lists are this year's.
    loaded = _load_scheme(actor=actor, county=county, year=today.year - 1, today=today, now=timezone.now(), rng=rng)
    loaded |= _load_lists(
        actor=actor, county=county, townships=list(townships), departments=list(departments), year=today.year,
        today=today,
    )  # fmt: skip
    return loaded
