"""重点任务分工 pages: the division table (filters year, lead unit, township, status, overdue; Excel export),
a task's page (milestones, the report history, the report form for the units it names), create and edit by
the county, the import of the bureau's table with its template. Rows only through `restrict(user)`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.core.errors import shown_on
from anlan.core.excel import ImportRejected
from anlan.core.kit import MenuLink, register_link
from anlan.core.roles import COUNTY_ROLES
from anlan.core.uploads import serve_upload
from anlan.core.views import xlsx_response, year_param
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from . import excel_tasks, forms_tasks
from . import services_tasks as services
from .models import KeyTask, TaskReport

register_link(MenuLink("考核与任务", "重点任务分工", "kpi:task_list", KeyTask, "view", 20))


def _county_writer(user) -> bool:
    return user.is_superuser or user.role in COUNTY_ROLES


def _require_county_writer(user) -> None:
    if not _county_writer(user):
        raise PermissionDenied("重点任务分工由县级管理员或县级业务人员编制和修改")


def _task(user, pk) -> KeyTask:
    qs = KeyTask.objects.restrict(user).select_related("lead_department", "region")
    return get_object_or_404(qs, pk=pk)


def _year(request) -> int:
    return year_param(request, ahead=5)


@login_required
def task_list(request):
    today = timezone.localdate()
    year = _year(request)
    due = request.GET.get("due") == "1"
    overdue = request.GET.get("overdue") == "1"
    # The 工作台's links (?due=1, ?overdue=1) count over every year: a task late since last year is still late.
    all_years = (due or overdue) and not request.GET.get("year")
    qs = services.tasks_for(request.user)
    if not all_years:
        qs = qs.filter(year=year)
    lead = request.GET.get("lead", "")
    township = request.GET.get("township", "")
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    if lead.isdigit():
        qs = qs.filter(lead_department_id=int(lead))
    elif lead == "county":
        qs = qs.filter(lead_department__isnull=True)
    if township.isdigit() and len(township) == 12:
        qs = qs.filter(townships__code=township)
    if status in KeyTask.Status.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(services.overdue_q(today))
    if due:
        qs = qs.filter(services.due_q(today))
    if mine:
        qs = qs.filter(services.mine_q(request.user))
    qs = qs.distinct()
    if request.GET.get("export") == "xlsx":
        return xlsx_response(excel_tasks.export(qs, year), f"重点任务进展_{year}_{today:%Y%m%d}.xlsx")
    tasks = services.sorted_tasks(qs)
    latest = services.latest_reports(t.pk for t in tasks)
    rows = [(t, latest.get(t.pk), services.is_overdue(t, today)) for t in tasks]
    county = (request.user.region_id or "")[:6]
    params = request.GET.copy()
    params.pop("export", None)
    context = {
        "rows": rows,
        "year": year,
        "years": list(range(today.year + 1, 2019, -1)),
        "lead": lead,
        "departments": Department.objects.filter(code__startswith=county).order_by("code") if county else [],
        "township": township,
        "townships": Region.objects.filter(code__startswith=county, level=RegionLevel.TOWNSHIP).order_by("code")
        if county
        else [],
        "status": status,
        "statuses": KeyTask.Status.choices,
        "overdue": overdue,
        "due": due,
        "all_years": all_years,
        "mine": mine,
        "has_mine": bool(request.user.department_id or request.user.role == "township_operator"),
        "counts": {
            "total": len(rows),
            "done": sum(1 for t, _, _ in rows if t.status == KeyTask.Status.DONE),
            "late": sum(1 for _, _, late in rows if late),
        },
        "may_write": _county_writer(request.user),
        "export_query": (params.urlencode() + "&" if params else "") + "export=xlsx",
    }
    return render(request, "kpi/task_list.html", context)


@login_required
def task_detail(request, pk):
    task = _task(request.user, pk)
    today = timezone.localdate()
    unit = services.reporting_unit(request.user, task)
    may_report = unit is not None and task.status in services.OPEN
    context = {
        "task": task,
        "lead": services.lead_name(task),
        "cooperating": list(task.cooperating.order_by("code")),
        "townships": list(task.townships.order_by("code")),
        "milestones": list(task.milestones.all()),
        "reports": list(services.reports_for(request.user, task.reports.select_related("milestone", "reported_by"))),
        "overdue": services.is_overdue(task, today),
        "days_left": (task.deadline - today).days,
        "today": today,
        "unit": unit,
        "form": forms_tasks.ReportForm(task=task, lead=unit.is_lead) if may_report else None,
        "may_write": _county_writer(request.user),
    }
    return render(request, "kpi/task_detail.html", context)


@login_required
@require_POST
def task_report(request, pk):
    task = _task(request.user, pk)
    form = forms_tasks.ReportForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("kpi:task_detail", pk=pk)
    with shown_on(request) as outcome:
        report = services.task_report(actor=request.user, task=task, **form.cleaned_data)
    if outcome.ok:
        done = "，任务已完成" if report.task.status == KeyTask.Status.DONE else ""
        messages.success(request, f"已报送进展（{report.progress}%）{done}")
    return redirect("kpi:task_detail", pk=pk)


@login_required
def report_attachment(request, pk, report_pk):
    reports = services.reports_for(request.user, TaskReport.objects.restrict(request.user))
    report = get_object_or_404(reports, pk=report_pk, task_id=pk)
    if not report.attachment:
        raise PermissionDenied("该进展没有附件")
    return serve_upload(report.attachment, report.attachment_name)


def _edit(request, task: KeyTask | None):
    _require_county_writer(request.user)
    form = forms_tasks.TaskForm(request.POST or None, instance=task, user=request.user)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome:
            saved = form.save(commit=False)
            if task is None:
                saved.region_id = (request.user.region_id or "")[:6] + "000000"
            saved = services.task_save(
                actor=request.user,
                task=saved,
                cooperating=form.cleaned_data.get("cooperating") or [],
                townships=form.cleaned_data.get("townships") or [],
                milestones=form.cleaned_data.get("milestones", []),
            )
        if outcome.ok:
            messages.success(request, "重点任务已保存")
            return redirect("kpi:task_detail", pk=saved.pk)
    return render(request, "kpi/task_form.html", {"form": form, "task": task}, status=400 if form.errors else 200)


@login_required
def task_create(request):
    return _edit(request, None)


@login_required
def task_edit(request, pk):
    return _edit(request, _task(request.user, pk))


@login_required
def task_import(request):
    _require_county_writer(request.user)
    form = forms_tasks.ImportForm(request.POST or None, request.FILES or None, initial={"year": _year(request)})
    errors = []
    if request.method == "POST" and form.is_valid():
        county = Region.objects.get(code=(request.user.region_id or "")[:6] + "000000")
        year = form.cleaned_data["year"]
        try:
            created, updated = excel_tasks.import_tasks(
                form.cleaned_data["file"], actor=request.user, county=county, year=year
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(request, f"已导入{year}年重点任务分工：新增 {created} 项，更新 {updated} 项")
            return redirect(f"{_list_url()}?year={year}")
    status = 400 if (errors or form.errors) else 200
    return render(request, "kpi/task_import.html", {"form": form, "errors": errors}, status=status)


def _list_url() -> str:
    from django.urls import reverse

    return reverse("kpi:task_list")


@login_required
def task_template(request):
    _require_county_writer(request.user)
    return xlsx_response(excel_tasks.template(), "重点任务分工_导入模板.xlsx")
