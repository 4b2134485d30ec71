"""Drill mode pages (模拟推演): the list of tabletop drills that can be played, the drill console (clock,
script, what the sandbox created, participants' messages and 回执) and its buttons. Every write goes through
services_mode; a refusal is shown on the console (shown_on)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from anlan.accounts.models import User
from anlan.core.errors import DomainError, shown_on
from anlan.core.kit import MenuLink, register_link
from anlan.core.regioncodes import region_prefix
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.monitoring.models import LEVEL_CHOICES

from . import services_mode as mode
from .models import Drill, DrillInject

register_link(MenuLink("预案演练", "模拟推演", "drills:mode_index", Drill, "view", 106, regional=True))

PARTICIPANT_CHOICES_LIMIT = 300
# Who is offered as a participant: those who act on warnings, alarms and incidents at the county, in the
# departments and the townships (a village worker already on the drill stays offered).
PARTICIPANT_ROLES = (*sorted(COUNTY_ROLES), Role.DEPARTMENT_OPERATOR, Role.TOWNSHIP_OPERATOR)


def _drill(request, pk: int) -> Drill:
    """A drill the user may see (its scope) or takes part in; anything else is a 404."""
    user = request.user
    visible = Drill.objects.restrict(user).filter(pk=pk)
    drill = visible.select_related("exercise", "region", "plan").first()
    if drill is None:
        drill = Drill.objects.filter(pk=pk, participants=user).select_related("exercise", "region", "plan").first()
    if drill is None:
        raise Http404("没有这次演练，或不在您的权限范围内")
    return drill


def _may_run(user, drill: Drill) -> bool:
    return Drill.objects.restrict(user, "change").filter(pk=drill.pk).exists()


@login_required
def index(request):
    """Tabletop drills the user may play or takes part in: running first, then planned, then held."""
    user = request.user
    qs = (
        Drill.objects.filter(Q(pk__in=Drill.objects.restrict(user).values("pk")) | Q(participants=user))
        .filter(form=Drill.Form.TABLETOP)
        .exclude(status=Drill.Status.CANCELLED)
        .select_related("exercise", "region")
        .distinct()
    )
    order = {Drill.Status.RUNNING: 0, Drill.Status.PLANNED: 1}
    drills = sorted(qs[:200], key=lambda d: (order.get(d.status, 2), -d.planned_on.toordinal()))
    return render(request, "drills/mode_index.html", {"drills": drills})


class InjectForm(forms.Form):
    offset_minutes = forms.IntegerField(label="推演时刻（分钟）", min_value=0, max_value=24 * 60)
    kind = forms.ChoiceField(label="注入类别", choices=DrillInject.Kind.choices)
    title = forms.CharField(label="说明", max_length=200)
    sensor = forms.CharField(label="设备编码", required=False, max_length=64, help_text="监测报警：设备编码")
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "—"), *LEVEL_CHOICES])
    value = forms.FloatField(label="触发值", required=False)
    event = forms.CharField(label="预警事件", required=False, max_length=40, help_text="发布预警：如 暴雨、地质灾害")
    region = forms.CharField(label="区划代码", required=False, max_length=12, help_text="预警区域或事件发生地")
    kind_name = forms.CharField(label="事件类型", required=False, max_length=40, help_text="事件接报：如 地质灾害")
    text = forms.CharField(label="通报内容", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def payload(self) -> dict:
        d = self.cleaned_data
        out = {k: d.get(k) for k in ("sensor", "level", "value", "event", "region", "text")}
        out["kind"] = d.get("kind_name")
        if d["kind"] == DrillInject.Kind.INCIDENT:
            out["title"] = d["title"]
        return {k: v for k, v in out.items() if v not in (None, "")}


def _participant_choices(drill: Drill):
    """Active users of the drill's area (and those already taking part), for the start form."""
    users = User.objects.filter(is_active=True).filter(
        Q(region__pk__startswith=region_prefix(drill.region_id), role__in=PARTICIPANT_ROLES) | Q(drills=drill)
    )
    return list(users.distinct().order_by("region_id", "role", "username")[:PARTICIPANT_CHOICES_LIMIT])


@login_required
def console(request, pk: int):
    drill = _drill(request, pk)
    may_run = _may_run(request.user, drill)
    now = timezone.now()
    exercise = drill.exercise
    injects = list(drill.injects.order_by("offset_minutes", "pk"))
    minutes = mode.elapsed_minutes(exercise, now) if exercise else 0
    for inject in injects:
        inject.due = bool(mode.running(drill) and not inject.fired_at and inject.offset_minutes <= minutes)
    chosen = set(drill.participants.values_list("pk", flat=True))
    context = {
        "drill": drill,
        "may_run": may_run,
        "running": mode.running(drill),
        "ended": bool(exercise and exercise.ended_at),
        "minutes": int(minutes),
        "clock": f"{int(minutes) // 60:02d}:{int(minutes) % 60:02d}",
        "injects": injects,
        "due": sum(1 for i in injects if i.due),
        "fired": sum(1 for i in injects if i.fired_at),
        "sandbox": mode.sandbox(drill),
        "board": mode.participants_board(drill),
        "is_participant": request.user.pk in chosen,
        "log": list(drill.log.order_by("-at", "-id")[:50]),
        "evaluate_url": mode.evaluate_url(drill),
        "inject_form": InjectForm(initial={"offset_minutes": int(minutes)}),
        "candidates": _participant_choices(drill) if may_run and not exercise else [],
        "chosen": chosen,
    }
    return render(request, "drills/mode_console.html", context)


def _back(drill: Drill):
    return redirect("drills:mode_console", pk=drill.pk)


@login_required
@require_POST
def start(request, pk: int):
    drill = _drill(request, pk)
    ids = [int(v) for v in request.POST.getlist("participants") if v.isdigit()]
    allowed = {u.pk for u in _participant_choices(drill)}
    with shown_on(request) as outcome:
        mode.mode_start(
            actor=request.user, drill=drill, participants=User.objects.filter(pk__in=[i for i in ids if i in allowed])
        )
    if outcome.ok:
        messages.success(request, "已进入演练模式，推演时钟开始计时")
    return _back(drill)


@login_required
@require_POST
def end(request, pk: int):
    drill = _drill(request, pk)
    with shown_on(request) as outcome:
        closed = mode.mode_end(actor=request.user, drill=drill)
    if outcome.ok:
        messages.success(
            request,
            f"推演已结束：解除报警 {closed['alarms']} 条、关闭预警 {closed['warnings']} 条、"
            f"结束事件 {closed['incidents']} 起（均保留供复盘）",
        )
    return _back(drill)


@login_required
@require_POST
def fire_due(request, pk: int):
    drill = _drill(request, pk)
    with shown_on(request) as outcome:
        if not _may_run(request.user, drill):
            raise DomainError("drill.not_allowed", "只有组织本次演练的单位可以主持推演", status=403)
        fired = mode.fire_due(actor=request.user, drill=drill)
    if outcome.ok:
        messages.success(request, f"已执行到时注入 {len(fired)} 条" if fired else "没有到时的注入")
    return _back(drill)


@login_required
@require_POST
def fire_one(request, pk: int, inject_pk: int):
    drill = _drill(request, pk)
    inject = get_object_or_404(DrillInject, pk=inject_pk, drill=drill)
    with shown_on(request) as outcome:
        if not _may_run(request.user, drill):
            raise DomainError("drill.not_allowed", "只有组织本次演练的单位可以主持推演", status=403)
        inject = mode.inject_fire(actor=request.user, inject=inject)
    if outcome.ok:
        messages.success(request, f"已执行：{inject.title}（{inject.result}）")
    return _back(drill)


@login_required
@require_POST
def storm(request, pk: int):
    drill = _drill(request, pk)
    with shown_on(request) as outcome:
        added = mode.load_storm(actor=request.user, drill=drill)
    if outcome.ok:
        messages.success(request, f"已载入暴雨情景 {added} 条注入")
    return _back(drill)


@login_required
@require_POST
def inject_add(request, pk: int):
    drill = _drill(request, pk)
    form = InjectForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return _back(drill)
    with shown_on(request) as outcome:
        mode.inject_add(
            actor=request.user,
            drill=drill,
            offset_minutes=form.cleaned_data["offset_minutes"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            payload=form.payload(),
        )
    if outcome.ok:
        messages.success(request, "已添加注入")
    return _back(drill)


@login_required
@require_POST
def acknowledge(request, pk: int):
    drill = _drill(request, pk)
    with shown_on(request) as outcome:
        mode.acknowledge(user=request.user, drill=drill)
    if outcome.ok:
        messages.success(request, "已回执")
    return _back(drill)
