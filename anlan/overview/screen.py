"""综合态势: the figures of the command centre's big screen, in the user's scope.

Every figure is read through the other apps' models and selectors with `restrict(user)` and aggregated in
SQL; the number of queries is fixed whatever the row counts (tests/overview/test_screen.py counts them).
Each panel carries the link of the page it summarises, and its numbers are the ones that page (or the
list it filters) shows: open alarms = the alarm list filtered 报警中, overdue hazards = the hazard list
filtered 逾期, teams ready = the team list filtered 随时待命.

Who may open it (SCREEN_ROLES): the county roles and the viewer (the command centre's wall), and township
officers for their own township (their 值班室 runs the same picture of their area). Not offered to
department operators — their scope is one sector, and a partial picture under the name 综合态势 would
mislead; their 工作台 lists their work —, nor to village workers, enterprises and team leaders, whose
scope is their own rows and who work on phones.
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.urls import reverse
from django.utils import timezone

from anlan.alerts import filters as warning_filters
from anlan.alerts import selectors as warning_selectors
from anlan.alerts.models import Warning
from anlan.core import charts
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.geo.models import Region, RegionLevel
from anlan.hazards import stats as hazard_stats
from anlan.incidents.models import DispatchOrder, Incident
from anlan.monitoring import selectors as monitoring_selectors
from anlan.monitoring.models import Alarm, ReadingHourly, Sensor
from anlan.resources.models import Readiness, RescueTeam, Shelter, capacity_for
from anlan.resources.services import occupancy_expression
from anlan.risk import regional
from anlan.sites.models import HazardSite
from anlan.supplies import services as supplies_services

SCREEN_ROLES = frozenset({*COUNTY_ROLES, Role.VIEWER, Role.TOWNSHIP_OPERATOR})
REFRESH_SECONDS = 30
WARNING_DAYS = 30  # the period of the warnings panel
RAIN_TOP = 10
RISK_TOP = 10
SUPPLY_DAYS = 7  # days of basic living the supplies panel measures against the norms
ACTIVE_INCIDENTS = (Incident.Status.RECEIVED, Incident.Status.RESPONDING)
# Teams "on the move": dispatched and not yet done (on scene still counts: they are out, not at base).
MOVING_ORDERS = (
    DispatchOrder.Status.SENT,
    DispatchOrder.Status.READ,
    DispatchOrder.Status.ACCEPTED,
    DispatchOrder.Status.EN_ROUTE,
    DispatchOrder.Status.ON_SCENE,
    DispatchOrder.Status.RETURNED,  # its field report sent back for rework: the team is still out
)
INCIDENT_COLOUR = "#ff4d4f"
ORDER_COLOURS = {"sent": "#9aa5b1", "read": "#9aa5b1", "accepted": "#40a9ff", "en_route": "#13c2c2"}
ORDER_COLOURS["on_scene"] = "#52c41a"
ORDER_COLOURS["returned"] = "#faad14"


def may_open(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and (user.is_superuser or getattr(user, "role", "") in SCREEN_ROLES)
    )


def _point(lon, lat, **properties) -> dict:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": properties}


def _collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- the map's live layers


def open_alarms(user) -> list[Alarm]:
    """Alarms not yet cleared (报警中 and 已确认: the reading is still over the line), as the alarm list's
    `open=true` shows them and the 工作台 and situation API count them: one query."""
    qs = Alarm.objects.restrict(user).real().exclude(status=Alarm.Status.CLOSED)
    return list(monitoring_selectors.alarms(qs).order_by("-opened_at"))


def alarm_features(alarms: list[Alarm]) -> list[dict]:
    return [
        _point(
            a.sensor.lon,
            a.sensor.lat,
            name=a.sensor.name,
            level=a.level,
            colour=charts.LEVEL_COLOURS[a.level],
            text=f"{charts.LEVEL_NAMES[a.level]}报警 · {a.value_text} · {timezone.localtime(a.opened_at):%m-%d %H:%M}",
            url=reverse("monitoring:alarm_detail", args=[a.pk]),
        )
        for a in alarms
    ]


def warnings_in_force(user, now: dt.datetime) -> dict:
    """Issued warnings not yet expired ({"count", "features"}), with their target area as polygons: the
    boundary of each region chosen (its subtree is what alerts.services.area_codes reaches) and the drawn
    polygon. Two queries."""
    rows = list(
        Warning.objects.restrict(user)
        .real()
        .filter(warning_filters.in_force(now))
        .order_by("-sent")
        .values("pk", "headline", "level", "polygon", "expires")
    )
    areas: dict[int, list[tuple[str, dict]]] = {}
    for warning_id, name, boundary in (
        Warning.regions.through.objects.filter(warning_id__in=[r["pk"] for r in rows], region__boundary__isnull=False)
        .order_by("region_id")
        .values_list("warning_id", "region__name", "region__boundary")
    ):
        areas.setdefault(warning_id, []).append((name, boundary))
    features = []
    for row in rows:
        properties = {
            "name": row["headline"],
            "level": row["level"],
            "colour": charts.LEVEL_COLOURS[row["level"]],
            "url": reverse("alerts:warning_detail", args=[row["pk"]]),
            "text": f"{charts.LEVEL_NAMES[row['level']]}预警 · 有效至 {timezone.localtime(row['expires']):%m-%d %H:%M}",
        }
        shapes = list(areas.get(row["pk"], []))
        if row["polygon"]:
            shapes.append(("绘制范围", row["polygon"]))
        for area_name, geometry in shapes:
            if geometry.get("type") == "Feature":  # a drawn polygon may be stored as a whole Feature
                geometry = geometry["geometry"]
            features.append({"type": "Feature", "geometry": geometry, "properties": {**properties, "area": area_name}})
    return {"count": len(rows), "features": features}


def active_incidents(user) -> list[dict]:
    rows = (
        Incident.objects.restrict(user)
        .real()
        .filter(status__in=ACTIVE_INCIDENTS)
        .order_by("-received_at")
        .values("pk", "title", "lon", "lat", "status", "level", "kind__name", "region__name", "received_at")
    )
    return list(rows)


def incident_features(incidents: list[dict]) -> list[dict]:
    labels = dict(Incident.Status.choices)
    return [
        _point(
            row["lon"],
            row["lat"],
            name=row["title"],
            colour=INCIDENT_COLOUR,
            text=f"{row['kind__name']} · {row['region__name']} · {labels[row['status']]}",
            url=reverse("incidents:workspace", args=[row["pk"]]),
        )
        for row in incidents
        if row["lon"] is not None and row["lat"] is not None
    ]


def moving_teams(user) -> list[dict]:
    """Teams dispatched to the user's incidents and not yet done, at their last reported position (the field
    page's) or else at their base. One query."""
    return list(
        DispatchOrder.objects.filter(
            kind=DispatchOrder.Kind.TEAM,
            status__in=MOVING_ORDERS,
            incident__in=Incident.objects.restrict(user).real(),
            incident__status__in=ACTIVE_INCIDENTS,  # as the 调度指令 list's `open` filter counts them
        )
        .order_by("-sent_at")
        .values(
            "pk",
            "status",
            "last_lon",
            "last_lat",
            "team_id",
            "team__name",
            "team__lon",
            "team__lat",
            "incident_id",
            "incident__title",
        )
    )


def team_features(orders: list[dict]) -> list[dict]:
    labels = dict(DispatchOrder.Status.choices)
    features = []
    for row in orders:
        reported = row["last_lon"] is not None and row["last_lat"] is not None
        lon, lat = (row["last_lon"], row["last_lat"]) if reported else (row["team__lon"], row["team__lat"])
        features.append(
            _point(
                lon,
                lat,
                name=row["team__name"],
                colour=ORDER_COLOURS.get(row["status"], "#9aa5b1"),
                text=f"{labels[row['status']]} · {row['incident__title']}" + ("" if reported else " · 驻地位置"),
                url=reverse("incidents:command_map", args=[row["incident_id"]]),
            )
        )
    return features


# ---------------------------------------------------------------- panels


def alarms_24h(user, now: dt.datetime) -> dict:
    """Alarms raised per hour over the last 24 hours by level (stacked): one GROUP BY query."""
    end = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    hours = [end - dt.timedelta(hours=back) for back in range(23, -1, -1)]
    rows = (
        Alarm.objects.restrict(user)
        .real()
        .order_by()
        .filter(opened_at__gte=hours[0])
        .annotate(hour=TruncHour("opened_at"))
        .values("hour", "level")
        .annotate(n=Count("pk"))
        .values_list("hour", "level", "n")
    )
    counts = {(f"{timezone.localtime(hour):%H}:00", level): n for hour, level, n in rows}
    labels = [f"{hour:%H}:00" for hour in hours]
    return charts.chart("bar", labels, charts.level_series(counts, labels), unit="次", empty="近 24 小时没有报警")


def rainfall_top(user, now: dt.datetime) -> dict:
    """The rain gauges with the most rain over 24 hours, with their 1 h, 3 h and 24 h totals in mm.

    From the hourly rollups (ReadingHourly, one row per gauge and clock hour): "1 h" is the current clock
    hour so far, "3 h" it and the two before, "24 h" it and the 23 before — whole buckets, so the panel
    reads 24 rows per gauge rather than every reading. One query."""
    hour = timezone.localtime(now).replace(minute=0, second=0, microsecond=0)
    since = {n: hour - dt.timedelta(hours=n - 1) for n in (1, 3, 24)}
    gauges = Sensor.objects.restrict(user).filter(kind="rain_gauge")
    rows = list(
        ReadingHourly.objects.filter(sensor__in=gauges, hour__gte=since[24])
        .values("sensor_id", "sensor__name")
        .annotate(
            h1=Sum("sum", filter=Q(hour__gte=since[1])),
            h3=Sum("sum", filter=Q(hour__gte=since[3])),
            h24=Sum("sum"),
        )
        .filter(h24__gt=0)
        .order_by("-h24", "sensor__name")[:RAIN_TOP]
    )

    def mm(value) -> float:
        return round(value or 0.0, 1)

    return charts.chart(
        "hbar",
        [row["sensor__name"] for row in rows],
        [
            charts.series("1 小时", [mm(row["h1"]) for row in rows], colour="#91d5ff"),
            charts.series("3 小时", [mm(row["h3"]) for row in rows], colour="#40a9ff"),
            charts.series("24 小时", [mm(row["h24"]) for row in rows], colour="#1d39c4"),
        ],
        unit="mm",
        empty="近 24 小时各雨量站无降雨",
    )


def warnings_issued(user, now: dt.datetime, in_force: int) -> dict:
    """Warnings issued over the last WARNING_DAYS days by level, the people they reached and the 叫应率:
    two queries (the warnings, then their deliveries grouped per warning)."""
    since = now - dt.timedelta(days=WARNING_DAYS)
    rows = list(
        warning_selectors.issued(Warning.objects.restrict(user).real().order_by(), since).values_list("pk", "level")
    )
    reach = warning_selectors.reach_by_warning([pk for pk, _ in rows])
    totals = {
        key: sum(r[key] for r in reach.values()) for key in ("targeted", "reached", "responsible", "acknowledged")
    }
    by_level = {level: sum(1 for _, lv in rows if lv == level) for level in charts.LEVELS}
    return {
        "issued": len(rows),
        "in_force": in_force,
        "targeted": totals["targeted"],
        "reached": totals["reached"],
        "responsible": totals["responsible"],
        "acknowledged": totals["acknowledged"],
        "ack_rate": warning_selectors.ack_rate(totals["acknowledged"], totals["responsible"]),
        "chart": charts.chart(
            "bar",
            [charts.LEVEL_NAMES[level] for level in charts.LEVELS],
            [
                charts.series(
                    "发布",
                    [{"value": by_level[level], "colour": charts.LEVEL_COLOURS[level]} for level in charts.LEVELS],
                )
            ],
            unit="条",
            empty=f"近 {WARNING_DAYS} 天没有发布预警",
        ),
    }


def hazards_panel(user, today: dt.date) -> dict:
    overdue = hazard_stats.overdue_by_township(user, today=today)
    return {
        "trend": hazard_stats.closure_trend(user, today=today),
        "overdue_total": sum(n for _, _, n in overdue),
        "overdue": charts.chart(
            "hbar",
            [name for _, name, _ in overdue[:8]],
            [charts.series("逾期未销号", [n for _, _, n in overdue[:8]], colour="#e02020")],
            unit="项",
            empty="没有逾期未销号的隐患",
        ),
    }


def resources_panel(user, region_code: str) -> dict:
    """Teams ready of all (one query), shelters' capacity and people present (one query), and supplies
    against the norms for the people the active hazard sites threaten over SUPPLY_DAYS days (three)."""
    teams = RescueTeam.objects.restrict(user).aggregate(
        total=Count("pk"),
        ready=Count("pk", filter=Q(readiness=Readiness.READY)),
        deployed=Count("pk", filter=Q(readiness=Readiness.DEPLOYED)),
        people=Sum("headcount", filter=Q(readiness=Readiness.READY)),
    )
    shelters = list(
        Shelter.objects.restrict(user)
        .values("pk", "effective_area_m2", "area_per_person_m2")
        .annotate(present=occupancy_expression())
    )
    capacity = sum(
        capacity_for(s["effective_area_m2"], s["area_per_person_m2"])
        for s in shelters
        if s["effective_area_m2"] and s["area_per_person_m2"]
    )
    present = sum(s["present"] for s in shelters)
    threatened = (
        HazardSite.objects.restrict(user)
        .filter(status=HazardSite.Status.ACTIVE)
        .aggregate(n=Sum("threatened_people"))["n"]
        or 0
    )
    population = max(threatened, 1)
    rows = supplies_services.adequacy(user, region_code=region_code, population=population, days=SUPPLY_DAYS)
    coverage = sorted(
        (
            (row.item.name, min(100.0, round(float(row.available) * 100 / row.need, 1)) if row.need else 100.0)
            for row in rows
        ),
        key=lambda item: (item[1], item[0]),
    )
    adequate = sum(1 for _, pct in coverage if pct >= 100)
    return {
        "teams_total": teams["total"],
        "teams_ready": teams["ready"],
        "teams_deployed": teams["deployed"],
        "team_people_ready": teams["people"] or 0,
        "shelters": len(shelters),
        "shelter_capacity": capacity,
        "shelter_present": present,
        "supply_population": threatened,
        "supply_days": SUPPLY_DAYS,
        "supply_items": len(coverage),
        "supply_adequate": adequate,
        "chart": charts.chart(
            "hbar",
            [name for name, _ in coverage[:8]],
            [
                charts.series(
                    "保障率",
                    [
                        {"value": pct, "colour": "#52c41a" if pct >= 100 else "#faad14" if pct >= 60 else "#e02020"}
                        for _, pct in coverage[:8]
                    ],
                )
            ],
            unit="%",
            empty="未设置物资储备标准",
        ),
        "adequacy_url": reverse("supplies:adequacy")
        + f"?region={region_code}&population={population}&days={SUPPLY_DAYS}",
    }


def risk_panel(user) -> dict:
    level = RegionLevel.TOWNSHIP if _is_county_wide(user) else RegionLevel.VILLAGE
    rows = regional.regional_risk(user, level)
    return {"level": level, "chart": regional.ranking_chart(rows, limit=RISK_TOP)}


def _is_county_wide(user) -> bool:
    return user.is_superuser or getattr(user, "role", "") != Role.TOWNSHIP_OPERATOR


def _home_region(user) -> Region | None:
    """The region the screen is about: the user's own, or the first county for a superuser without one."""
    if getattr(user, "region_id", None):
        return Region.objects.filter(pk=user.region_id).only("code", "name").first()
    return Region.objects.filter(level=RegionLevel.COUNTY).only("code", "name").order_by("code").first()


# ---------------------------------------------------------------- the whole screen


def screen_data(user, *, now: dt.datetime | None = None) -> dict:
    """Everything the screen shows, in one document (the data endpoint polled every REFRESH_SECONDS)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    region = _home_region(user)
    alarms = open_alarms(user)
    warnings = warnings_in_force(user, now)
    incidents = active_incidents(user)
    orders = moving_teams(user)
    alarms_open = dict.fromkeys(charts.LEVELS, 0)
    for alarm in alarms:
        alarms_open[alarm.level] += 1
    warning_figures = warnings_issued(user, now, warnings["count"])
    hazards = hazards_panel(user, today)
    resources = resources_panel(user, region.code if region else "")
    teams_moving = len({o["team_id"] for o in orders})
    resources["teams_moving"] = teams_moving
    risk = risk_panel(user)
    return {
        "at": timezone.localtime(now).isoformat(timespec="seconds"),
        "region": {"code": region.code, "name": region.name} if region else None,
        "refresh_seconds": REFRESH_SECONDS,
        "kpis": [
            _kpi(
                "报警中",
                sum(alarms_open.values()),
                "条",
                _list_url("monitoring:alarm_list", open="true"),
                alert=alarms_open["red"] + alarms_open["orange"] > 0,
            ),
            _kpi("生效预警", warnings["count"], "条", _list_url("alerts:warning_list", in_force="true")),
            _kpi(
                "处置中事件",
                len(incidents),
                "起",
                _list_url("incidents:incident_list", active="true"),
                alert=bool(incidents),
            ),
            # Counted as the 调度指令 list it opens counts: team orders still out (队次; one team may be out twice).
            _kpi("出动队伍", len(orders), "队次", _list_url("incidents:dispatchorder_list", open="true", kind="team")),
            _kpi(
                "逾期隐患",
                hazards["overdue_total"],
                "项",
                _list_url("hazards:hiddenhazard_list", overdue="true"),
                alert=hazards["overdue_total"] > 0,
            ),
        ],
        "alarms_open": alarms_open,
        "layers": {
            "alarms": _collection(alarm_features(alarms)),
            "warnings": _collection(warnings["features"]),
            "incidents": _collection(incident_features(incidents)),
            "teams": _collection(team_features(orders)),
        },
        "panels": {
            "alarms": {"url": _list_url("monitoring:alarm_list"), "chart": alarms_24h(user, now)},
            "rain": {"url": _list_url("monitoring:sensor_list", kind="rain_gauge"), "chart": rainfall_top(user, now)},
            "warnings": {"url": _list_url("alerts:warning_list"), "days": WARNING_DAYS, **warning_figures},
            "hazards": {"url": reverse("hazards:stats"), **hazards},
            "resources": {"url": _list_url("resources:rescueteam_list"), **resources},
            "risk": {"url": reverse("risk:index") + f"?level={risk['level']}", "chart": risk["chart"]},
        },
    }


def _kpi(label: str, value: int, unit: str, url: str, *, alert: bool = False) -> dict:
    return {"label": label, "value": value, "unit": unit, "url": url, "alert": alert}


def _list_url(name: str, **query) -> str:
    from urllib.parse import urlencode

    return reverse(name) + (f"?{urlencode(query)}" if query else "")
