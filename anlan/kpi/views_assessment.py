"""考核 pages: the schemes, a scheme (its items, editable while 编制中; its sheets with status, totals and rank;
the ranking in Excel), a unit's sheet (each item's computed / self / review points with links to the records
they rest on; the unit's self-assessment, the county's review; the sheet in Excel). Rows only through
`restrict(user, ...)`: another unit's sheet is a 404."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import excel
from anlan.core.errors import DomainError, shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import COUNTY_ROLES
from anlan.core.uploads import serve_upload
from anlan.core.views import docx_response, xlsx_response

from . import services_assessment as svc
from .documents_assessment import sheet_document
from .models import Assessment, AssessmentItem, AssessmentScheme, Indicator, Score
from .workflow_assessment import SCHEME_FLOW, SHEET_FLOW, is_unit

register_link(MenuLink("考核与任务", "年度考核", "kpi:assessment_schemes", AssessmentScheme, "view", 120))


def _is_county(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") in COUNTY_ROLES


def _scheme(user, pk) -> AssessmentScheme:
    return get_object_or_404(AssessmentScheme.objects.restrict(user, "view").select_related("region"), pk=pk)


def _points(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".rstrip("0").rstrip(".") + " 分"


@login_required
def scheme_list(request):
    schemes = AssessmentScheme.objects.restrict(request.user, "view")
    if request.method == "POST":
        if not _is_county(request.user):
            raise PermissionDenied("考核方案由县级编制")
        year = (request.POST.get("year") or "").strip()
        scheme = AssessmentScheme(
            region=request.user.region,
            year=int(year) if year.isdigit() and 2000 < int(year) < 2100 else timezone.localdate().year,
            title=(request.POST.get("title") or "").strip(),
            target=request.POST.get("target") or AssessmentScheme.Target.TOWNSHIP,
        )
        with shown_on(request) as outcome:
            if not scheme.title:
                raise DomainError("assessment.title", "请填写方案名称", field="title")
            scheme = svc.scheme_create(actor=request.user, scheme=scheme)
        if outcome.ok:
            messages.success(request, "方案已建立，请添加考核项目")
            return redirect("kpi:assessment_scheme", pk=scheme.pk)
    sheets = Assessment.objects.restrict(request.user, "view").select_related("scheme")
    mine = sheets.order_by("-scheme__year", "unit_name")
    waiting = sheets.filter(svc.sheets_needing(request.user)).order_by("scheme__year", "submitted_at", "unit_name")
    context = {
        "schemes": schemes,
        "may_create": _is_county(request.user),
        "waiting_sheets": list(waiting)
        if _is_county(request.user) or getattr(request.user, "role", "") in svc.UNIT_ROLES
        else [],
        "my_sheets": [] if _is_county(request.user) else list(mine),
        "targets": AssessmentScheme.Target.choices,
        "this_year": timezone.localdate().year,
    }
    return render(request, "kpi/assessment_schemes.html", context)


def ranking_rows(scheme: AssessmentScheme, sheets) -> list[list]:
    return [
        [s.rank or "", s.unit_name, s.get_status_display(), s.self_total, s.final_total]
        for s in sorted(sheets, key=lambda s: (s.rank is None, s.rank or 0, s.unit_name))
    ]


RANKING_HEADERS = ["排名", "被考核单位", "状态", "自评得分（分）", "考核得分（分）"]


@login_required
def scheme_detail(request, pk):
    scheme = _scheme(request.user, pk)
    county = _is_county(request.user)
    sheets = list(Assessment.objects.restrict(request.user, "view").filter(scheme=scheme))
    sheets.sort(key=lambda s: (s.rank is None, s.rank or 0, s.unit_name))
    if request.GET.get("export") == "xlsx":
        data = excel.table_workbook(f"{scheme.title}排名", RANKING_HEADERS, ranking_rows(scheme, sheets))
        return xlsx_response(data, f"{scheme.title}_排名.xlsx")
    editing = county and scheme.status == AssessmentScheme.Status.DRAFT
    context = {
        "scheme": scheme,
        "items": scheme.items.select_related("indicator"),
        "sheets": sheets,
        "editing": editing,
        "methods": AssessmentItem.Method.choices,
        "indicators": Indicator.objects.restrict(request.user, "view").filter(active=True) if editing else [],
        "steps": SCHEME_FLOW.allowed(request.user, scheme),
        "counts": {label: sum(1 for s in sheets if s.status == value) for value, label in Assessment.Status.choices},
        "county": county,
    }
    return render(request, "kpi/assessment_scheme.html", context)


@login_required
@require_POST
def item_add(request, pk):
    scheme = _scheme(request.user, pk)
    p = request.POST
    item = AssessmentItem(
        scheme=scheme,
        category=(p.get("category") or "").strip(),
        title=(p.get("title") or "").strip(),
        method=p.get("method") or AssessmentItem.Method.MANUAL,
        rule=(p.get("rule") or "").strip(),
        evidence_required=(p.get("evidence_required") or "").strip(),
    )
    with shown_on(request) as outcome:
        item.points = svc.parse_points(p.get("points"), limit=Decimal("1000"))
        item.deduct_per_unit = svc.parse_points(p.get("deduct_per_unit"), limit=Decimal("1000"))
        if p.get("indicator"):
            item.indicator = get_object_or_404(Indicator.objects.restrict(request.user, "view"), pk=p["indicator"])
        if not item.title:
            raise DomainError("assessment.item_title", "请填写考核内容", field="title")
        svc.item_save(actor=request.user, item=item)
    if outcome.ok:
        messages.success(request, f"已添加考核项目“{item.title}”")
    return redirect("kpi:assessment_scheme", pk=pk)


@login_required
@require_POST
def item_delete(request, pk, item_pk):
    scheme = _scheme(request.user, pk)
    item = get_object_or_404(scheme.items, pk=item_pk)
    with shown_on(request) as outcome:
        svc.item_delete(actor=request.user, item=item)
    if outcome.ok:
        messages.success(request, "已删除考核项目")
    return redirect("kpi:assessment_scheme", pk=pk)


@login_required
@require_POST
def scheme_step(request, pk, action):
    scheme = _scheme(request.user, pk)
    with shown_on(request) as outcome:
        if action == "open":
            sheets = svc.scheme_open(actor=request.user, scheme=scheme)
        elif action == "recompute":
            if not _is_county(request.user):
                raise PermissionDenied("重新计分由县级操作")
            changed = svc.recompute(scheme=scheme, actor=request.user)
        else:
            svc.scheme_step(actor=request.user, scheme=scheme, action=action)
    if outcome.ok:
        if action == "open":
            messages.success(request, f"已下发自评：{len(sheets)} 个单位的评分表")
        elif action == "recompute":
            messages.success(request, f"已按最新指标值和任务完成情况重新计分，{changed} 项有变化")
        else:
            messages.success(request, f"已{SCHEME_FLOW.transition(action).label}")
    return redirect("kpi:assessment_scheme", pk=pk)


# ---------------------------------------------------------------- one unit's sheet


def sheet_rows(sheet: Assessment) -> list[dict]:
    rows = []
    for score in sheet.scores.select_related("item", "item__indicator", "indicator_value").order_by("item__order"):
        rows.append(
            {
                "score": score,
                "item": score.item,
                "computed": _points(score.computed_points),
                "self": _points(score.self_points),
                "review": _points(score.review_points),
                "final": _points(svc.final_of(score)),
                "final_points": svc.final_of(score),
                "explanation": svc.explanation(score),
                "links": svc.evidence_links(score),
            }
        )
    return rows


SHEET_HEADERS = ["序号", "类别", "考核内容", "分值（分）", "计分方法", "系统计分（分）", "自评分（分）", "自评说明",
                 "评审分（分）", "评审意见", "得分（分）", "依据"]  # fmt: skip


def sheet_cells(rows: list[dict]) -> list[list]:
    cells = []
    for n, r in enumerate(rows, start=1):
        s, item = r["score"], r["item"]
        basis = "；".join([r["explanation"], *(link["label"] for link in r["links"])]).strip("；")
        if s.evidence_name:
            basis = f"{basis}；佐证：{s.evidence_name}".strip("；")
        cells.append([
            n, item.category, item.title, item.points, item.get_method_display(), s.computed_points, s.self_points,
            s.self_note, s.review_points, s.review_note, svc.final_of(s), basis,
        ])  # fmt: skip
    return cells


@login_required
def sheet_detail(request, pk):
    sheet = svc.sheet_for(request.user, pk)
    rows = sheet_rows(sheet)
    if request.GET.get("export") == "xlsx":
        data = excel.table_workbook(f"{sheet.unit_name}评分表", SHEET_HEADERS, sheet_cells(rows))
        return xlsx_response(data, f"{sheet.scheme.title}_{sheet.unit_name}.xlsx")
    if request.GET.get("export") == "docx":
        return docx_response(sheet_document(sheet, rows), f"{sheet.scheme.title}_{sheet.unit_name}评分表.docx")
    scheme = sheet.scheme
    self_open = (
        is_unit(request.user, sheet)
        and sheet.status == Assessment.Status.OPEN
        and scheme.status == AssessmentScheme.Status.SELF
    )
    reviewing = (
        _is_county(request.user)
        and sheet.status == Assessment.Status.SUBMITTED
        and scheme.status in (AssessmentScheme.Status.SELF, AssessmentScheme.Status.REVIEW)
    )
    context = {
        "sheet": sheet,
        "scheme": scheme,
        "rows": rows,
        "self_open": self_open,
        "reviewing": reviewing,
        "steps": SHEET_FLOW.allowed(request.user, sheet),
        "missing": svc.missing_for_submit(sheet) if self_open else [],
        "max_total": sum((r["item"].points for r in rows), Decimal(0)),
    }
    return render(request, "kpi/assessment_sheet.html", context)


def _score(user, pk, score_pk) -> Score:
    sheet = svc.sheet_for(user, pk)
    return get_object_or_404(Score.objects.filter(assessment=sheet), pk=score_pk)


@login_required
@require_POST
def score_self(request, pk, score_pk):
    score = _score(request.user, pk, score_pk)
    with shown_on(request) as outcome:
        svc.self_assess(
            actor=request.user,
            score=score,
            points=request.POST.get("points"),
            note=request.POST.get("note", ""),
            upload=request.FILES.get("evidence_file"),
        )
    if outcome.ok:
        messages.success(request, f"已保存“{score.item.title}”的自评")
    return redirect("kpi:assessment_sheet", pk=pk)


@login_required
@require_POST
def score_review(request, pk, score_pk):
    score = _score(request.user, pk, score_pk)
    with shown_on(request) as outcome:
        svc.review_score(
            actor=request.user, score=score, points=request.POST.get("points"), note=request.POST.get("note", "")
        )
    if outcome.ok:
        messages.success(request, f"已保存“{score.item.title}”的评审分")
    return redirect("kpi:assessment_sheet", pk=pk)


@login_required
def score_evidence(request, pk, score_pk):
    score = _score(request.user, pk, score_pk)
    return serve_upload(score.evidence_file, score.evidence_name)


@login_required
@require_POST
def sheet_step(request, pk, action):
    sheet = svc.sheet_for(request.user, pk)
    done = {"submit": "已提交自评，等待县级评审", "finish": "评审完成，已计入排名", "return": "已退回重新自评"}
    with shown_on(request) as outcome:
        if action == "submit":
            svc.sheet_submit(actor=request.user, sheet=sheet)
        elif action == "finish":
            svc.sheet_finish(actor=request.user, sheet=sheet)
        elif action == "return":
            svc.sheet_return(actor=request.user, sheet=sheet, reason=request.POST.get("reason", ""))
        else:
            SHEET_FLOW.transition(action)
    if outcome.ok:
        messages.success(request, done[action])
    return redirect("kpi:assessment_sheet", pk=pk)
