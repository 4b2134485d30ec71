"""会商研判 pages: the list (kind, year), 发起会商, the session page (snapshot, forecast and conclusions,
decisions and the records that carried them out, close), the minutes in Word; and the box on the warning and
incident pages naming the session that decided them."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.alerts.models import Warning, WarningTemplate
from anlan.core.errors import shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.models import Exercise
from anlan.core.panels import register_panel
from anlan.core.roles import COUNTY_ROLES, role_allows
from anlan.core.views import PAGE_SIZE, docx_response
from anlan.geo.models import Region, RegionLevel
from anlan.incidents.models import Incident, ResponseTask
from anlan.notify import recipients

from . import documents, services
from .forms import DecisionForm, RecordForm, StartForm
from .models import Consultation, Decision
from .snapshot import ACTIVE_INCIDENTS, SECTION_TITLES, summary_lines

register_link(MenuLink("预案演练", "会商研判", "consultations:list", Consultation, "view", 107, regional=True))
register_link(MenuLink("预案演练", "发起会商", "consultations:start", Consultation, "add", 108, roles=COUNTY_ROLES))

# How far back a record may have been made to be offered as what carried a decision out: a warning or an
# incident is often prepared while the meeting sits, so a little before its start counts too.
LINK_LOOKBACK = dt.timedelta(hours=12)
# The template a 预警 decision most likely means: the hazard its text names (else the session's usual one)
# at the level it names (else red, as a session decides a warning when things are serious); the user can
# pick another before opening the editor.
KIND_EVENTS = {"flood": "暴雨", "geological": "地质灾害", "forest_fire": "森林火险", "safety": "危险化学品泄漏"}
LEVEL_WORDS = {"红色": "red", "橙色": "orange", "黄色": "yellow", "蓝色": "blue"}
PICK_ROWS = 30


def _may_write(user) -> bool:
    return role_allows(user, "add", Consultation)


def _sessions(user):
    if not role_allows(user, "view", Consultation):
        raise PermissionDenied("您的角色不能查看会商研判")
    return Consultation.objects.restrict(user)


@login_required
def consultation_list(request):
    qs = _sessions(request.user).annotate(n_decisions=Count("decisions")).order_by("-started_at", "-pk")
    if request.GET.get("drills") != "include":
        qs = qs.real()  # sessions held inside a drill are listed only when asked for (含演练)
    kind = request.GET.get("kind", "")
    if kind in Consultation.Kind.values:
        qs = qs.filter(kind=kind)
    status = request.GET.get("status", "")
    if status in Consultation.Status.values:
        qs = qs.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(started_at__year=int(year))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    this_year = timezone.localdate().year
    context = {
        "page": page,
        "kind": kind,
        "kinds": Consultation.Kind.choices,
        "year": year,
        "years": [str(y) for y in range(this_year, this_year - 5, -1)],
        "may_start": _may_write(request.user),
        "status": status,
        "statuses": Consultation.Status.choices,
        "querystring": f"kind={kind}&year={year}&status={status}",
    }
    return render(request, "consultations/list.html", context)


@login_required
def consultation_start(request):
    if not _may_write(request.user):
        raise PermissionDenied("只有县级管理员和县级业务人员可以组织会商")
    exercise = _drill_sandbox(request)
    form = StartForm(request.POST or None, user=request.user)
    if not form.is_bound:
        form.initial["chair"] = request.user.get_full_name() or request.user.username
        if exercise is not None:
            form.initial["title"] = f"演练会商：{exercise.name}"
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with shown_on(form) as outcome:
            consultation = services.consultation_start(
                actor=request.user,
                kind=d["kind"],
                title=d["title"],
                chair=d["chair"],
                place=d["place"],
                departments=d["departments"],
                attendees=d["attendees"],
                forecast=d["forecast"],
                exercise=exercise,
            )
        if outcome.ok:
            messages.success(request, "会商已开始，当前态势已记录")
            return redirect("consultations:detail", pk=consultation.pk)
    context = {"form": form, "exercise": exercise}
    return render(request, "consultations/start.html", context, status=400 if form.errors else 200)


def _drill_sandbox(request):
    """The running drill sandbox a 会商 is held in (`?exercise=ID`, from the drill console): its snapshot reads
    that drill's records and its decisions link only them. Only a participant of a running drill may."""
    raw = request.GET.get("exercise", "")
    if not raw:
        return None
    exercise = Exercise.objects.filter(pk=int(raw) if raw.isdigit() else 0, ended_at__isnull=True).first()
    if exercise is None or request.user.pk not in recipients.exercise_audience(exercise.pk):
        raise Http404("没有进行中的演练，或您不是参演人员")
    return exercise


def _sections(snapshot: dict) -> list[tuple[str, str, dict]]:
    return [(key, SECTION_TITLES.get(key, key), snapshot.get(key) or {}) for key in snapshot.get("order", [])]


def _candidates(user, consultation: Consultation) -> dict:
    """Records a decision may be linked to: made since a little before the session, in the user's scope."""
    since = consultation.started_at - LINK_LOOKBACK
    warnings = (
        Warning.objects.restrict(user)
        .filter(created_at__gte=since, exercise_id=consultation.exercise_id)
        .only("pk", "headline", "status", "level")
        .order_by("-created_at")[:PICK_ROWS]
    )
    incidents = list(
        Incident.objects.restrict(user)
        .filter(status__in=ACTIVE_INCIDENTS, exercise_id=consultation.exercise_id)
        .only("pk", "number", "title", "response_level")
        .order_by("-received_at")[:PICK_ROWS]
    )
    tasks = (
        ResponseTask.objects.restrict(user)
        .filter(incident__status__in=ACTIVE_INCIDENTS, incident__exercise_id=consultation.exercise_id)
        .select_related("incident", "department")
        .order_by("-created_at")[:PICK_ROWS]
    )
    return {"warnings": list(warnings), "incidents": incidents, "tasks": list(tasks)}


def _suggested_template(decision: Decision, templates: list, kind: str):
    named = {t.event for t in templates if t.event in decision.text}
    event = min(named, key=decision.text.find) if named else KIND_EVENTS.get(kind, "暴雨")  # the first it names
    level = next((code for word, code in LEVEL_WORDS.items() if word in decision.text), "red")
    return next((t.pk for t in templates if (t.event, t.level) == (event, level)), None)


def _detail_context(request, consultation, record_form=None, decision_form=None) -> dict:
    user = request.user
    may_write = _may_write(user)
    decisions = list(
        consultation.decisions.select_related("department", "warning", "incident", "task").order_by("created_at", "pk")
    )
    context = {
        "c": consultation,
        "sections": _sections(consultation.snapshot),
        "summary": summary_lines(consultation.snapshot),
        "departments": list(consultation.departments.order_by("name").values_list("name", flat=True)),
        "decisions": decisions,
        "may_write": may_write,
        "is_open": consultation.status == Consultation.Status.OPEN,
    }
    if may_write:
        context |= _candidates(user, consultation)
        templates = list(WarningTemplate.objects.order_by("event", "level").only("pk", "event", "level"))
        context["templates"] = templates
        for d in decisions:
            d.suggested_template = _suggested_template(d, templates, consultation.kind)
        context["townships"] = (
            Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=consultation.region_id[:6])
            .order_by("code")
            .only("code", "name")
        )
        if context["is_open"]:
            context["record_form"] = record_form or RecordForm(
                initial={"forecast": consultation.forecast, "conclusions": consultation.conclusions}
            )
            context["decision_form"] = decision_form or DecisionForm(user=user)
    return context


def _session(user, pk: int) -> Consultation:
    return get_object_or_404(_sessions(user).select_related("region"), pk=pk)


@login_required
def consultation_detail(request, pk: int):
    consultation = _session(request.user, pk)
    return render(request, "consultations/detail.html", _detail_context(request, consultation))


def _writer_session(request, pk: int) -> Consultation:
    if not _may_write(request.user):
        raise PermissionDenied("只有县级管理员和县级业务人员可以记录会商")
    return get_object_or_404(Consultation.objects.restrict(request.user, "change"), pk=pk)


@login_required
@require_POST
def consultation_record(request, pk: int):
    consultation = _writer_session(request, pk)
    form = RecordForm(request.POST)
    if form.is_valid():
        with shown_on(form) as outcome:
            services.consultation_record(
                actor=request.user,
                consultation=consultation,
                conclusions=form.cleaned_data["conclusions"],
                forecast=form.cleaned_data["forecast"],
            )
        if outcome.ok:
            messages.success(request, "研判结论已保存")
            return redirect("consultations:detail", pk=pk)
    consultation.refresh_from_db()
    context = _detail_context(request, consultation, record_form=form)
    return render(request, "consultations/detail.html", context, status=400)


@login_required
@require_POST
def decision_add(request, pk: int):
    consultation = _writer_session(request, pk)
    form = DecisionForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        with shown_on(form) as outcome:
            services.decision_add(
                actor=request.user,
                consultation=consultation,
                kind=d["kind"],
                text=d["text"],
                department=d["department"],
                due_at=d["due_at"],
            )
        if outcome.ok:
            messages.success(request, "会商决定已记录")
            return redirect(_url(consultation.pk) + "#decisions")
    context = _detail_context(request, consultation, decision_form=form)
    return render(request, "consultations/detail.html", context, status=400)


def _decision(request, pk: int, decision_pk: int) -> Decision:
    consultation = _writer_session(request, pk)
    decisions = Decision.objects.restrict(request.user).select_related("consultation")
    return get_object_or_404(decisions, pk=decision_pk, consultation=consultation)


def _posted_id(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
@require_POST
def decision_link(request, pk: int, decision_pk: int):
    decision = _decision(request, pk, decision_pk)
    field = request.POST.get("field", "")
    record_id = _posted_id(request, "record")
    if record_id is None:
        messages.error(request, "请选择要关联的记录")
    else:
        with shown_on(request) as outcome:
            services.decision_link(actor=request.user, decision=decision, field=field, record_id=record_id)
        if outcome.ok:
            messages.success(request, "已关联落实该决定的记录")
    return redirect(_url(decision.consultation_id) + f"#decision-{decision.pk}")


@login_required
@require_POST
def decision_deploy(request, pk: int, decision_pk: int):
    decision = _decision(request, pk, decision_pk)
    incident_id = _posted_id(request, "incident")
    if incident_id is None:
        messages.error(request, "请选择要部署任务的事件")
    else:
        with shown_on(request) as outcome:
            task = services.decision_deploy_task(actor=request.user, decision=decision, incident_id=incident_id)
        if outcome.ok:
            messages.success(request, f"已向事件下达响应任务：{task.title}")
    return redirect(_url(decision.consultation_id) + f"#decision-{decision.pk}")


@login_required
@require_POST
def consultation_close(request, pk: int):
    consultation = _writer_session(request, pk)
    with shown_on(request) as outcome:
        services.consultation_close(actor=request.user, consultation=consultation)
    if outcome.ok:
        messages.success(request, f"会商已结束，纪要编号 {consultation.minutes_number}")
    return redirect("consultations:detail", pk=pk)


@login_required
def minutes_docx(request, pk: int):
    consultation = _session(request.user, pk)
    name = consultation.minutes_number or f"会商纪要（草稿）{consultation.pk}"
    return docx_response(documents.minutes_docx(consultation), f"{name}.docx")


def _url(pk: int) -> str:
    return reverse("consultations:detail", kwargs={"pk": pk})


# ---------------------------------------------------------------- boxes on the warning and incident pages


def _decided_panel(field: str):
    def panel(request, obj):
        if not role_allows(request.user, "view", Consultation):
            return None
        decisions = list(services.decided_by(field, obj.pk, request.user))
        if not decisions:
            return None
        return "consultations/_decided_panel.html", {"decisions": decisions}

    panel.__qualname__ = f"decided_panel_{field}"
    return panel


register_panel("alerts.warning", _decided_panel("warning"), order=20, name="consultations.warning")
register_panel("incidents.incident", _decided_panel("incident"), order=20, name="consultations.incident")
