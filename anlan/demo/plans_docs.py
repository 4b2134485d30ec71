"""Demo of issue 18 item 1, plans as living documents: the county's and townships' plans (made by
plans.defaults) get their text, 公布 dates over the last three years, filings and evaluations; about 40
high-risk enterprises get their own plan. The mix shows every state a desk meets: most plans filed (numbers
`备〔年〕N号` in order per year), three awaiting the county's check (one past its 5 working days), two late,
one returned for missing materials, one just published, evaluations due this quarter, two open revision
triggers.

Everything is written in bulk (a handful of queries, audited in bulk) because the test county loads it in
every test run. The plan texts are one generated Word document (core.documents) whose title is replaced per
plan inside the docx, stored under fixed names so a reload writes no duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import zipfile
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from anlan.core.audit import AuditItem, append, snapshot
from anlan.core.documents import OfficialDocument
from anlan.core.services import objects_bulk_create
from anlan.plans import rules
from anlan.plans.calendar import WorkCalendar
from anlan.plans.defaults import OVERALL, township_plan_name
from anlan.plans.models import IncidentKind, Plan, PlanEvaluation, PlanFiling, PlanVersion, RevisionTrigger
from anlan.plans.services_lifecycle import filing_number
from anlan.registry.models import Enterprise

ENTERPRISE_PLANS = 40
TITLE = "PLANTITLEPLACEHOLDER"
ENTERPRISE_KINDS = ["工矿商贸等企业安全事故", "火灾事故", "环境污染和生态破坏事件"]


def _template() -> bytes:
    doc = OfficialDocument()
    doc.title(TITLE)
    doc.line("1 总则")
    doc.line("1.1 编制目的：规范突发事件应对工作，提高应急处置能力，最大限度减少人员伤亡和财产损失。")
    doc.line("1.2 适用范围、工作原则、组织体系与职责、预警与响应、保障措施、附则（演示文本）。")
    return doc.bytes()


def _docx_for(template: bytes, title: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(TITLE.encode(), escape(title).encode())
            dst.writestr(item, data)
    return out.getvalue()


def _store(template: bytes, plan: Plan, number: int) -> str:
    digest = hashlib.sha256(f"{plan.region_id}/{plan.name}/{number}".encode()).hexdigest()[:20]
    path = f"plans/demo/{digest}.docx"
    if not default_storage.exists(path):
        path = default_storage.save(path, ContentFile(_docx_for(template, plan.name)))
    return path


def _enterprise_plans(county, townships) -> list[Plan]:
    """The high-risk enterprises' plans, not saved yet (their dates are set first: one insert, no update), and
    the plan of the first township's first enterprise, whose account the demo and the tests sign in with."""
    listed = Q(industry__in=rules.LISTED_DIVISIONS) | Q(scale__in=rules.MEDIUM_OR_LARGER)
    for flag in rules.LISTED_FLAGS:
        listed |= Q(**{flag: True})
    enterprises = list(
        Enterprise.objects.filter(listed, region__pk__startswith=county.code[:6])
        .exclude(plans__isnull=False)
        .select_related("region")
        .order_by("pk")[:ENTERPRISE_PLANS]
    )
    if townships:
        first = Enterprise.objects.filter(region=townships[0], plans__isnull=True).select_related("region")
        first = first.order_by("pk").first()
        if first is not None and first not in enterprises:
            enterprises.insert(0, first)
    plans = []
    for e in enterprises:
        facts = rules.UnitFacts.of(e)
        plans.append(
            Plan(
                name=f"{e.name}生产安全事故应急预案",
                kind=Plan.Kind.ENTERPRISE,
                region=e.region,
                enterprise=e,
                review_mode=rules.default_review_mode(Plan.Kind.ENTERPRISE, facts).value,
                evaluation_years=rules.default_evaluation_years(Plan.Kind.ENTERPRISE, facts).value,
                synthetic=True,
            )
        )
    return plans


def _save_enterprise_plans(actor, plans: list[Plan]) -> None:
    created = objects_bulk_create(actor=actor, model=Plan, instances=plans)
    kinds = list(IncidentKind.objects.filter(name__in=ENTERPRISE_KINDS).values_list("pk", flat=True))
    through = Plan.kinds.through
    through.objects.bulk_create([through(plan_id=p.pk, incidentkind_id=k) for p in created for k in kinds])


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def load(*, actor, county, townships=None, departments=None) -> dict[str, int]:
    today = timezone.localdate()
    rng = random.Random(f"plans-docs-{county.code}")
    names = [OVERALL, *(n for n in Plan.objects.filter(region=county).values_list("name", flat=True) if n != OVERALL)]
    names += [township_plan_name(t) for t in townships or []]
    existing = Plan.objects.filter(region__pk__startswith=county.code[:6], name__in=names, versions__isnull=True)
    government = list(existing.select_related("region").order_by("kind", "region_id", "pk"))
    enterprise = _enterprise_plans(county, townships)
    plans = government + enterprise
    if not plans:
        return {}
    dated = ("published_on", "reviewed_on", "last_evaluated_on")
    before = {p.pk: {k: snapshot(p)[k] for k in dated} for p in government}
    key = id  # enterprise plans have no pk until they are inserted with their dates
    filed_with_county = [p for p in plans if rules.files_with_county(p.kind)]
    # The states to show, on plans that file with the county: (days since 公布, filing story).
    stories = {}
    special = ["submitted", "submitted", "submitted_overdue", "late", "late", "returned", "fresh"]
    for plan, story in zip(filed_with_county[1::5], special, strict=False):
        stories[key(plan)] = story
    evaluation_window = 3 * 365
    published: dict[int, dt.date] = {}
    due_soon: set[int] = set()
    for i, plan in enumerate(plans):
        story = stories.get(key(plan), "")
        if story in ("submitted", "submitted_overdue", "returned"):
            days = rng.randint(12, 18)
        elif story == "late":
            days = rng.randint(45, 80)
        elif story == "fresh":
            days = 3
        elif i % 6 == 2 and plan.evaluation_years:  # due for evaluation this quarter
            days = evaluation_window - rng.randint(5, 80)
            due_soon.add(key(plan))
        else:
            days = rng.randint(40, evaluation_window - 120)
        published[key(plan)] = today - dt.timedelta(days=days)
    calendar = WorkCalendar.around(published.values(), today)

    evaluations = []
    for plan in plans:
        plan.published_on = published[key(plan)]
        plan.reviewed_on = plan.published_on - dt.timedelta(days=rng.randint(7, 30))
        # An evaluation a year after 公布 for some older plans (an enterprise after its own drill, say).
        older = (today - plan.published_on).days > 500 and key(plan) not in due_soon
        if plan.evaluation_years and older and rng.random() < 0.3:
            on = plan.published_on + dt.timedelta(days=365)
            plan.last_evaluated_on = on
            evaluations.append(
                PlanEvaluation(
                    plan=plan,
                    evaluated_on=on,
                    evaluator="县应急管理局组织专家组" if plan.enterprise_id is None else "企业安全管理部门",
                    conclusion="预案基本符合实际，组织体系和响应程序可操作，暂不需修订。",
                    recorded_by="演示数据",
                )
            )
    if enterprise:
        _save_enterprise_plans(actor, enterprise)

    template = _template()
    versions = [
        PlanVersion(
            plan=plan,
            number=1,
            file=_store(template, plan, 1),
            file_name=f"{plan.name}.docx",
            note="首次发布",
            uploaded_at=_at(plan.published_on, 9),
            uploaded_by="演示数据",
        )
        for plan in plans
    ]
    objects_bulk_create(actor=actor, model=PlanVersion, instances=versions)
    version_of = {v.plan_id: v for v in versions}

    filings = []
    for plan in plans:
        if not rules.files_with_county(plan.kind):
            continue
        story = stories.get(key(plan), "filed")
        if story in ("late", "fresh"):
            continue
        due = calendar.add(plan.published_on, rules.filing_days())
        if story in ("submitted", "submitted_overdue", "returned"):
            submitted = today - dt.timedelta(days=9 if story == "submitted_overdue" else rng.randint(0, 3))
            if story == "returned":
                submitted = today - dt.timedelta(days=8)
        else:
            submitted = plan.published_on + dt.timedelta(days=rng.randint(3, 20))
        filing = PlanFiling(
            plan=plan,
            version=version_of[plan.pk],
            due_on=due,
            submitted_at=_at(submitted, 15),
            submitted_by="演示数据",
            check_due_on=calendar.add(submitted, rules.check_days()),
            status=PlanFiling.Status.SUBMITTED,
        )
        if story == "returned":
            filing.status = PlanFiling.Status.RETURNED
            filing.checked_at, filing.checked_by = _at(submitted + dt.timedelta(days=2), 16), "演示数据"
            filing.missing_items = "1. 应急预案评审意见（专家签字）\n2. 风险评估报告\n3. 应急资源调查报告"
        elif story == "filed":
            filing.status = PlanFiling.Status.FILED
            filing.checked_at = _at(min(calendar.add(submitted, rng.randint(1, 4)), today), 11)
            filing.checked_by = "演示数据"
        filings.append(filing)
    # Numbers in the order the county filed them, gapless per year (as services_lifecycle gives them).
    seq: dict[int, int] = {}
    for filing in sorted(filings, key=lambda f: (f.checked_at or f.submitted_at, f.plan.pk)):
        if filing.status == PlanFiling.Status.FILED:
            year = timezone.localdate(filing.checked_at).year
            seq[year] = seq.get(year, 0) + 1
            filing.number = filing_number(year, seq[year])
    objects_bulk_create(actor=actor, model=PlanFiling, instances=filings)
    objects_bulk_create(actor=actor, model=PlanEvaluation, instances=evaluations)

    if government:  # the enterprise plans were inserted with their dates
        Plan.objects.bulk_update(government, list(dated))
        append(
            (
                AuditItem(
                    action="update",
                    object_type="plans.plan",
                    object_id=str(p.pk),
                    object_repr=p.name,
                    region_code=p.region_id,
                    before=before[p.pk],
                    after={k: snapshot(p)[k] for k in dated},
                )
                for p in government
            ),
            actor=actor,
        )

    triggers = []
    flood = next((p for p in government if p.name == "县防汛抗旱应急预案"), None)
    if flood is not None:
        triggers.append(
            RevisionTrigger(
                plan=flood,
                reason=RevisionTrigger.Reason.COMMAND,
                description="机构改革后县防汛抗旱指挥部成员单位及职责调整，预案附件的成员名单需更新。",
                source="县防指办公室",
                noted_on=today - dt.timedelta(days=40),
                noted_by="演示数据",
            )
        )
    if enterprise:
        triggers.append(
            RevisionTrigger(
                plan=enterprise[0],
                reason=RevisionTrigger.Reason.RISK,
                description="新增一座危险化学品储罐，构成重大危险源，需补充相应的现场处置方案。",
                source="企业风险辨识",
                noted_on=today - dt.timedelta(days=15),
                noted_by="演示数据",
            )
        )
    objects_bulk_create(actor=actor, model=RevisionTrigger, instances=triggers)
    return {
        "plan_enterprise_plans": len(enterprise),
        "plan_versions": len(versions),
        "plan_filings": len(filings),
        "plan_evaluations": len(evaluations),
        "plan_revision_triggers": len(triggers),
    }
