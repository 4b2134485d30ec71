"""考核: the scheme and its items (县级, while 编制中), opening it into one sheet per township or department
with a score row per item (in bulk), computed scores from indicator values and key tasks (kpi.scoring), the
unit's self-assessment with evidence, the county's review, totals, ranking and publication.

Every write is one transaction with its audit entry; steps go through kpi.workflow_assessment. Sheets are
fetched with `restrict(actor, ...)`: a unit never reaches another unit's sheet. Indicator values are only read
here (the indicators part computes them).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from anlan.core.audit import audit_bulk_create, audit_changes, audit_record, snapshot
from anlan.core.errors import DomainError, NotAllowed
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.core.services import object_create, object_delete, object_update
from anlan.core.uploads import UploadRejected, check_upload
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from . import scoring
from .models import Assessment, AssessmentItem, AssessmentScheme, IndicatorValue, KeyTask, Score
from .workflow_assessment import SCHEME_FLOW, SHEET_FLOW, is_unit

Method = AssessmentItem.Method
UNIT_ROLES = frozenset({Role.TOWNSHIP_OPERATOR, Role.DEPARTMENT_OPERATOR})


def _county(actor) -> None:
    county = getattr(actor, "role", "") in COUNTY_ROLES or getattr(actor, "is_superuser", False)
    if getattr(actor, "is_authenticated", False) and not county:
        raise NotAllowed("assessment.county_only", "考核方案由县级编制和评审")


def parse_points(raw, *, limit: Decimal, field: str = "points") -> Decimal | None:
    """Points typed by a person: empty → None; a number within 0…limit, two decimals."""
    text = str(raw if raw is not None else "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise DomainError("assessment.points_invalid", f"分数“{text}”不是数字", field=field) from exc
    if not value.is_finite() or value < 0 or value > limit:
        raise DomainError("assessment.points_range", f"分数应在 0 到 {scoring._num(limit)} 分之间", field=field)
    return scoring.quantize(value)


# ---------------------------------------------------------------- scheme and items (县级, 编制中)


def _draft(scheme: AssessmentScheme) -> None:
    if scheme.status != AssessmentScheme.Status.DRAFT:
        raise DomainError("assessment.not_draft", "方案已下发，考核项目不能再修改")


@transaction.atomic
def scheme_create(*, actor, scheme: AssessmentScheme) -> AssessmentScheme:
    _county(actor)
    scheme.status = AssessmentScheme.Status.DRAFT
    return object_create(actor=actor, instance=scheme)


def _check_item(item: AssessmentItem) -> None:
    if item.points is None or item.points <= 0:
        raise DomainError("assessment.item_points", "分值应大于 0", field="points")
    if item.method == Method.INDICATOR and item.indicator_id is None:
        raise DomainError("assessment.item_indicator", "按指标计分的项目须选择关联指标", field="indicator")
    if item.method != Method.INDICATOR:
        item.indicator, item.deduct_per_unit = None, None
    if item.method == Method.MANUAL and not (item.evidence_required or "").strip():
        raise DomainError("assessment.item_evidence", "人工评分的项目须写明佐证要求", field="evidence_required")


@transaction.atomic
def item_save(*, actor, item: AssessmentItem) -> AssessmentItem:
    """Add or change an item of a draft scheme."""
    _county(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=item.scheme_id)
    _draft(scheme)
    _check_item(item)
    if item.pk is None:
        if not item.order:
            item.order = (scheme.items.count() or 0) + 1
        return object_create(actor=actor, instance=item)
    before = snapshot(AssessmentItem.objects.get(pk=item.pk))
    return object_update(actor=actor, instance=item, before=before)


@transaction.atomic
def item_delete(*, actor, item: AssessmentItem) -> None:
    _county(actor)
    _draft(AssessmentScheme.objects.select_for_update().get(pk=item.scheme_id))
    object_delete(actor=actor, instance=item)


# ---------------------------------------------------------------- opening: one sheet per unit


def units_of(scheme: AssessmentScheme) -> list[tuple[Region, Department | None, str]]:
    """The units a scheme assesses: the county's townships, or its departments."""
    if scheme.target == AssessmentScheme.Target.TOWNSHIP:
        townships = Region.objects.filter(parent_id=scheme.region_id, level=RegionLevel.TOWNSHIP).order_by("code")
        return [(t, None, t.name) for t in townships]
    departments = Department.objects.filter(region_id=scheme.region_id).order_by("code")
    return [(scheme.region, d, d.name) for d in departments]


@transaction.atomic
def scheme_open(*, actor, scheme: AssessmentScheme, today: dt.date | None = None) -> list[Assessment]:
    """下发自评: a sheet per unit with a score row per item, computed where it can be (编制中 → 自评中)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    items = list(scheme.items.select_related("indicator"))
    if not items:
        raise DomainError("assessment.no_items", "方案还没有考核项目，不能下发")
    units = units_of(scheme)
    if not units:
        raise DomainError("assessment.no_units", "本县没有可考核的单位")
    before = snapshot(scheme)
    SCHEME_FLOW.apply(actor, scheme, "open")
    scheme.save()
    audit_changes(action="assessment_scheme_open", obj=scheme, actor=actor, before=before, after=snapshot(scheme))
    sheets = Assessment.objects.bulk_create(
        [Assessment(scheme=scheme, region=r, department=d, unit_name=name) for r, d, name in units]
    )
    audit_bulk_create(sheets, actor=actor)
    scores = Score.objects.bulk_create([Score(assessment=s, item=i) for s in sheets for i in items])
    audit_bulk_create(scores, actor=actor)
    recompute(scheme=scheme, sheets=sheets, actor=actor)
    return sheets


# ---------------------------------------------------------------- computed scores


def _year_values(scheme: AssessmentScheme, items) -> dict[int, IndicatorValue]:
    """Per indicator, its value for the scheme's year: the row that covers the most of the year (a yearly
    value before a half year's, the latest period last)."""
    ids = {i.indicator_id for i in items if i.indicator_id}
    rows = IndicatorValue.objects.filter(indicator_id__in=ids, period_start__year=scheme.year, value__isnull=False)
    best: dict[int, IndicatorValue] = {}
    for row in rows.order_by("period_end", "period_start"):
        held = best.get(row.indicator_id)
        if held is None or (row.period_end, -row.period_start.toordinal()) >= (
            held.period_end,
            -held.period_start.toordinal(),
        ):
            best[row.indicator_id] = row
    return best


def _tasks_by_unit(scheme: AssessmentScheme) -> dict[tuple[str, int | str], list[KeyTask]]:
    """The year's tasks per unit: ("dept", id) for lead or cooperating, ("town", code) for named townships."""
    tasks = (
        KeyTask.objects.filter(region_id=scheme.region_id, year=scheme.year)
        .prefetch_related(Prefetch("cooperating", queryset=Department.objects.only("id")), "townships")
        .order_by("number")
    )
    by_unit: dict = {}
    for task in tasks:
        units = {("town", t.pk) for t in task.townships.all()}
        units |= {("dept", d.pk) for d in task.cooperating.all()}
        if task.lead_department_id:
            units.add(("dept", task.lead_department_id))
        for unit in units:
            by_unit.setdefault(unit, []).append(task)
    return by_unit


def recompute(*, scheme: AssessmentScheme, sheets=None, actor=None) -> int:
    """Computed points and evidence of every indicator/task score on the scheme's sheets still open or
    submitted (a reviewed sheet keeps what it was reviewed on). Returns the number of scores changed."""
    if sheets is None:
        sheets = list(scheme.sheets.exclude(status=Assessment.Status.REVIEWED))
    items = list(scheme.items.select_related("indicator"))
    values = _year_values(scheme, items)
    tasks = _tasks_by_unit(scheme)
    scores = Score.objects.filter(assessment__in=sheets, item__method__in=[Method.INDICATOR, Method.TASKS])
    by_sheet = {s.pk: s for s in sheets}
    by_item = {i.pk: i for i in items}
    changed = []
    for score in scores:
        sheet, item = by_sheet[score.assessment_id], by_item[score.item_id]
        if item.method == Method.INDICATOR:
            row = values.get(item.indicator_id)
            ind = item.indicator
            result = scoring.indicator_points(
                points=item.points,
                value=row.value if row else None,
                target=ind.target,
                direction=ind.direction,
                deduct_per_unit=item.deduct_per_unit,
                unit=ind.unit,
            )
            evidence = []
            if row:
                period = f"{row.period_start:%Y年%m月}—{row.period_end:%m月}"
                evidence = [{"kind": "indicator_value", "id": row.pk, "label": f"{ind.name}（{period}）"}]
            new = (result.points, row.pk if row else None, evidence, result.explanation)
        else:
            unit = ("dept", sheet.department_id) if sheet.department_id else ("town", sheet.region_id)
            own = tasks.get(unit, [])
            facts = [scoring.TaskFact(t.deadline, t.status, t.completed_on) for t in own]
            result = scoring.tasks_points(points=item.points, tasks=facts)
            evidence = [
                {"kind": "task", "id": t.pk, "label": f"{t.number} {t.title}（{_task_state(t, f)}）"}
                for t, f in zip(own, facts, strict=True)
                if t.status != KeyTask.Status.CANCELLED
            ]
            new = (result.points, None, evidence, result.explanation)
        old = (score.computed_points, score.indicator_value_id, score.evidence, _explanation(score))
        if old != new:
            score.computed_points, score.indicator_value_id = new[0], new[1]
            score.evidence = [*new[2], {"kind": "rule", "id": None, "label": new[3]}]
            changed.append(score)
    Score.objects.bulk_update(changed, ["computed_points", "indicator_value", "evidence"], batch_size=500)
    if changed:
        audit_record(
            action="assessment_recompute",
            obj=scheme,
            actor=actor,
            extra={"scores": len(changed)},
        )
    return len(changed)


def _task_state(task: KeyTask, fact: scoring.TaskFact) -> str:
    if scoring.done_on_time(fact):
        return "按期完成"
    if task.status == KeyTask.Status.DONE:
        return "逾期完成"
    return task.get_status_display()


def _explanation(score: Score) -> str:
    return next((e["label"] for e in score.evidence or [] if e.get("kind") == "rule"), "")


def explanation(score: Score) -> str:
    """How the computed points came about (kept as the evidence's "rule" entry)."""
    return _explanation(score)


def evidence_links(score: Score) -> list[dict]:
    """The records the score rests on, each with its page address where it has one."""
    from django.urls import NoReverseMatch, reverse

    links = []
    for entry in score.evidence or []:
        kind = entry.get("kind")
        if kind == "rule":
            continue
        url = ""
        try:
            if kind == "task" and entry.get("id"):
                url = reverse("kpi:task_detail", args=[entry["id"]])
            elif kind == "indicator_value" and score.indicator_value_id and entry.get("id") == score.indicator_value_id:
                # A value is shown on its indicator's page, in the row of its period (anchor value-<id>).
                indicator_url = reverse("kpi:indicator_page", args=[score.indicator_value.indicator_id])
                url = f"{indicator_url}#value-{entry['id']}"
        except NoReverseMatch:
            url = ""
        links.append({**entry, "url": url})
    return links


# ---------------------------------------------------------------- the unit's self-assessment


def sheet_for(actor, pk: int, action: str = "view") -> Assessment:
    """The sheet if the actor may see it (restrict), else a 404-like refusal."""
    sheet = Assessment.objects.restrict(actor, action).select_related("scheme").filter(pk=pk).first()
    if sheet is None:
        raise DomainError("assessment.not_found", "没有找到该考核评分表，或它不在您的管辖范围内", status=404)
    return sheet


@transaction.atomic
def self_assess(*, actor, score: Score, points, note: str = "", upload=None) -> Score:
    """The unit's self points, note and evidence file for one item, while its sheet is 待自评."""
    sheet = Assessment.objects.select_for_update().select_related("scheme").get(pk=score.assessment_id)
    if not is_unit(actor, sheet):
        raise NotAllowed("assessment.not_unit", "只有被考核单位本单位的人员可以自评")
    if sheet.status != Assessment.Status.OPEN or sheet.scheme.status != AssessmentScheme.Status.SELF:
        raise DomainError("assessment.not_open", "评分表不在自评阶段，不能修改自评")
    score = Score.objects.select_related("item").get(pk=score.pk)
    before = snapshot(score)
    score.self_points = parse_points(points, limit=score.item.points, field="self_points")
    score.self_note = (note or "").strip()[:500]
    if upload:
        try:
            checked = check_upload(upload, images_only=False)
        except UploadRejected as exc:
            raise DomainError("assessment.evidence_rejected", str(exc), field="evidence_file") from exc
        score.evidence_file = checked.as_file()
        score.evidence_name = checked.display_name
    score.save()
    audit_changes(action="assessment_self", obj=score, actor=actor, before=before, after=snapshot(score))
    return score


def missing_for_submit(sheet: Assessment) -> list[str]:
    """What stops the unit submitting: manual items without self points or without their evidence file."""
    problems = []
    for score in sheet.scores.select_related("item").order_by("item__order", "item_id"):
        if score.item.method != Method.MANUAL:
            continue
        if score.self_points is None:
            problems.append(f"“{score.item.title}”未自评打分")
        elif not score.evidence_file:
            problems.append(f"“{score.item.title}”未上传佐证材料")
    return problems


def _sheet_total(sheet: Assessment, *, review: bool) -> Decimal:
    values = []
    for s in sheet.scores.all():
        values.append(
            scoring.final_points(
                computed=s.computed_points, self_points=s.self_points, review=s.review_points if review else None
            )
        )
    return scoring.total(values)


@transaction.atomic
def sheet_submit(*, actor, sheet: Assessment) -> Assessment:
    """提交自评: the self total is kept; the county is told through the 工作台 (待评审)."""
    sheet = Assessment.objects.select_for_update().select_related("scheme").get(pk=sheet.pk)
    if sheet.scheme.status != AssessmentScheme.Status.SELF:
        raise DomainError("assessment.not_self", "方案不在自评阶段")
    SHEET_FLOW.check(actor, sheet, "submit")
    problems = missing_for_submit(sheet)
    if problems:
        raise DomainError("assessment.incomplete", "还不能提交：" + "；".join(problems))
    before = snapshot(sheet)
    SHEET_FLOW.apply(actor, sheet, "submit")
    sheet.self_total = _sheet_total(sheet, review=False)
    sheet.submitted_at = timezone.now()
    sheet.save()
    audit_changes(action="assessment_submit", obj=sheet, actor=actor, before=before, after=snapshot(sheet))
    return sheet


# ---------------------------------------------------------------- the county's review


def _reviewing(sheet: Assessment) -> None:
    if sheet.status != Assessment.Status.SUBMITTED:
        raise DomainError("assessment.not_submitted", "只能评审已提交自评的评分表")
    if sheet.scheme.status not in (AssessmentScheme.Status.SELF, AssessmentScheme.Status.REVIEW):
        raise DomainError("assessment.scheme_closed", "考核结果已公布，不能再评审")


@transaction.atomic
def review_score(*, actor, score: Score, points, note: str = "") -> Score:
    """The county's points and note for one item; empty points keep the computed/self points."""
    _county(actor)
    sheet = Assessment.objects.select_for_update().select_related("scheme").get(pk=score.assessment_id)
    _reviewing(sheet)
    score = Score.objects.select_related("item").get(pk=score.pk)
    before = snapshot(score)
    score.review_points = parse_points(points, limit=score.item.points, field="review_points")
    score.review_note = (note or "").strip()[:500]
    score.reviewer = actor if getattr(actor, "is_authenticated", False) else None
    score.save()
    audit_changes(action="assessment_review_score", obj=score, actor=actor, before=before, after=snapshot(score))
    return score


@transaction.atomic
def sheet_return(*, actor, sheet: Assessment, reason: str) -> Assessment:
    sheet = Assessment.objects.select_for_update().select_related("scheme").get(pk=sheet.pk)
    before = snapshot(sheet)
    SHEET_FLOW.apply(actor, sheet, "return", reason=reason)
    sheet.submitted_at = None
    sheet.save()
    audit_changes(
        action="assessment_return",
        obj=sheet,
        actor=actor,
        before=before,
        after={**snapshot(sheet), "reason": reason.strip()},
    )
    return sheet


@transaction.atomic
def sheet_finish(*, actor, sheet: Assessment) -> Assessment:
    """完成评审: the final total (review, else self, else computed per item) and the scheme's ranking."""
    sheet = Assessment.objects.select_for_update().select_related("scheme").get(pk=sheet.pk)
    _reviewing(sheet)
    before = snapshot(sheet)
    SHEET_FLOW.apply(actor, sheet, "finish")
    sheet.final_total = _sheet_total(sheet, review=True)
    sheet.reviewed_at = timezone.now()
    sheet.save()
    audit_changes(action="assessment_finish", obj=sheet, actor=actor, before=before, after=snapshot(sheet))
    rerank(scheme=sheet.scheme, actor=actor)
    sheet.refresh_from_db()
    return sheet


def rerank(*, scheme: AssessmentScheme, actor=None) -> None:
    """Ranks of the scheme's reviewed sheets by final total (ties share a rank); others have none."""
    sheets = list(scheme.sheets.all())
    totals = {s.pk: s.final_total for s in sheets if s.status == Assessment.Status.REVIEWED}
    ranks = scoring.ranks(totals)
    changed = []
    for s in sheets:
        rank = ranks.get(s.pk)
        if s.rank != rank:
            s.rank = rank
            changed.append(s)
    Assessment.objects.bulk_update(changed, ["rank"])
    if changed:
        audit_record(action="assessment_rank", obj=scheme, actor=actor, extra={"sheets": len(changed)})


@transaction.atomic
def scheme_step(*, actor, scheme: AssessmentScheme, action: str) -> AssessmentScheme:
    """开始评审 (自评中 → 县级评审) or 公布结果 (every sheet reviewed)."""
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if action == "open":
        raise DomainError("assessment.use_open", "下发自评请使用“下发自评”")
    if action == "publish":
        pending = scheme.sheets.exclude(status=Assessment.Status.REVIEWED).count()
        if pending:
            raise DomainError("assessment.pending", f"还有 {pending} 个单位未完成评审，不能公布")
    before = snapshot(scheme)
    SCHEME_FLOW.apply(actor, scheme, action)
    scheme.save()
    audit_changes(action=f"assessment_scheme_{action}", obj=scheme, actor=actor, before=before, after=snapshot(scheme))
    return scheme


# ---------------------------------------------------------------- reading


def sheets_needing(actor) -> Q:
    """The 工作台's question: sheets waiting for this actor (the unit: 待自评; the county: 待评审)."""
    role = getattr(actor, "role", "")
    if role in COUNTY_ROLES:
        return Q(status=Assessment.Status.SUBMITTED)
    if role not in UNIT_ROLES:
        return Q(pk__in=[])
    return Q(status=Assessment.Status.OPEN, scheme__status=AssessmentScheme.Status.SELF)


def final_of(score: Score) -> Decimal | None:
    return scoring.final_points(
        computed=score.computed_points, self_points=score.self_points, review=score.review_points
    )


def workbench_count(user) -> int:
    """工作台: sheets waiting for this user — the unit's own sheets to self-assess, the county's to review."""
    return Assessment.objects.restrict(user, "view").filter(sheets_needing(user)).count()
