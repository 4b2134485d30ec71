"""演练场景: a storm → landslide played end to end on the demo county through the real services:

1. the recorded storm is replayed through monitoring ingest (alarms open and rise);
2. the landslide alarm (GNSS/crack, the highest level) is turned into an incident;
3. a red 地质灾害 warning is issued for its township from the standard template;
4. the county starts a Ⅳ-level response and raises it to Ⅲ (the plan's tasks are created);
5. the first report is written from the incident and sent to the city;
6. the nearest teams and an expert are dispatched, supplies allocated from the nearest warehouse that
   holds any, and the teams report en route and on scene;
7. the threatened people are evacuated into the nearest shelters;
8. the disaster statistics: village entries, the township's approved return, an 初报 and a 续报;
9. the housing register and the 过渡期 relief of those households in 公示.
Every step goes through the same services as the pages, so it lands in the timeline and the audit trail.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from anlan.alerts import services as alert_services
from anlan.alerts import wording
from anlan.alerts.models import Warning, WarningTemplate
from anlan.demo import disaster_transfer
from anlan.demo.disaster_registers import add_demo_registers
from anlan.demo.disaster_relief import storm_relief
from anlan.demo.disaster_stats import storm_process
from anlan.incidents import services
from anlan.incidents.models import Incident
from anlan.monitoring.formatting import measured
from anlan.monitoring.models import Alarm
from anlan.monitoring.replay import DEMO_STORM, replay
from anlan.plans.models import IncidentKind
from anlan.resources import nearest
from anlan.resources.models import Expert, RescueTeam, Shelter
from anlan.supplies.models import Stock

LEVEL_ORDER = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}


class ScenarioError(RuntimeError):
    pass


@dataclass
class ScenarioResult:
    incident: Incident | None = None
    warning: Warning | None = None
    alarms: int = 0
    tasks: int = 0
    orders: int = 0
    evacuated: int = 0
    disaster: object = None  # the disasters.DisasterProcess of the storm (灾情统计报送)
    lines: list[str] = field(default_factory=list)


def _landslide_alarm() -> Alarm:
    alarms = list(
        Alarm.objects.exclude(status=Alarm.Status.CLOSED)
        .filter(sensor__kind__in=["gnss", "crack"])
        .select_related("sensor", "sensor__region", "sensor__hazard_site")
    )
    if not alarms:
        raise ScenarioError("重放后没有滑坡位移报警：请在演示县上运行（anlan load-demo）")
    return max(alarms, key=lambda a: (LEVEL_ORDER.get(a.level, 0), a.opened_at))


def play(*, actor, replay_storm: bool = True, say=print) -> ScenarioResult:
    result = ScenarioResult()
    if replay_storm:
        storm = replay(DEMO_STORM)
        result.alarms = storm.alarm_steps
        say(f"1. 重放暴雨 {storm.readings} 条监测数据，报警变化 {storm.alarm_steps} 次")
    alarm = _landslide_alarm()
    sensor = alarm.sensor
    with transaction.atomic():
        incident = _incident(actor, alarm)
    result.incident = incident
    say(f"2. 报警转为事件 {incident.number}：{incident.title}")
    result.warning = _warning(actor, sensor.region)
    services.warning_link(actor=actor, incident=incident, warning=result.warning)
    say(f"3. 签发预警：{result.warning.headline}（{result.warning.identifier}）")
    moved = disaster_transfer.play_transfers(actor, result.warning)
    say(f"3a. 预警启动 {moved['activations']} 处隐患点避险转移，包保责任人已转移 {moved['transferred']} 户")
    tasks = services.response_set(actor=actor, incident=incident, level="IV", reason="滑坡位移红色报警，隐患点受威胁")
    tasks += services.response_set(actor=actor, incident=incident, level="III", reason="现场核实有人员被困，提升响应")
    result.tasks = len(tasks)
    say(f"4. 启动Ⅳ级并提升至Ⅲ级响应，按预案下达任务 {len(tasks)} 项")
    report = services.report_create(
        actor=actor, incident=incident, kind="first", fields=services.report_draft(incident), signed_by="局长"
    )
    services.report_send(actor=actor, report=report, recipients=[("市应急管理局", "system", "市局值班室")])
    say("5. 首报已报市应急管理局")
    result.orders = _dispatch(actor, incident)
    say(f"6. 下达调度指令 {result.orders} 条（队伍、专家、物资），队伍报告在途、到场")
    result.evacuated = _evacuate(actor, incident, sensor)
    say(f"7. 转移安置 {result.evacuated} 人")
    result.disaster = storm_process(
        actor=actor, incident=incident, warning=result.warning, evacuated=result.evacuated, say=say
    )
    # The housing register to match the reported rooms, then the 过渡期 relief of those households in 公示.
    add_demo_registers(result.disaster.name, actor=actor)
    programme = storm_relief(actor=actor, process=result.disaster)
    say(f"9. 倒损住房台账 {result.disaster.damaged_houses.count()} 户，{programme.name}公示中")
    return result


def _incident(actor, alarm: Alarm) -> Incident:
    sensor = alarm.sensor
    site = sensor.hazard_site
    threatened = site.threatened_people if site else 0
    name = site.name if site else sensor.name
    if not name.startswith(sensor.region.name):
        name = sensor.region.name + name
    incident = Incident(
        title=f"{name}险情",
        kind=IncidentKind.objects.get(name="地质灾害"),
        region=sensor.region,
        place=site.name if site else "",
        lon=sensor.lon,
        lat=sensor.lat,
        occurred_at=alarm.opened_at,
        received_at=max(timezone.now(), alarm.opened_at),
        source=Incident.Source.ALARM,
        caller_unit="监测预警系统",
        alarm=alarm,
        description=f"{sensor.name}位移{alarm.get_level_display()}报警"
        f"（峰值 {measured(alarm.peak_value, sensor, alarm.rule)}），"
        f"群测群防员报告坡体出现裂缝、局部垮塌，威胁 {threatened} 人，2 人被困。",
        trapped=2,
        # a threat, graded as a 险情 by the people it forces to move (incidents.grading_geo)
        geo_stage="danger",
        people_to_relocate=threatened,
    )
    return services.incident_create(actor=actor, incident=incident)


def _warning(actor, region) -> Warning:
    template = WarningTemplate.objects.get(event="地质灾害", level="red")
    township = region.parent if region.level == "village" else region
    warning = Warning(region_id=actor.region_id or township.code, **wording.warning_fields(template, township.name))
    warning = alert_services.warning_create(actor=actor, warning=warning, regions=[township])
    alert_services.warning_issue(actor=actor, warning=warning)
    warning.refresh_from_db()
    return warning


def _dispatch(actor, incident: Incident) -> int:
    lon, lat = incident.lon, incident.lat
    orders = []
    for team in nearest.nearest_teams(actor, lon, lat, k=2):
        orders.append(
            services.order_create(
                actor=actor,
                incident=incident,
                kind="team",
                target=RescueTeam.objects.get(pk=team.id),
                instruction=f"立即赶赴{incident.place or incident.region.name}，搜救被困人员",
            )
        )
    for expert in nearest.nearest_experts(actor, lon, lat, k=1):
        orders.append(
            services.order_create(
                actor=actor,
                incident=incident,
                kind="expert",
                target=Expert.objects.get(pk=expert.id),
                instruction="赶赴现场研判滑坡体稳定性",
            )
        )
    warehouses = [w.id for w in nearest.nearest_warehouses(actor, lon, lat, k=5)]
    stock = Stock.objects.filter(warehouse_id__in=warehouses, quantity__gte=10).select_related("warehouse", "item")
    chosen = min(stock, key=lambda s: warehouses.index(s.warehouse_id), default=None)
    if chosen is not None:
        orders.append(
            services.order_create(
                actor=actor,
                incident=incident,
                kind="supplies",
                target=chosen.warehouse,
                item=chosen.item,
                quantity=10,
                instruction=f"调拨至{incident.region.name}安置点",
            )
        )
    for order in orders:
        if order.kind != "team":
            continue
        services.order_read(actor=f"{order.assignee_name}（现场）", order=order)
        services.order_progress(actor=f"{order.assignee_name}（现场）", order=order, status="accepted")
        mid_lon = (order.last_lon + lon) / 2 if order.last_lon is not None else lon
        mid_lat = (order.last_lat + lat) / 2 if order.last_lat is not None else lat
        services.order_progress(actor=order.assignee_name, order=order, status="en_route", lon=mid_lon, lat=mid_lat)
    if orders and orders[0].kind == "team":
        services.order_progress(
            actor=orders[0].assignee_name,
            order=orders[0],
            status="on_scene",
            note="已到达现场，开始搜救",
            lon=lon,
            lat=lat,
        )
    return len(orders)


def _evacuate(actor, incident: Incident, sensor) -> int:
    site = sensor.hazard_site
    remaining = max(site.threatened_people if site else 20, 1)
    moved = 0
    for option in nearest.nearest_shelters(actor, incident.lon, incident.lat, k=5):
        if remaining <= 0:
            break
        people = min(remaining, option.detail["free"])
        services.evacuate(
            actor=actor,
            incident=incident,
            shelter=Shelter.objects.get(pk=option.id),
            people=people,
            from_region=incident.region,
            household="受威胁群众",
        )
        moved += people
        remaining -= people
    return moved
