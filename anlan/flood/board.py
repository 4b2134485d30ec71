"""The 汛期 board (one page, a fixed number of queries, rows of the user's scope only): 24 h rainfall top 10,
river levels against 警戒/保证水位, reservoirs over 汛限水位, open 山洪 alarms with who acknowledged them, and the
三个责任人 completeness of the reservoirs."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q, Sum
from django.utils import timezone

from anlan.monitoring import workflow as alarm_flow
from anlan.monitoring.models import Alarm, AlarmEvent, ReadingHourly, Sensor

from . import rules
from .models import FlashFloodThreshold, Reservoir, RiverStation

OPEN = (Alarm.Status.OPEN, Alarm.Status.ACKNOWLEDGED)


def rainfall_top(user, *, now=None, limit: int = 10) -> list[dict]:
    """The rain gauges with the most rain over the last 24 hours (hourly rollups: one aggregate query)."""
    now = now or timezone.now()
    since = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=23)
    gauges = Sensor.objects.restrict(user).filter(kind=Sensor.Kind.RAIN_GAUGE).values("pk")
    rows = (
        ReadingHourly.objects.filter(sensor_id__in=gauges, hour__gte=since, hour__lte=now)
        .values("sensor_id", "sensor__name", "sensor__region__name")
        .annotate(total=Sum("sum"))
        .filter(total__gt=0)
        .order_by("-total", "sensor_id")[:limit]
    )
    return [
        {
            "sensor_id": r["sensor_id"],
            "name": r["sensor__name"],
            "region": r["sensor__region__name"],
            "total": round(r["total"], 1),
        }
        for r in rows
    ]


def river_levels(user) -> list[dict]:
    """Each river station's latest level against its 警戒/保证水位, the highest over first."""
    stations = (
        RiverStation.objects.restrict(user).select_related("sensor", "sensor__region").defer("sensor__region__boundary")
    )
    out = []
    for s in stations:
        value = s.sensor.last_value if s.sensor.last_ts else None
        state, over, beyond = "无数据", None, None
        if value is not None:
            over = round(value - float(s.warning_level), 2)
            if value >= float(s.guarantee_level):  # 超保证 by how much over the 保证水位, not the 警戒水位
                state, beyond = "超保证", round(value - float(s.guarantee_level), 2)
            elif value >= float(s.warning_level):
                state, beyond = "超警戒", over
            else:
                state = "正常"
        out.append(
            {"station": s, "value": value, "over": over, "beyond": beyond, "state": state, "at": s.sensor.last_ts}
        )
    return sorted(out, key=lambda r: (r["over"] is None, -(r["over"] or 0)))


def reservoirs_over_limit(user) -> list[dict]:
    """Reservoirs whose latest water level is above their 汛限水位."""
    qs = (
        Reservoir.objects.restrict(user)
        .filter(sensor__isnull=False, flood_limit_level__isnull=False, sensor__last_ts__isnull=False)
        .select_related("sensor", "region")
        .defer("region__boundary")
    )
    out = []
    for r in qs:
        value = r.sensor.last_value
        if value is not None and value > float(r.flood_limit_level):
            out.append(
                {
                    "reservoir": r,
                    "value": value,
                    "over": round(value - float(r.flood_limit_level), 2),
                    "at": r.sensor.last_ts,
                }
            )
    return sorted(out, key=lambda x: -x["over"])


def open_flood_alarms(user) -> list[dict]:
    """Open alarms of the 山洪 zones' rules, each with its zone, level and who acknowledged it."""
    links = FlashFloodThreshold.rules.through.objects.values_list("rule_id", "flashfloodthreshold__site__name")
    zone_of = dict(links)
    alarms = list(
        Alarm.objects.restrict(user)
        .real()
        .filter(status__in=OPEN, rule_id__in=list(zone_of))
        .select_related("sensor", "rule")
        .order_by("-opened_at")[:50]
    )
    acks = defaultdict(list)
    events = AlarmEvent.objects.filter(alarm__in=[a.pk for a in alarms], action="acknowledge").order_by("at")
    for alarm_id, actor, at in events.values_list("alarm_id", "actor", "at"):
        local = timezone.localtime(at)
        acks[alarm_id].append(f"{actor}（{local.month}月{local.day}日 {local:%H:%M}）")
    return [
        {
            "alarm": a,
            "zone": zone_of.get(a.rule_id, ""),
            "level": "立即转移" if a.level == "red" else "准备转移",
            "acks": acks.get(a.pk, []),
            "may_ack": alarm_flow.FLOW.can(user, a, "acknowledge"),  # 去确认 only to those on duty for it
        }
        for a in alarms
    ]


def duty_completeness(user) -> dict:
    """How many reservoirs in scope have all three 责任人, and the incomplete ones with what they lack."""
    posts = {
        p: Count("responsibilities", filter=Q(responsibilities__post=p), distinct=True)
        for p in rules.REQUIRED["reservoir"]
    }
    qs = Reservoir.objects.restrict(user).annotate(**{f"n_{p}": c for p, c in posts.items()}).order_by("code")
    complete, missing = 0, []
    for r in qs.only("pk", "name", "code", "size_class"):
        have = [p for p in posts if getattr(r, f"n_{p}")]
        text = rules.completeness_text("reservoir", have)
        if text == "责任人完整":
            complete += 1
        else:
            missing.append({"reservoir": r, "text": text})
    return {"complete": complete, "total": complete + len(missing), "missing": missing}


def board(user, *, now=None) -> dict:
    return {
        "rain": rainfall_top(user, now=now),
        "rivers": river_levels(user),
        "reservoirs": reservoirs_over_limit(user),
        "alarms": open_flood_alarms(user),
        "duty": duty_completeness(user),
    }
