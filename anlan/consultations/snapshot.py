"""The situation a 会商 saw when it started, as plain JSON kept on the session and never recomputed.

`take` reads every section in bulk — one or two queries each, whatever the number of alarms, gauges,
warnings or incidents — and writes texts people read (names, levels, values rounded with their units), so
the session page and the minutes show the stored figures without reading the rows again. Sections:

- alarms: open (not closed) alarms by level, and the most severe rows with sensor, place and value;
  enterprise alarms (sensors watching a risk point or a major hazard source) counted apart;
- rainfall: per township, the largest 1 h and 24 h totals of its rain gauges, from the hourly rollups
  (as the 综合态势 panel reads them: "1 h" is the current clock hour so far, "24 h" it and the 23 before);
- warnings in force (the alerts list's own test), with level, area and expiry;
- incidents being handled, with their response level;
- open hidden hazards of 重大 level, and major hazard sources (GB 18218) on record;
- resources ready: rescue teams 随时待命 (teams and people) and shelters 可启用 (count and capacity).

The forecast is what the session enters (Consultation.forecast), not part of the snapshot.
"""

import datetime as dt

from django.db.models import Case, Count, Q, Sum, Value, When
from django.utils import timezone

from anlan.alerts.filters import in_force
from anlan.alerts.models import Warning
from anlan.core.regioncodes import region_prefix, township_of
from anlan.core.scoping import column_path
from anlan.geo.models import Region
from anlan.hazards import workflow as hazard_workflow
from anlan.hazards.models import HiddenHazard
from anlan.incidents.models import Incident
from anlan.monitoring.formatting import format_measured
from anlan.monitoring.models import LEVEL_LABELS, LEVELS, Alarm, ReadingHourly, Sensor
from anlan.resources.models import Readiness, RescueTeam, Shelter
from anlan.risk.models import MajorHazardSource

ALARM_ROWS = 20  # the most severe open alarms listed by name; the rest are in the counts by level
WARNING_LEVELS = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
RESPONSE_LABELS = {"I": "Ⅰ级响应", "II": "Ⅱ级响应", "III": "Ⅲ级响应", "IV": "Ⅳ级响应"}
ACTIVE_INCIDENTS = (Incident.Status.RECEIVED, Incident.Status.RESPONDING)

# Which sections a kind of session reads first (all are kept; the order is the emphasis).
SECTION_ORDER = {
    "flood": ["rainfall", "warnings", "alarms", "incidents", "hazards", "resources"],
    "geological": ["alarms", "rainfall", "warnings", "incidents", "hazards", "resources"],
    "forest_fire": ["warnings", "alarms", "incidents", "resources", "rainfall", "hazards"],
    "safety": ["enterprise_alarms", "hazards", "incidents", "alarms", "warnings", "resources", "rainfall"],
    "comprehensive": ["warnings", "incidents", "alarms", "rainfall", "hazards", "resources"],
}
SECTION_TITLES = {
    "rainfall": "雨情",
    "warnings": "生效中的预警",
    "alarms": "未解除的监测报警",
    "enterprise_alarms": "企业监测报警（风险点、重大危险源）",
    "incidents": "处置中的突发事件",
    "hazards": "重大隐患与重大危险源",
    "resources": "待命力量与可用避难场所",
}


def _mm(value) -> str:
    return format_measured(value or 0.0, decimals=1, unit="mm")


def _local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


class _Scope:
    """The rows a session may read: its region's subtree, within the user's scope when there is a user
    (the demo takes its snapshot without one), and outside any drill unless the session is in that drill."""

    def __init__(self, region_code: str, user=None, exercise=None):
        self.prefix = region_prefix(region_code)
        self.user = user
        self.exercise = exercise

    def rows(self, model, region_path: str, *, drill_marked: bool = False):
        queryset = model.objects.restrict(self.user) if self.user is not None else model.objects.all()
        queryset = queryset.filter(**{f"{column_path(model, region_path)}__startswith": self.prefix})
        if drill_marked:
            queryset = queryset.filter(Q(exercise__isnull=True) | Q(exercise=self.exercise))
        return queryset.order_by()


def _alarms(scope: _Scope) -> tuple[dict, dict]:
    base = scope.rows(Alarm, "sensor__region", drill_marked=True).exclude(status=Alarm.Status.CLOSED)
    enterprise = Q(sensor__risk_point__isnull=False) | Q(sensor__major_hazard__isnull=False)
    counts = {level: {"all": 0, "enterprise": 0} for level in LEVELS}
    for level, n, n_enterprise in base.values_list("level").annotate(n=Count("pk"), e=Count("pk", filter=enterprise)):
        counts[level] = {"all": n, "enterprise": n_enterprise}
    # The most severe first, then the latest: the rank is computed in the query, so the listed rows are
    # the worst ones however many alarms are open.
    severity = Case(*(When(level=level, then=Value(i)) for i, level in enumerate(LEVELS)), default=Value(-1))

    def worst(queryset) -> list:
        return list(
            queryset.select_related("sensor", "sensor__region", "rule", "sensor__risk_point", "sensor__major_hazard")
            .annotate(severity=severity)
            .order_by("-severity", "-opened_at", "-pk")
            .only(
                *("level", "value", "opened_at", "status", "sensor__name", "sensor__kind", "sensor__unit"),
                *("sensor__region__name", "sensor__station", "rule__kind"),
                *("sensor__risk_point__name", "sensor__major_hazard__name"),
            )[:ALARM_ROWS]
        )

    def row(alarm) -> dict:
        sensor = alarm.sensor
        watched = sensor.risk_point or sensor.major_hazard
        return {
            "level": alarm.level,
            "level_label": LEVEL_LABELS.get(alarm.level, alarm.level),
            "sensor": sensor.name,
            "place": sensor.region.name + (f"·{sensor.station}" if sensor.station else ""),
            "watched": watched.name if watched else "",
            "value": alarm.value_text,
            "opened_at": _local(alarm.opened_at),
            "status": alarm.get_status_display(),
        }

    def section(key: str, chosen: list) -> dict:
        by_level = [
            {"level": level, "label": LEVEL_LABELS[level], "count": counts[level][key]} for level in reversed(LEVELS)
        ]
        return {
            "total": sum(counts[level][key] for level in LEVELS),
            "by_level": by_level,
            "rows": [row(a) for a in chosen],
        }

    return section("all", worst(base)), section("enterprise", worst(base.filter(enterprise)))


def _rainfall(scope: _Scope, now: dt.datetime) -> dict:
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    since24 = hour - dt.timedelta(hours=23)
    # The rollups carry no scope of their own: they are read for the gauges the scope offers.
    gauges = (
        ReadingHourly.objects.filter(
            sensor__in=scope.rows(Sensor, "region").filter(kind="rain_gauge"), hour__gte=since24, hour__lte=hour
        )
        .values("sensor_id", "sensor__region_id", "sensor__name")
        .annotate(h1=Sum("sum", filter=Q(hour=hour)), h24=Sum("sum"))
    )
    townships: dict[str, dict] = {}
    for g in gauges:
        code = township_of(g["sensor__region_id"])
        t = townships.setdefault(code, {"code": code, "h1": 0.0, "h24": 0.0, "h1_gauge": "", "h24_gauge": ""})
        for key in ("h1", "h24"):
            value = g[key] or 0.0
            if value > t[key]:
                t[key], t[f"{key}_gauge"] = value, g["sensor__name"]
    names = dict(Region.objects.filter(code__in=list(townships)).values_list("code", "name"))
    rows = sorted(townships.values(), key=lambda t: (-t["h24"], -t["h1"], t["code"]))
    for t in rows:
        t["township"] = names.get(t.pop("code"), "")
        t["h1_text"], t["h24_text"] = _mm(t["h1"]), _mm(t["h24"])
        t["h1"], t["h24"] = round(t["h1"], 1), round(t["h24"], 1)
    return {
        "hour": _local(hour),
        "rows": rows,
        "max_h1": _mm(max((t["h1"] for t in rows), default=0.0)),
        "max_h24": _mm(max((t["h24"] for t in rows), default=0.0)),
    }


def _warnings(scope: _Scope, now: dt.datetime) -> dict:
    live = list(
        scope.rows(Warning, "region", drill_marked=True)
        .filter(in_force(now))
        .prefetch_related("regions")
        .only("pk", "headline", "event", "level", "expires", "sent")
        .order_by("-sent", "-pk")
    )
    rank = {level: i for i, level in enumerate(LEVELS)}
    live.sort(key=lambda w: -rank.get(w.level, 0))
    rows = [
        {
            "id": w.pk,
            "headline": w.headline,
            "event": w.event,
            "level": w.level,
            "level_label": WARNING_LEVELS.get(w.level, w.level),
            "area": "、".join(r.name for r in sorted(w.regions.all(), key=lambda r: r.code)),
            "sent": _local(w.sent),
            "expires": _local(w.expires),
        }
        for w in live
    ]
    return {"total": len(rows), "rows": rows}


def _incidents(scope: _Scope) -> dict:
    rows = [
        {
            "id": i.pk,
            "number": i.number,
            "title": i.title,
            "kind": i.kind.name,
            "place": i.region.name,
            "status": i.get_status_display(),
            "response_level": i.response_level,
            "response_label": RESPONSE_LABELS.get(i.response_level, "未启动响应"),
        }
        for i in scope.rows(Incident, "region", drill_marked=True)
        .filter(status__in=ACTIVE_INCIDENTS)
        .select_related("kind", "region")
        .order_by("-received_at", "-pk")
    ]
    return {"total": len(rows), "responding": sum(1 for r in rows if r["response_level"]), "rows": rows}


def _hazards(scope: _Scope) -> dict:
    major_open = (
        scope.rows(HiddenHazard, "region")
        .filter(level=HiddenHazard.Level.MAJOR)
        .exclude(status=hazard_workflow.CLOSED)
        .count()
    )
    sources = scope.rows(MajorHazardSource, "region").filter(is_major=True).count()
    return {"major_open": major_open, "major_sources": sources}


def _resources(scope: _Scope) -> dict:
    teams = (
        scope.rows(RescueTeam, "region")
        .filter(readiness=Readiness.READY)
        .aggregate(n=Count("pk"), people=Sum("headcount"))
    )
    shelters = list(
        scope.rows(Shelter, "region")
        .filter(status=Shelter.Status.READY)
        .only("effective_area_m2", "area_per_person_m2")
    )
    return {
        "teams": teams["n"] or 0,
        "team_people": teams["people"] or 0,
        "shelters": len(shelters),
        "shelter_capacity": sum(s.capacity for s in shelters),
    }


def take(*, region_code: str, kind: str, now: dt.datetime | None = None, user=None, exercise=None) -> dict:
    """The situation in `region_code`'s subtree at `now`, as the session of `kind` reads it."""
    now = now or timezone.now()
    scope = _Scope(region_code, user, exercise)
    alarms, enterprise_alarms = _alarms(scope)
    return {
        "taken_at": _local(now),
        "order": SECTION_ORDER.get(kind, SECTION_ORDER["comprehensive"]),
        "alarms": alarms,
        "enterprise_alarms": enterprise_alarms,
        "rainfall": _rainfall(scope, now),
        "warnings": _warnings(scope, now),
        "incidents": _incidents(scope),
        "hazards": _hazards(scope),
        "resources": _resources(scope),
    }


def summary_lines(snapshot: dict) -> list[str]:
    """The situation in sentences, in the session's order (the minutes' 会商时态势 and the page's summary)."""
    lines = []
    for key in snapshot.get("order", []):
        part = snapshot.get(key) or {}
        if key == "rainfall":
            rows = part.get("rows", [])
            if rows:
                top = "；".join(f"{r['township']} 1小时 {r['h1_text']}、24小时 {r['h24_text']}" for r in rows[:3])
                lines.append(f"雨情：近24小时最大 {part['max_h24']}，1小时最大 {part['max_h1']}（{top}）。")
            else:
                lines.append("雨情：近24小时各雨量站无降雨。")
        elif key in ("alarms", "enterprise_alarms"):
            levels = "，".join(f"{b['label']}{b['count']}起" for b in part.get("by_level", []) if b["count"])
            title = "企业监测报警" if key == "enterprise_alarms" else "监测报警"
            lines.append(f"{title}：未解除 {part.get('total', 0)} 起" + (f"（{levels}）" if levels else "") + "。")
        elif key == "warnings":
            rows = part.get("rows", [])
            named = "；".join(f"{r['headline']}（{r['level_label']}，至 {r['expires']}）" for r in rows[:5])
            lines.append(f"生效中的预警 {part.get('total', 0)} 条" + (f"：{named}" if named else "") + "。")
        elif key == "incidents":
            rows = part.get("rows", [])
            named = "；".join(f"{r['title']}（{r['response_label']}）" for r in rows[:5])
            lines.append(f"处置中的突发事件 {part.get('total', 0)} 起" + (f"：{named}" if named else "") + "。")
        elif key == "hazards":
            lines.append(
                f"未销号重大隐患 {part.get('major_open', 0)} 处，"
                f"构成重大危险源的单元 {part.get('major_sources', 0)} 个。"
            )
        elif key == "resources":
            lines.append(
                f"随时待命救援队伍 {part.get('teams', 0)} 支 {part.get('team_people', 0)} 人，"
                f"可启用避难场所 {part.get('shelters', 0)} 处、可容纳 {part.get('shelter_capacity', 0)} 人。"
            )
    return lines
