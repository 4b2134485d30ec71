"""Pages of penalty cases (行政处罚案件): the list with its clocks, opening a case (by hand or from an
inspection), the case page with the steps open now, each step's form, and the payments. Thin: every rule
is in case_workflow.py and services_cases.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core import workdays
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import role_allows
from anlan.core.views import PAGE_SIZE

from . import case_clocks, penalty, selectors_cases, services_cases
from .case_workflow import FLOW, hearing_qualifies, legal_review_needed, window_closed
from .forms_cases import CaseForm, step_form
from .models import Inspection, IssuedDocument, PenaltyCase
from .models.common import ENFORCERS

register_link(MenuLink("执法检查", "处罚案件", "enforcement:case_list", PenaltyCase, "view", 96))
# The 工作台's "处罚案件时限" opens this list (a page the menu offers, as every 工作台 link is).
register_link(MenuLink("执法检查", "临期/超期案件", "enforcement:case_due", PenaltyCase, "view", 96, roles=ENFORCERS))


def _readable(user):
    if not role_allows(user, "view", PenaltyCase):
        raise PermissionDenied("您的角色不能查看处罚案件")


def _case(user, pk, action: str = "view") -> PenaltyCase:
    _readable(user)
    found = selectors_cases.cases(user, action).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该案件")
    return found


def _clock_rows(case, today):
    return [
        {"clock": c, "state": c.state(today), "text": c.text(today)}
        for c in services_cases.case_clocks_now(case, today)
    ]


@login_required
@workdays.remembered()  # one read of the holiday calendar for every row's clocks
def case_list(request, due: bool = False):
    """The cases of the scope; `due` (the 工作台's link): open cases whose clock is near or past."""
    _readable(request.user)
    today = timezone.localdate()
    qs = selectors_cases.cases(request.user)
    if due:
        qs = qs.filter(pk__in=selectors_cases.pressing_ids(request.user, today))
    status = request.GET.get("status", "")
    if status in PenaltyCase.Status.values:
        qs = qs.filter(status=status)
    procedure = request.GET.get("procedure", "")
    if procedure in PenaltyCase.Procedure.values:
        qs = qs.filter(procedure=procedure)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(party_name__contains=q) | Q(enterprise__name__contains=q))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for case in page:
        running = [r for r in _clock_rows(case, today) if r["clock"].running] if case.status != "closed" else []
        rows.append({"case": case, "clock": min(running, key=lambda r: r["clock"].due) if running else None})
    context = {
        "rows": rows,
        "page": page,
        "due": due,
        "status": status,
        "statuses": PenaltyCase.Status.choices,
        "procedure": procedure,
        "procedures": PenaltyCase.Procedure.choices,
        "q": q,
        "may_create": role_allows(request.user, "add", PenaltyCase),
        "holiday_note": case_clocks.holiday_note(today),
    }
    return render(request, "enforcement/case_list.html", context)


def _from_inspection(user, inspection_id) -> tuple[dict, Inspection | None]:
    if not inspection_id:
        return {}, None
    if not str(inspection_id).isdigit():
        raise Http404("未找到该检查")
    inspection = Inspection.objects.restrict(user, "view").filter(pk=inspection_id).select_related("enterprise").first()
    if inspection is None:
        raise Http404("未找到该检查")
    findings = list(inspection.findings.values_list("title", flat=True))
    initial = {
        "enterprise": inspection.enterprise_id,
        "party_name": inspection.enterprise.name,
        "title": f"{inspection.enterprise.name}安全生产违法案",
        "facts": "；".join(findings) if findings else "",
        "handlers": list(inspection.inspectors.values_list("pk", flat=True)),
    }
    return initial, inspection


@login_required
def case_create(request):
    if not role_allows(request.user, "add", PenaltyCase):
        raise PermissionDenied("立案须由执法人员办理")
    source = request.GET.get("inspection") or request.POST.get("inspection")
    initial, inspection = _from_inspection(request.user, source)
    form = CaseForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "handlers"}
        enterprise = data.get("enterprise")
        region = enterprise.region if enterprise else request.user.region
        department = inspection.department if inspection else getattr(request.user, "department", None)
        data.update(region=region, department=department, inspection=inspection)
        with shown_on(form) as outcome:
            case = services_cases.open_case(actor=request.user, fields=data, handlers=form.cleaned_data["handlers"])
        if outcome.ok:
            messages.success(request, "已立案，立案审批表已编号")
            return redirect("enforcement:case_detail", pk=case.pk)
    context = {"form": form, "inspection": inspection, "large_fine_note": penalty.large_fine_note()}
    return render(request, "enforcement/case_form.html", context, status=400 if form.errors else 200)


def _detail_context(request, case, bound=None):
    today = timezone.localdate()
    may_change = selectors_cases.cases(request.user, "change").filter(pk=case.pk).exists()
    steps = []
    if may_change:
        for step in FLOW.allowed(request.user, case):
            form = bound[1] if bound and bound[0] == step.action else step_form(step.action)
            steps.append({"step": step, "form": form})
    waiting = case.status == "notified" and not window_closed(case, {"on": today})
    return {
        "case": case,
        "clocks": _clock_rows(case, today),
        "steps": steps,
        "bound_action": bound[0] if bound else "",
        "documents": IssuedDocument.objects.filter(case=case).order_by("issued_on", "id"),
        "may_download": role_allows(request.user, "view", IssuedDocument),  # documents.document_download's check
        "payments": list(case.payments.order_by("instalment")),
        "handlers": list(case.handlers.select_related("user")),
        "hearing": hearing_qualifies(case),
        "legal_review": legal_review_needed(case),
        "waiting_window": case_clocks.hearing_request_due(case.notified_on) if waiting else None,
        "penalty_text": services_cases.penalty_text(case),
        "large_fine_note": penalty.large_fine_note(),
        "holiday_note": case_clocks.holiday_note(today),
    }


@login_required
def case_detail(request, pk):
    case = _case(request.user, pk)
    return render(request, "enforcement/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_step(request, pk, action):
    case = _case(request.user, pk, "change")
    if action not in FLOW.table:
        raise Http404("未知的办案步骤")
    form = step_form(action, request.POST)
    if form.is_valid():
        with shown_on(form) as outcome:
            services_cases.take_step(actor=request.user, case=case, action=action, **form.step_data())
        if outcome.ok:
            messages.success(request, f"已办理：{FLOW[action].label}")
            return redirect("enforcement:case_detail", pk=case.pk)
    case.refresh_from_db()
    context = _detail_context(request, case, bound=(action, form))
    if action not in {s["step"].action for s in context["steps"]}:  # not offered now: say why on the page
        context["steps"].insert(0, {"step": FLOW[action], "form": form})
    return render(request, "enforcement/case_detail.html", context, status=400)
