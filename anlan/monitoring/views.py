"""Monitoring pages: sensors, rules and alarms through the kit; a sensor's chart; acknowledging alarms."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from anlan.core.errors import shown_on
from anlan.core.kit import ModelConfig, config_for, register, role_may
from anlan.core.labels import action_label
from anlan.registry.models import Department

from . import selectors, services, workflow
from .filters import AlarmFilterSet, RuleFilterSet, SensorFilterSet
from .formatting import measured
from .models import LEVEL_CHOICES, Alarm, Rule, Sensor

SENSOR_FIELDS = [
    *("code", "name", "kind", "unit", "region", "department", "station", "lon", "lat"),
    *("hazard_site", "risk_point", "major_hazard", "video_url", "active"),
]


def _sensor_alarms(sensor, user):
    rows = [
        (a.opened_at, a.get_level_display(), a.get_status_display(), a.value_text, a.peak_text, a.closed_at)
        for a in sensor.alarms.select_related("sensor", "rule")[:20]
    ]
    return [("最近报警", ["报警时间", "级别", "状态", "触发值", "峰值", "解除时间"], rows)]


register(
    ModelConfig(
        model=Sensor,
        list_columns=["code", "name", "kind", "region", "live_status", "last_value_text", "last_ts"],
        form_fields=SENSOR_FIELDS,
        detail_fields=[*SENSOR_FIELDS, "live_status", "last_value_text", "last_ts"],
        extra_labels={"last_value_text": "最新值"},
        filterset_class=SensorFilterSet,
        search_fields=["code", "name", "station"],
        natural_keys={Department: "code"},
        selector=selectors.sensors,
        sortable=["code", "name", "region", "live_status", "last_ts"],
        detail_links=[("曲线", "monitoring:sensor_chart")],
        related_tables=_sensor_alarms,
        menu_group="监测预警",
        menu_order=50,
    )
)
register(
    ModelConfig(
        model=Rule,
        list_columns=["sensor", "name", "kind", "direction", "window_minutes", "blue", "yellow", "orange", "red"],
        form_fields=[
            "sensor",
            "name",
            "kind",
            "direction",
            "window_minutes",
            "blue",
            "yellow",
            "orange",
            "red",
            "hysteresis",
            "active",
        ],
        filterset_class=RuleFilterSet,
        search_fields=["name", "sensor__code", "sensor__name"],
        natural_keys={Sensor: "code"},
        selector=selectors.rules,
        sortable=["kind"],
        menu_group="监测预警",
        menu_order=51,
    )
)


def _alarm_events(alarm, user):
    levels = dict(LEVEL_CHOICES)
    rows = [
        (
            e.at,
            action_label(f"alarm_{e.action}"),
            levels.get(e.level, e.level),
            measured(e.value, alarm.sensor, alarm.rule),
            e.actor,
            e.notified,
        )
        for e in alarm.events.all()
    ]
    return [("报警过程", ["时间", "动作", "级别", "数值", "操作", "通知/说明"], rows)]


register(
    ModelConfig(
        model=Alarm,
        list_columns=["sensor", "level", "status", "value_text", "peak_text", "opened_at", "closed_at"],
        form_fields=[],
        detail_fields=[
            *("sensor", "rule", "level", "status", "value_text", "peak_text", "opened_at", "raised_at"),
            *("acknowledged_at", "acknowledged_by", "closed_at"),
        ],
        export_fields=[
            *("sensor", "rule", "level", "status", "value", "peak_value", "opened_at", "raised_at"),
            *("acknowledged_at", "acknowledged_by", "closed_at"),
        ],
        extra_labels={"value_text": "触发值", "peak_text": "峰值"},
        filterset_class=AlarmFilterSet,
        search_fields=["sensor__name", "sensor__code"],
        importable=False,
        selector=selectors.alarms,
        list_charts=selectors.alarm_list_charts,
        sortable=["opened_at", "level", "status"],
        detail_links=[
            ("确认报警", "monitoring:alarm_acknowledge", workflow.FLOW.offers("acknowledge")),
            ("转为事件", "incidents:intake_from_alarm", role_may("add", "incidents.Incident")),
            ("监测曲线", "monitoring:alarm_chart"),
        ],
        related_tables=_alarm_events,
        menu_group="监测预警",
        menu_order=52,
    )
)


@login_required
def sensor_chart(request, pk):
    sensor = get_object_or_404(Sensor.objects.restrict(request.user).select_related("region"), pk=pk)
    hours = request.GET.get("hours", "24")
    context = {
        "sensor": sensor,
        "hours": hours if hours.isdigit() else "24",
        "detail_url": config_for(Sensor).reverse("detail", sensor.pk),
    }
    return render(request, "monitoring/chart.html", context)


# The spans the chart page offers (hours); an alarm's chart opens on the shortest one reaching back to it.
CHART_SPANS = (24, 72, 168, 720)


def chart_hours(opened_at, now) -> int:
    """The chart span (hours) that shows an alarm opened at `opened_at` with an hour before it."""
    needed = (now - opened_at).total_seconds() / 3600 + 1
    return next((span for span in CHART_SPANS if span >= needed), min(math.ceil(needed), 24 * 400))


@login_required
def alarm_chart(request, pk):
    """From an alarm to its sensor's chart, over a span reaching back to when the alarm opened."""
    alarm = get_object_or_404(Alarm.objects.restrict(request.user).select_related("sensor"), pk=pk)
    url = reverse("monitoring:sensor_chart", kwargs={"pk": alarm.sensor_id})
    return redirect(f"{url}?hours={chart_hours(alarm.opened_at, timezone.now())}")


@login_required
def alarm_acknowledge(request, pk):
    alarm = get_object_or_404(Alarm.objects.restrict(request.user), pk=pk)
    detail = config_for(Alarm).reverse("detail", alarm.pk)
    if request.method != "POST":
        return render(request, "monitoring/acknowledge.html", {"alarm": alarm, "detail_url": detail})
    with shown_on(request) as outcome:
        services.alarm_acknowledge(actor=request.user, alarm=alarm, comment=request.POST.get("comment", ""))
    if outcome.ok:
        messages.success(request, "已确认报警")
    return redirect(detail)
