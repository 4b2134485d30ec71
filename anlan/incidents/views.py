"""Incident pages: the duty desk's intake, the workspace (clock, facts, grade, response, reports, tasks,
dispatch with recommendations, evacuation, timeline), the command map, and the field page of an order."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, ModelConfig, config_for, register, register_link
from anlan.core.uploads import serve_upload
from anlan.core.views import attachment_response
from anlan.core.widgets import LOCAL_INPUT
from anlan.duty import log as duty_log
from anlan.geo.views import tile_source
from anlan.plans.models import IncidentKind
from anlan.plans.services import actions_for_response
from anlan.resources import nearest
from anlan.resources.models import Expert, RescueTeam, Shelter
from anlan.supplies.models import SupplyItem, Warehouse

from . import calculators, clocks, documents, forms, selectors, services, situation, texts, workflow
from .filters import DispatchOrderFilterSet, IncidentFilterSet, ResponseTaskFilterSet
from .models import HANDLERS, RESPONSE_CHOICES, DispatchOrder, Incident, InfoReport, ResponseTask, TimelineEntry

register(
    ModelConfig(
        model=Incident,
        filterset_class=IncidentFilterSet,
        list_columns=["number", "title", "kind", "region", "level", "response_level", "status", "received_at"],
        form_fields=[],
        add_url="incidents:intake",  # recorded through 接报登记
        detail_fields=[
            *("number", "title", "kind", "region", "place", "occurred_at", "received_at", "source", "caller_name"),
            *("caller_phone", "caller_unit", "description", "deaths", "missing", "injured", "serious_injuries"),
            *("trapped", "evacuated", "direct_loss_10k_yuan", "level", "level_basis", "response_level", "status"),
            *("ended_at", "recorded_by"),
        ],
        search_fields=["title", "number", "place"],
        importable=False,
        selector=selectors.incidents,
        sortable=["received_at", "level", "status"],
        detail_links=[("事件工作台", "incidents:workspace"), ("指挥一张图", "incidents:command_map")],
        menu_group="事件处置",
        menu_order=70,
    )
)
register_link(MenuLink("事件处置", "接报登记", "incidents:intake", Incident, "add", 69))
# Tasks and orders are written by the workspace's steps; these read-only lists are what the 工作台 opens
# (a department's tasks in running responses, a township's open orders), across incidents.
register(
    ModelConfig(
        model=ResponseTask,
        filterset_class=ResponseTaskFilterSet,
        list_columns=["title", "incident", "department", "stage", "status", "due_at", "created_at"],
        form_fields=[],
        detail_fields=[
            *("incident", "stage", "level", "title", "department", "status", "due_at", "done_at", "note"),
            "created_at",
        ],
        search_fields=["title", "incident__title"],
        importable=False,
        selector=lambda qs: qs.select_related("incident", "department"),
        sortable=["due_at", "created_at", "status"],
        menu_group="事件处置",
        menu_order=71,
    )
)
register(
    ModelConfig(
        model=DispatchOrder,
        filterset_class=DispatchOrderFilterSet,
        list_columns=["assignee_name", "kind", "incident", "instruction", "status", "sent_at", "issued_by"],
        form_fields=[],
        detail_fields=[
            *("incident", "kind", "assignee_name", "instruction", "quantity", "status", "sent_at", "read_at"),
            *("last_position_at", "issued_by"),
        ],
        search_fields=["assignee_name", "instruction", "incident__title"],
        importable=False,
        detail_links=[("反馈进展", "incidents:order_feedback", lambda user, order: _addressed_to(user, order))],
        selector=lambda qs: qs.select_related("incident"),
        sortable=["sent_at", "status"],
        menu_group="事件处置",
        menu_order=72,
    )
)


def _may_act(user) -> bool:
    """County roles and townships handle incidents (within their scope)."""
    return user.is_superuser or user.role in HANDLERS


def _steps_for(user) -> set[str]:
    """The workspace steps a user may take: all for those who handle incidents; a department operator
    updates the tasks of their own department and adds notes."""
    if _may_act(user):
        return set(STEPS)
    if user.role == "department_operator" and user.department_id:
        return {"task", "note"}
    return set()


# The kind an alarm most likely announces, by sensor kind (the officer may change it).
ALARM_KINDS = {
    "rain_gauge": "水旱灾害",
    "water_level": "水旱灾害",
    "gnss": "地质灾害",
    "crack": "地质灾害",
    "soil_moisture": "地质灾害",
    "gas": "工矿商贸等企业安全事故",
    "tank_level": "工矿商贸等企业安全事故",
    "temperature": "工矿商贸等企业安全事故",
    "pressure": "工矿商贸等企业安全事故",
    "smoke": "火灾事故",
}


def _from_alarm(user, pk) -> tuple[dict, object]:
    from anlan.monitoring.models import Alarm

    alarm = get_object_or_404(Alarm.objects.restrict(user).select_related("sensor", "sensor__region", "rule"), pk=pk)
    sensor = alarm.sensor
    kind = IncidentKind.objects.filter(name=ALARM_KINDS.get(sensor.kind, "")).first()
    initial = {
        "kind": kind,
        "title": texts.alarm_title(alarm),
        "region": sensor.region_id,
        "lon": sensor.lon,
        "lat": sensor.lat,
        "occurred_at": timezone.localtime(alarm.opened_at).strftime(LOCAL_INPUT),
        "source": Incident.Source.ALARM,
        "caller_unit": "监测预警系统",
        "description": texts.alarm_description(alarm),
    }
    return initial, alarm


def _from_hazard(user, pk) -> dict:
    from anlan.hazards.models import HiddenHazard

    hazard = get_object_or_404(HiddenHazard.objects.restrict(user), pk=pk)
    return {
        "title": hazard.title.removeprefix("群众举报："),
        "region": hazard.region_id,
        "lon": hazard.lon,
        "lat": hazard.lat,
        "source": Incident.Source.PUBLIC if hazard.source == "public_tip" else Incident.Source.REPORT,
        "caller_name": hazard.reporter_name,
        "caller_phone": hazard.reporter_phone,
        "description": hazard.description,
    }


def _from_log(user, pk) -> tuple[dict, object]:
    """转为事件 from a duty log entry (read through duty, which sits below incidents)."""
    entry = duty_log.entry_for(user, pk)
    first_line = entry.content.strip().splitlines()[0] if entry.content.strip() else ""
    region = entry.region_id or (entry.desk_id if entry.desk_id[6:9] != "000" else None)
    public = entry.kind == "receive" and not entry.unit
    initial = {
        "kind": entry.event_kind,
        "title": f"{entry.place}{first_line}"[:60],
        "region": region,
        "place": entry.place,
        "occurred_at": timezone.localtime(entry.occurred_at).strftime(LOCAL_INPUT),
        "source": Incident.Source.PUBLIC if public else Incident.Source.CALL,
        "caller_name": entry.caller,
        "caller_phone": entry.phone,
        "caller_unit": entry.unit,
        "description": entry.content,
    }
    return initial, entry


@login_required
def intake(request, alarm_pk=None, hazard_pk=None):
    """接报登记: the duty officer records a call (or a report) in one form; from an alarm, a public
    report or a duty log entry (`?log=<id>`) the form starts filled in."""
    if not _may_act(request.user):
        raise PermissionDenied("您的角色不能登记事件")
    initial, alarm, log_entry = None, None, None
    if alarm_pk is not None:
        initial, alarm = _from_alarm(request.user, alarm_pk)
    elif hazard_pk is not None:
        initial = _from_hazard(request.user, hazard_pk)
    elif request.GET.get("log", "").isdigit():
        initial, log_entry = _from_log(request.user, int(request.GET["log"]))
    form = forms.IntakeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with shown_on(form) as outcome, transaction.atomic():
            new = form.save(commit=False)
            new.alarm = alarm
            incident = services.incident_create(actor=request.user, incident=new)
            if log_entry is not None:
                link = reverse("incidents:workspace", kwargs={"pk": incident.pk})
                duty_log.entry_link_incident(actor=request.user, entry=log_entry, number=incident.number, link=link)
        if outcome.ok:
            messages.success(request, f"已登记事件 {incident.number}")
            return redirect("incidents:workspace", pk=incident.pk)
    return render(request, "incidents/intake.html", {"form": form}, status=400 if form.errors else 200)


def _incident(request, pk, action="view"):
    return get_object_or_404(selectors.incident_for(request.user, pk, action))


STEPS = {
    "facts": forms.FactsForm,
    "grade": forms.GradeForm,
    "response": forms.ResponseForm,
    "end": forms.EndForm,
    "report": forms.ReportForm,
    "send": forms.SendForm,
    "task": forms.TaskForm,
    "order": forms.OrderForm,
    "return": forms.ReturnForm,
    "evacuate": forms.EvacuateForm,
    "note": forms.NoteForm,
    "warning": forms.WarningLinkForm,
    "review": forms.ReviewForm,
    "area": forms.AreaForm,
}
NEEDS_USER = ("warning",)


def intake_from_alarm(request, pk):
    return intake(request, alarm_pk=pk)


def intake_from_hazard(request, pk):
    return intake(request, hazard_pk=pk)


# The workspace's tabs, and the tab each step belongs to (a step's message and errors show on its tab).
TABS = [
    ("overview", "概况"),
    ("response", "定级与响应"),
    ("dispatch", "调度"),
    ("reports", "报告"),
    ("timeline", "时间线"),
]
STEP_TABS = {
    "facts": "overview",
    "area": "overview",
    "warning": "overview",
    "grade": "response",
    "response": "response",
    "end": "response",
    "task": "response",
    "review": "response",
    "order": "dispatch",
    "return": "dispatch",
    "evacuate": "dispatch",
    "report": "reports",
    "send": "reports",
    "note": "timeline",
}


def _tab_url(pk, tab: str) -> str:
    return reverse("incidents:workspace", kwargs={"pk": pk}) + f"?tab={tab}"


@login_required
def workspace(request, pk):
    """事件工作台: one incident in tabs under a summary bar, the steps this user may take. Each step posts,
    then returns to its tab with a message saying what was done (or stays with the form's errors)."""
    incident = _incident(request, pk)
    steps = _steps_for(request.user)
    bound = None
    tab = request.GET.get("tab", "")
    if request.method == "POST":
        step = request.POST.get("step", "")
        if step not in STEPS:
            raise Http404
        if step not in steps:
            raise PermissionDenied("您的角色不能办理这一步")
        extra = {"user": request.user} if step in NEEDS_USER else {}
        if step == "facts":  # the facts the incident's kind is graded by
            extra = {"grading": incident.kind.grading}
        bound = (step, STEPS[step](request.POST, request.FILES, **extra))
        tab = STEP_TABS[step]
        if bound[1].is_valid():
            with shown_on(bound[1], whole_form=True) as outcome, transaction.atomic():
                done = _apply(request, incident, step, bound[1])
            if outcome.ok:
                messages.success(request, done)
                return redirect(_tab_url(pk, tab))
    if tab not in dict(TABS):
        tab = TABS[0][0]
    return render(
        request,
        "incidents/workspace.html",
        _context(request, incident, steps, bound, tab),
        status=400 if bound else 200,
    )


def _apply(request, incident, step, form) -> str:
    """Take the step; return the message that says what was done."""
    user, d = request.user, form.cleaned_data
    if step == "facts":
        facts = {k: d[k] for k in services.FACT_FIELDS if d.get(k) is not None and k != "evacuated"}
        services.facts_update(actor=user, incident=incident, note=d["note"], **facts)
        return "已更新伤亡与损失情况"
    if step == "grade":
        graded = services.grade_set(actor=user, incident=incident, level=d["level"], basis=d["basis"])
        return f"已定级为{graded.get_level_display()}"
    if step == "response":
        before = incident.response_level
        tasks = services.response_set(actor=user, incident=incident, level=d["level"], reason=d["reason"])
        incident.refresh_from_db(fields=["response_level"])
        done = "已启动" if not before else "已调整为"
        return f"{done}{incident.get_response_level_display()}" + (f"，按预案下达 {len(tasks)} 项任务" if tasks else "")
    if step == "end":
        services.response_end(actor=user, incident=incident, summary=d["summary"])
        return "已结束应急响应"
    if step == "report":
        fields = {k: d[k] for k in ("situation", "casualties", "loss", "measures", "other")}
        report = services.report_create(
            actor=user, incident=incident, kind=d["kind"], fields=fields, signed_by=d["signed_by"]
        )
        return f"已保存{report}，请报出"
    if step == "send":
        report = get_object_or_404(incident.reports, pk=request.POST.get("report"))
        services.report_send(actor=user, report=report, recipients=form.recipients())
        return f"{report}已报出"
    if step == "task":
        task = get_object_or_404(incident.tasks, pk=request.POST.get("task"))
        if not _may_act(user) and task.department_id != user.department_id:
            raise PermissionDenied("只能办理本部门的任务")
        task = services.task_update(actor=user, task=task, status=d["status"], note=d["note"])
        return f"任务“{task.title}”：{task.get_status_display()}"
    if step == "order":
        target, item = _target(user, d)
        order = services.order_create(
            actor=user,
            incident=incident,
            kind=d["kind"],
            target=target,
            item=item,
            quantity=d["quantity"],
            instruction=d["instruction"],
        )
        return f"已向{order.assignee_name}下达调度指令"
    if step == "return":
        order = get_object_or_404(incident.orders, pk=request.POST.get("order"))
        order = services.order_return(actor=user, order=order, reason=d["reason"])
        return f"已将{order.assignee_name}的指令退回重办"
    if step == "evacuate":
        shelter = get_object_or_404(Shelter.objects.restrict(user), pk=d["shelter"])
        services.evacuate(
            actor=user,
            incident=incident,
            shelter=shelter,
            people=d["people"],
            from_region=incident.region,
            household=d["household"],
        )
        return f"已登记转移 {d['people']} 人至{shelter.name}"
    if step == "note":
        services.note_add(actor=user, incident=incident, text=d["text"], upload=d["attachment"])
        return "已添加记录"
    if step == "area":
        services.area_set(actor=user, incident=incident, polygon=d["area"])
        return "已保存影响范围" if d["area"] else "已清除影响范围"
    if step == "warning":
        services.warning_link(actor=user, incident=incident, warning=d["warning"])
        return f"已关联预警“{d['warning']}”"
    services.review_record(  # "review", the last of STEPS
        actor=user,
        incident=incident,
        course=d["course"],
        cause=d["cause"],
        lessons=d["lessons"],
        follow_ups=form.follow_ups(),
    )
    return "已保存调查评估，事件已结案"


def _target(user, d):
    """The dispatched resource, looked up within what this user may see."""
    kind = d["kind"]
    if kind == DispatchOrder.Kind.TEAM:
        return get_object_or_404(RescueTeam.objects.restrict(user), pk=d["target"]), None
    if kind == DispatchOrder.Kind.EXPERT:
        return get_object_or_404(Expert.objects.restrict(user), pk=d["target"]), None
    if kind == DispatchOrder.Kind.SHELTER:
        return get_object_or_404(Shelter.objects.restrict(user), pk=d["target"]), None
    if kind == DispatchOrder.Kind.PERSON:
        return get_object_or_404(selectors.dispatchable_people(user), pk=d["target"]), None
    warehouse = get_object_or_404(Warehouse.objects.restrict(user), pk=d["target"])
    item = get_object_or_404(SupplyItem.objects.all(), pk=d["item"]) if d.get("item") else None
    return warehouse, item


def _context(request, incident, steps, bound, tab):
    user = request.user
    can_act = _may_act(user)
    prepared = {
        "warning": forms.WarningLinkForm(user=user),
        "area": forms.AreaForm(initial={"area": json.dumps(incident.affected_area) if incident.affected_area else ""}),
        "facts": forms.FactsForm(
            initial={
                **{k: getattr(incident, k) for k in services.FACT_FIELDS},
                "burned_forest_ha": format(incident.burned_forest_ha.normalize(), "f"),  # 150, not 150.0000
            },
            grading=incident.kind.grading,
        ),
        "report": forms.ReportForm(initial={**services.report_draft(incident), "kind": _next_kind(incident)}),
    }
    step_forms = {name: prepared[name] if name in prepared else cls() for name, cls in STEPS.items()}
    if bound:
        step_forms[bound[0]] = bound[1]
    recommendations = []
    # Only those who dispatch see the recommendations: no nearest-resource search for anyone else.
    may_order = workflow.INCIDENT.can(user, incident, "order")
    if can_act and incident.lon is not None and incident.lat is not None and may_order:
        lon, lat = incident.lon, incident.lat
        warehouses = nearest.nearest_warehouses(user, lon, lat, k=3)
        stock = _stock_options([w.id for w in warehouses])
        recommendations = [
            ("team", "救援队伍", [(r, None) for r in nearest.nearest_teams(user, lon, lat, k=5)]),
            ("expert", "专家", [(r, None) for r in nearest.nearest_experts(user, lon, lat, k=3)]),
            ("supplies", "物资仓库", [(r, stock.get(r.id, [])) for r in warehouses]),
            ("shelter", "避难场所", [(r, None) for r in nearest.nearest_shelters(user, lon, lat, k=5)]),
        ]
    if can_act and may_order:
        people = selectors.local_people(user, incident)
        recommendations.append(("person", "属地人员", [(p, None) for p in people]))
    orders = list(selectors.orders(incident))
    return {
        "incident": incident,
        "tabs": TABS,
        "tab": tab,
        "can_act": can_act,
        "steps": steps,
        "can_decide": user.is_superuser or user.role in services.GRADERS,
        "clock": services.report_clock(incident),
        "deadlines": clocks.deadlines(incident, timezone.now()),
        "geo_stage": calculators.geo_stage(incident),
        "level_label": calculators.level_label(incident),
        "suggested_response": _suggested_response(incident),
        "forms": step_forms,
        "reports": list(selectors.reports(incident)),
        "tasks": list(selectors.tasks(incident)),
        "review": getattr(incident, "review", None),
        "task_statuses": ResponseTask.Status.choices,
        "orders": [(o, services.order_token(o)) for o in orders],
        "recommendations": recommendations,
        "timeline": list(selectors.timeline(incident)),
        "detail_url": config_for(Incident).reverse("detail", incident.pk),
        "manual_grading": incident.kind.grading == IncidentKind.Grading.MANUAL,
        "grading_note": calculators.EXPLAINED.get(incident.kind.grading, ""),
        "tiles": tile_source(),
    }


def _suggested_response(incident) -> dict | None:
    """The response the grade points to, with the number of the plans' actions it would start (the response
    table): shown beside the response form, which still starts unchosen (a person decides)."""
    level = incident.level
    if not level or level == incident.response_level or incident.status not in ("received", "responding"):
        return None
    actions = actions_for_response(kind=incident.kind, level=level, region_code=incident.region_id).count()
    return {"level": level, "label": dict(RESPONSE_CHOICES)[level], "actions": actions}


def _stock_options(warehouse_ids) -> dict[int, list[tuple[int, str]]]:
    """What each recommended warehouse holds: (item id, "name (quantity unit)")."""
    from django.db.models import Sum

    from anlan.supplies.models import Stock

    rows = (
        Stock.objects.filter(warehouse_id__in=warehouse_ids, quantity__gt=0)
        .values("warehouse_id", "item_id", "item__name", "item__unit")
        .annotate(total=Sum("quantity"))
        .order_by("warehouse_id", "item__name")
    )
    out: dict[int, list[tuple[int, str]]] = {}
    for r in rows:
        out.setdefault(r["warehouse_id"], []).append(
            (r["item_id"], f"{r['item__name']}（{r['total']:g}{r['item__unit']}）")
        )
    return out


def _next_kind(incident) -> str:
    kinds = set(incident.reports.values_list("kind", flat=True))
    if InfoReport.Kind.FIRST not in kinds:
        return InfoReport.Kind.FIRST
    if workflow.INCIDENT.can(None, incident, "final_report") and InfoReport.Kind.FINAL not in kinds:
        return InfoReport.Kind.FINAL
    return InfoReport.Kind.FOLLOW_UP


@login_required
def report_docx(request, pk, report_pk):
    incident = _incident(request, pk)
    report = get_object_or_404(incident.reports, pk=report_pk)
    filename = f"{incident.number}-{report}.docx"
    return attachment_response(documents.report_document(report), filename, documents.DOCX)


@login_required
def brief_docx(request, pk):
    """态势简报 as it stands now."""
    incident = _incident(request, pk)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return attachment_response(
        documents.situation_brief(incident), f"{incident.number}-态势简报-{stamp}.docx", documents.DOCX
    )


@login_required
def attachment(request, pk, entry_pk):
    """Timeline attachments are served to users who can see the incident (not public files)."""
    incident = _incident(request, pk)
    item = get_object_or_404(TimelineEntry, pk=entry_pk, incident=incident)
    return serve_upload(item.attachment, item.attachment_name)


@login_required
def command_map(request, pk):
    """一张图指挥: the incident, its area, what is around it, and the dispatched resources, updated live."""
    incident = _incident(request, pk)
    return render(
        request,
        "incidents/command_map.html",
        {"incident": incident, "tiles": tile_source(), "legend": situation.LEGEND},
    )


@never_cache
@login_required
def situation_json(request, pk):
    """The command map's data; polled every 2 seconds."""
    incident = _incident(request, pk)
    return JsonResponse(situation.collect(incident, request.user))


def _addressed_to(user, order) -> bool:
    return order.user_id is not None and order.user_id == user.pk


@login_required
def order_feedback(request, pk):
    """The assignee with an account opens his order's field page from the list or the 工作台 (the same page
    as the SMS link, so one place takes his feedback)."""
    order = get_object_or_404(DispatchOrder.objects.restrict(request.user), pk=pk)
    if not _addressed_to(request.user, order):
        raise PermissionDenied("只有接收人员可以反馈")
    return redirect("field_order", token=services.order_token(order))


# ---------------------------------------------------------------- the field page of an order (no account)


@never_cache
def field_order(request, token):
    """The assignee's page (a team leader's phone): opening it is the read receipt; status, position and
    photos go back to the command. The signed link is the credential: social rescue teams have no accounts."""
    pk = services.read_order_token(token)
    if pk is None:
        raise Http404
    order = get_object_or_404(DispatchOrder.objects.select_related("incident", "incident__region"), pk=pk)
    who = f"{order.assignee_name}（现场）"
    error = None
    if request.method == "POST":
        form = forms.FieldForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            with shown_on(form) as outcome:
                services.order_progress(
                    actor=who,
                    order=order,
                    status=d["status"],
                    note=d["note"],
                    lon=d["lon"],
                    lat=d["lat"],
                    upload=d["photo"],
                )
            if outcome.ok:
                return redirect("field_order", token=token)
        error = "；".join(e for errors in form.errors.values() for e in errors)
    else:
        order = services.order_read(actor=who, order=order)
    nexts = [(t.action, t.label) for t in workflow.ORDER.allowed(who, order) if t.target]
    return render(
        request,
        "incidents/field_order.html",
        {"order": order, "incident": order.incident, "nexts": nexts, "error": error},
        status=400 if error else 200,
    )
