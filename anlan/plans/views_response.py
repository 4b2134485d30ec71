"""Response table pages (分段分级分层分类): the list of plans with their tables, one plan's table grouped by
trigger (预警响应 by warning kind and colour, 事件响应 by level), adding, changing and removing a row, and the
table's Excel export and import. Writes go through `services_response`, which checks who may edit."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from anlan.core.excel import ImportRejected
from anlan.core.kit import MenuLink, register_link
from anlan.registry.models import Department
from anlan.resources.models import RescueTeam

from . import services_response as svc
from .models import Plan, PlanAction

MENU_GROUP = "预案演练"


class RowForm(forms.ModelForm):
    """One row of the table. Departments and teams are the plan's county's; the audience is one of the
    warning templates' measure audiences; the warning kind is free text offered the templates' kinds."""

    audience = forms.ChoiceField(label="对象", required=False)

    class Meta:
        model = PlanAction
        fields = list(svc.ROW_FIELDS)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        county = plan.region_id[:6]
        self.fields["department"].queryset = Department.objects.filter(code__startswith=county).order_by("code")
        self.fields["team"].queryset = RescueTeam.objects.filter(region__pk__startswith=county).order_by("name")
        self.fields["audience"].choices = [("", "（不附措施）"), *svc.audiences()]
        self.fields["warning_event"].widget.attrs["list"] = "warning-events"
        self.fields["order"].required = False
        self.instance.plan = plan

    def _post_clean(self):
        # The service validates (with the row's plan and its county); the form only converts the input.
        pass


def _plan_for(user, pk) -> Plan:
    return get_object_or_404(Plan.objects.restrict(user, "view").select_related("region"), pk=pk)


@login_required
def response_tables(request):
    """预案响应表: every plan the user may read, with how many warning and response rows it has."""
    plans = (
        Plan.objects.restrict(request.user, "view")
        .filter(enterprise__isnull=True, active=True)
        .select_related("region")
        .annotate(
            warning_rows=Count("actions", filter=Q(actions__trigger=PlanAction.Trigger.WARNING)),
            response_rows=Count("actions", filter=Q(actions__trigger=PlanAction.Trigger.RESPONSE)),
        )
        .order_by("region_id", "name")
    )
    return render(request, "plans/response_list.html", {"plans": plans})


@login_required
def response_table(request, pk):
    plan = _plan_for(request.user, pk)
    context = {
        "plan": plan,
        "groups": svc.grouped(plan),
        "can_edit": svc.can_edit(request.user, plan),
    }
    return render(request, "plans/response_table.html", context)


def _row_form_page(request, plan, row=None):
    if not svc.can_edit(request.user, plan):
        raise PermissionDenied("您不能修改该预案的响应表")
    initial = {}
    if row is None and request.method == "GET":
        keys = ("trigger", "warning_event", "warning_level", "level")
        initial = {key: request.GET[key] for key in keys if key in request.GET}
    form = RowForm(request.POST or None, plan=plan, instance=row, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in svc.ROW_FIELDS}
        try:
            if row is None:
                svc.row_add(actor=request.user, plan=plan, **fields)
            else:
                svc.row_update(actor=request.user, row=row, **fields)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "已保存")
            return redirect("plans:response_table", pk=plan.pk)
    context = {"plan": plan, "form": form, "row": row, "events": svc.warning_events()}
    return render(request, "plans/response_row_form.html", context, status=400 if form.errors else 200)


@login_required
def row_add(request, pk):
    return _row_form_page(request, _plan_for(request.user, pk))


@login_required
def row_edit(request, pk, row_pk):
    plan = _plan_for(request.user, pk)
    return _row_form_page(request, plan, get_object_or_404(PlanAction, pk=row_pk, plan=plan))


@login_required
@require_POST
def row_delete(request, pk, row_pk):
    plan = _plan_for(request.user, pk)
    row = get_object_or_404(PlanAction, pk=row_pk, plan=plan)
    svc.row_delete(actor=request.user, row=row)
    messages.success(request, f"已删除：{row.title}")
    return redirect("plans:response_table", pk=plan.pk)


@login_required
def table_export(request, pk):
    plan = _plan_for(request.user, pk)
    response = HttpResponse(
        svc.export_table(plan), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''response-table-{plan.pk}.xlsx"
    return response


@login_required
@require_POST
def table_import(request, pk):
    plan = _plan_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件")
    else:
        try:
            done = svc.import_table(actor=request.user, plan=plan, upload=upload)
        except ImportRejected as rejected:
            shown = "；".join(f"第{e.row}行 {e.column}：{e.message}" for e in rejected.errors[:10])
            more = f"（共 {len(rejected.errors)} 处）" if len(rejected.errors) > 10 else ""
            messages.error(request, f"未导入任何行：{shown}{more}")
        else:
            messages.success(request, f"已导入：新增 {done['added']} 行，修改 {done['changed']} 行")
    return redirect("plans:response_table", pk=plan.pk)


register_link(MenuLink(MENU_GROUP, "预案响应表", "plans:response_tables", PlanAction, "view", 102, regional=True))
