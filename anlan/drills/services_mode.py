"""Drill mode (演练模式 / 模拟推演): a tabletop drill plays the real system inside a sandbox.

Starting drill mode creates the drill's `core.Exercise` and starts the facilitator's clock (scenario minute 0).
The drill's injects (DrillInject, the facilitator's script) fire in order when their minute has come — by
the facilitator's button or by the periodic job `演练推演时钟` — and each goes through the real service of its
kind with the exercise set:

- alarm: `monitoring.services.alarm_open_drill` opens an alarm on the sensor's rule, marked with the
  exercise, without writing a reading (the sensor's data, live status and statistics stay real; the engine
  reads real open alarms only, so it never confuses a drill's alarm with a real one of the same sensor);
- warning: `alerts.services.warning_create` + `warning_issue` from the standard template, marked;
- incident: `incidents.services.incident_create`, marked (numbered YL…, not SJ…);
- message: a 情况通报 notice.

What the sandbox sends goes through notify, which delivers a notice of an exercise only to the drill's
participants and only in-app (notify.recipients.enqueue_exercise, outbox.SANDBOXED): never SMS, voice,
broadcast, work groups, residents or subscribers. Every marked record carries the 演练 badge, and lists,
counts, maps, statistics and public feeds leave it out (`.real()`, core.filters).

Ending drill mode stops the clock and closes the drill's open alarms, warnings and incidents (each audited)
— they are kept for the review and the evaluation form.
"""

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.alerts import services as alert_services
from anlan.alerts import wording
from anlan.alerts.models import Warning, WarningTemplate
from anlan.core.audit import actor_name, audit_record
from anlan.core.errors import DomainError
from anlan.core.models import Exercise
from anlan.core.regioncodes import county_of, region_prefix
from anlan.core.roles import COUNTY_ROLES
from anlan.geo.models import Region
from anlan.incidents import services as incident_services
from anlan.incidents.models import Incident
from anlan.monitoring import engine
from anlan.monitoring import services as monitoring_services
from anlan.monitoring.models import LEVELS, Alarm, Rule, Sensor
from anlan.monitoring.replay import DEMO_STORM, read
from anlan.notify import recipients
from anlan.notify.models import Notice, NoticeText
from anlan.plans.models import IncidentKind

from .models import Drill, DrillInject, DrillLogEntry

log = logging.getLogger(__name__)

CLOCK_JOB = "演练推演时钟"
CLOCK_ACTOR = "推演时钟"
LEVEL_NAMES = {"blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
# The storm lasts 480 minutes; played 8 times faster it fits a one-hour tabletop session.
STORM_SPEED = 8
STORM_LEVELS = ("orange", "red")  # the alarms a desk acts on (monitoring.services.alarms.DESK_LEVELS)


# ---------------------------------------------------------------- who takes part


def participant_ids(exercise_id: int) -> list[int]:
    """The users a notice of this exercise reaches (registered with notify at ready())."""
    return list(
        Drill.participants.through.objects.filter(drill__exercise_id=exercise_id).values_list("user_id", flat=True)
    )


def register() -> None:
    from anlan.core.schedule import register_periodic_job

    recipients.register_exercise_audience(participant_ids)
    register_periodic_job(CLOCK_JOB, fire_due_job, seconds=60)


# ---------------------------------------------------------------- the clock


def running(drill: Drill) -> bool:
    return bool(drill.exercise_id and drill.exercise.ended_at is None)


def elapsed_minutes(exercise: Exercise, now: dt.datetime | None = None) -> float:
    """Minutes on the facilitator's clock (frozen at the end)."""
    if not exercise or not exercise.clock_started_at:
        return 0.0
    until = exercise.ended_at or now or timezone.now()
    return max((until - exercise.clock_started_at).total_seconds() / 60, 0.0)


def due_injects(drill: Drill, now: dt.datetime | None = None) -> list[DrillInject]:
    """Injects not yet fired whose minute has come, in script order."""
    if not running(drill):
        return []
    minutes = elapsed_minutes(drill.exercise, now)
    return list(
        drill.injects.filter(fired_at__isnull=True, offset_minutes__lte=minutes).order_by("offset_minutes", "pk")
    )


def evaluate_url(drill: Drill) -> str:
    """The drill's evaluation form (views_drills), where the facilitator goes when the drill ends."""
    return reverse("drills:drill_evaluate", kwargs={"pk": drill.pk})


# ---------------------------------------------------------------- start and end


def _may_run(actor, drill: Drill) -> None:
    from .services_drills import may_change

    if not may_change(actor, drill):
        raise DomainError("drill.not_allowed", "只有组织本次演练的单位可以主持推演", status=403)


@transaction.atomic
def mode_start(*, actor, drill: Drill, participants=None, now: dt.datetime | None = None) -> Exercise:
    """进入演练模式: the sandbox and the clock. `participants` (users) replace the drill's when given; the
    facilitator always takes part (someone must receive what the sandbox sends)."""
    _may_run(actor, drill)
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if drill.form != Drill.Form.TABLETOP:
        raise DomainError("drill.mode_tabletop", "只有桌面演练可以进入演练模式（模拟推演）")
    if drill.exercise_id:
        raise DomainError("drill.mode_used", "本次演练已进行过模拟推演，不能再次开始")
    if drill.status not in (Drill.Status.PLANNED, Drill.Status.RUNNING):
        raise DomainError("drill.mode_status", f"演练状态为“{drill.get_status_display()}”，不能开始推演")
    now = now or timezone.now()
    exercise = Exercise.objects.create(name=drill.title[:200], started_at=now, clock_started_at=now)
    drill.exercise, drill.status = exercise, Drill.Status.RUNNING
    drill.held_on = drill.held_on or timezone.localdate(now)
    drill.save(update_fields=["exercise", "status", "held_on", "updated_at"])
    if participants is not None:
        drill.participants.set(participants)
    if getattr(actor, "pk", None):
        drill.participants.add(actor)
    _log(drill, f"进入演练模式，推演时钟开始（参演 {drill.participants.count()} 人）", actor, now)
    audit_record(
        action="drill_mode_start",
        obj=drill,
        actor=actor,
        after={"exercise": exercise.pk, "participants": sorted(drill.participants.values_list("pk", flat=True))},
    )
    _tell(exercise, f"演练开始：{drill.title}", "模拟推演已开始，推演中的预警、报警和事件均标注“演练”。", drill)
    return exercise


@transaction.atomic
def mode_end(*, actor, drill: Drill, now: dt.datetime | None = None) -> dict:
    """结束推演: stop the clock; close the sandbox's open alarms, warnings and incidents (audited, kept)."""
    _may_run(actor, drill)
    drill = Drill.objects.select_for_update().get(pk=drill.pk)
    if not running(drill):
        raise DomainError("drill.mode_not_running", "本次演练不在推演中")
    now = now or timezone.now()
    exercise = drill.exercise
    closed = {"alarms": 0, "warnings": 0, "incidents": 0}
    for alarm in Alarm.objects.of_exercise(exercise).exclude(status=Alarm.Status.CLOSED):
        monitoring_services.alarm_close_drill(actor=actor, alarm=alarm, at=now)
        closed["alarms"] += 1
    live = [Warning.Status.DRAFT, Warning.Status.REVIEW, Warning.Status.ISSUED]
    for warning in Warning.objects.of_exercise(exercise).filter(status__in=live):
        alert_services.warning_end_drill(actor=actor, warning=warning)
        closed["warnings"] += 1
    for incident in Incident.objects.of_exercise(exercise).filter(
        status__in=[Incident.Status.RECEIVED, Incident.Status.RESPONDING]
    ):
        incident_services.incident_end_drill(actor=actor, incident=incident, at=now)
        closed["incidents"] += 1
    Exercise.objects.filter(pk=exercise.pk).update(ended_at=now)
    exercise.ended_at = now
    Drill.objects.filter(pk=drill.pk).update(status=Drill.Status.HELD, updated_at=now)
    unfired = drill.injects.filter(fired_at__isnull=True).count()
    _log(
        drill,
        f"结束推演：解除报警 {closed['alarms']} 条、关闭预警 {closed['warnings']} 条、结束事件 {closed['incidents']} 起"
        + (f"，{unfired} 条注入未执行" if unfired else ""),
        actor,
        now,
    )
    audit_record(action="drill_mode_end", obj=drill, actor=actor, after={**closed, "unfired": unfired})
    _tell(exercise, f"演练结束：{drill.title}", "模拟推演已结束，请按要求填写演练评估。", drill)
    return closed


# ---------------------------------------------------------------- injects


INJECT_FIELDS = {
    DrillInject.Kind.ALARM: ("sensor", "level"),
    DrillInject.Kind.WARNING: ("event", "level", "region"),
    DrillInject.Kind.INCIDENT: ("title", "kind", "region"),
    DrillInject.Kind.MESSAGE: ("text",),
}


def clean_payload(kind: str, payload: dict, drill: Drill | None = None) -> dict:
    """The payload an inject of `kind` needs, checked now (a script that cannot fire is refused when
    written, not at minute 40 of the drill). Raises DomainError naming the field. With the drill, a region
    or sensor must lie in the drill's county: a sandbox never places records in another county."""
    if kind not in INJECT_FIELDS:
        raise DomainError("inject.kind", "注入类别无效", field="kind")
    payload = {k: v for k, v in (payload or {}).items() if v not in (None, "")}
    for name in INJECT_FIELDS[kind]:
        if name not in payload:
            raise DomainError("inject.payload", f"请填写“{PAYLOAD_LABELS[name]}”", field=name)
    if "level" in payload and payload["level"] not in LEVELS:
        raise DomainError("inject.level", "级别应为蓝色、黄色、橙色或红色", field="level")
    if kind == DrillInject.Kind.ALARM and not Sensor.objects.filter(code=payload["sensor"]).exists():
        raise DomainError("inject.sensor", f"没有编码为“{payload['sensor']}”的监测设备", field="sensor")
    if (
        kind == DrillInject.Kind.WARNING
        and not WarningTemplate.objects.filter(event=payload["event"], level=payload["level"]).exists()
    ):
        raise DomainError("inject.template", f"没有“{payload['event']}”该级别的预警模板", field="event")
    if kind == DrillInject.Kind.INCIDENT and not IncidentKind.objects.filter(name=payload["kind"]).exists():
        raise DomainError("inject.incident_kind", f"没有事件类型“{payload['kind']}”", field="kind")
    if "region" in payload and not Region.objects.filter(code=payload["region"]).exists():
        raise DomainError("inject.region", f"区划代码“{payload['region']}”不存在", field="region")
    if drill is not None:
        _check_within(drill, kind, payload)
    if "value" in payload:
        try:
            payload["value"] = float(payload["value"])
        except (TypeError, ValueError):
            raise DomainError("inject.value", "触发值应为数字", field="value") from None
    return payload


PAYLOAD_LABELS = {
    "sensor": "设备编码",
    "level": "级别",
    "value": "触发值",
    "event": "预警事件",
    "region": "区划",
    "title": "事件标题",
    "kind": "事件类型",
    "text": "通报内容",
}


def _check_within(drill: Drill, kind: str, payload: dict) -> None:
    prefix = region_prefix(county_of(drill.region_id))
    if "region" in payload and not str(payload["region"]).startswith(prefix):
        raise DomainError("inject.region_outside", "演练只能在本县范围内注入", field="region")
    if kind == DrillInject.Kind.ALARM:
        sensor_region = Sensor.objects.filter(code=payload["sensor"]).values_list("region_id", flat=True).first()
        if not str(sensor_region or "").startswith(prefix):
            raise DomainError("inject.sensor_outside", "演练只能使用本县的监测设备", field="sensor")


@transaction.atomic
def inject_add(*, actor, drill: Drill, offset_minutes: int, kind: str, title: str, payload: dict) -> DrillInject:
    _may_run(actor, drill)
    if drill.exercise_id and drill.exercise.ended_at:
        raise DomainError("drill.mode_ended", "推演已结束，不能再添加注入")
    if offset_minutes is None or int(offset_minutes) < 0:
        raise DomainError("inject.offset", "推演时刻应为不小于 0 的分钟数", field="offset_minutes")
    if not (title or "").strip():
        raise DomainError("inject.title", "请填写说明", field="title")
    inject = DrillInject.objects.create(
        drill=drill,
        offset_minutes=int(offset_minutes),
        kind=kind,
        title=title.strip()[:200],
        payload=clean_payload(kind, payload, drill),
    )
    audit_record(action="drill_inject_add", obj=drill, actor=actor, after={"inject": inject.pk, "title": inject.title})
    return inject


@transaction.atomic
def inject_fire(*, actor, inject: DrillInject, now: dt.datetime | None = None) -> DrillInject:
    """Play one inject through its kind's real service inside the sandbox. A failure (a sensor without
    rules, nobody who may 签发) is recorded as the inject's result and the script goes on."""
    inject = (
        DrillInject.objects.select_for_update(of=("self",)).select_related("drill", "drill__exercise").get(pk=inject.pk)
    )
    drill = inject.drill
    if actor != CLOCK_ACTOR:
        _may_run(actor, drill)  # the facilitator's button; the clock's job fires for every running drill
    if not running(drill):
        raise DomainError("drill.mode_not_running", "本次演练不在推演中")
    if inject.fired_at:
        return inject
    now = now or timezone.now()
    try:
        with transaction.atomic():
            inject.result = PLAYERS[inject.kind](actor, drill, inject, now)
    except DomainError as exc:
        inject.result = f"未执行：{exc.message}"[:300]
    inject.fired_at = now
    inject.save(update_fields=["fired_at", "result"])
    audit_record(
        action="drill_inject_fire", obj=drill, actor=actor, after={"inject": inject.pk, "result": inject.result}
    )
    _log(
        drill,
        f"第 {inject.offset_minutes} 分钟 {inject.get_kind_display()}：{inject.title}（{inject.result}）",
        actor,
        now,
    )
    return inject


def fire_due(*, actor, drill: Drill, now: dt.datetime | None = None) -> list[DrillInject]:
    """Fire every due inject of the drill in script order; returns them."""
    now = now or timezone.now()
    return [inject_fire(actor=actor, inject=inject, now=now) for inject in due_injects(drill, now)]


def fire_due_job(now: dt.datetime | None = None) -> str:
    """The periodic job: every running drill's due injects, by the clock."""
    now = now or timezone.now()
    fired = 0
    for drill in Drill.objects.filter(exercise__isnull=False, exercise__ended_at__isnull=True).select_related(
        "exercise"
    ):
        try:
            fired += len(fire_due(actor=CLOCK_ACTOR, drill=drill, now=now))
        except Exception:
            log.exception("drill %s: injects failed", drill.pk)
    return f"注入 {fired} 条"


def _issuer(actor, drill: Drill):
    """Who signs a drill's warning: the actor when a county role, else a participant with one, else an
    active county user of the drill's county (the clock is no person)."""
    if getattr(actor, "role", None) in COUNTY_ROLES:
        return actor
    participant = drill.participants.filter(is_active=True, role__in=COUNTY_ROLES).order_by("pk").first()
    if participant:
        return participant
    user = User.objects.filter(is_active=True, role__in=COUNTY_ROLES, region_id=county_of(drill.region_id))
    user = user.order_by("pk").first()
    if user is None:
        raise DomainError("drill.no_issuer", "参演人员中没有县级签发人员，不能发布演练预警")
    return user


def _play_alarm(actor, drill, inject, now) -> str:
    p = inject.payload
    sensor = Sensor.objects.select_related("region").get(code=p["sensor"])
    alarm = monitoring_services.alarm_open_drill(
        actor=actor, exercise=drill.exercise, sensor=sensor, level=p["level"], value=p.get("value"), at=now
    )
    title = f"【演练】{LEVEL_NAMES[alarm.level]}报警：{sensor.name}（{sensor.region.name}）"
    _tell(drill.exercise, title, f"触发值 {alarm.value_text}。", drill, topic=f"alarm:{alarm.pk}:{alarm.level}")
    return f"报警 #{alarm.pk} {LEVEL_NAMES[alarm.level]}"


def _play_warning(actor, drill, inject, now) -> str:
    p = inject.payload
    template = WarningTemplate.objects.get(event=p["event"], level=p["level"])
    area = Region.objects.get(code=p["region"])
    issuer = _issuer(actor, drill)
    fields = wording.warning_fields(template, area.name)
    fields["headline"] = f"【演练】{fields['headline']}"[:200]
    warning = Warning(region_id=issuer.region_id or county_of(area.code), exercise=drill.exercise, **fields)
    warning = alert_services.warning_create(actor=issuer, warning=warning, regions=[area])
    summary = alert_services.warning_issue(actor=issuer, warning=warning)
    return f"预警 {warning.identifier}，站内送达参演人员 {summary['queued']} 人"


def _play_incident(actor, drill, inject, now) -> str:
    p = inject.payload
    region = Region.objects.get(code=p["region"])
    incident = Incident(
        title=f"【演练】{p['title']}"[:200],
        kind=IncidentKind.objects.get(name=p["kind"]),
        region=region,
        place=p.get("place", "")[:200],
        lon=p.get("lon", region.center_lon),
        lat=p.get("lat", region.center_lat),
        occurred_at=now,
        received_at=now,
        source=Incident.Source.ALARM if p.get("alarm") else Incident.Source.CALL,
        caller_unit=p.get("caller_unit", "演练导调组"),
        description=p.get("description", p["title"]),
        trapped=int(p.get("trapped", 0) or 0),
        exercise=drill.exercise,
    )
    incident = incident_services.incident_create(actor=_issuer(actor, drill), incident=incident)
    _tell(
        drill.exercise,
        f"【演练】事件接报：{incident.title}",
        incident.description[:200],
        drill,
        topic=f"incident:{incident.pk}",
    )
    return f"事件 {incident.number}"


def _play_message(actor, drill, inject, now) -> str:
    n = _tell(
        drill.exercise,
        f"【演练】情况通报：{inject.title}",
        inject.payload["text"],
        drill,
        topic=f"drill:{drill.pk}:{inject.pk}",
    )
    return f"通报参演人员 {n} 人"


PLAYERS = {
    DrillInject.Kind.ALARM: _play_alarm,
    DrillInject.Kind.WARNING: _play_warning,
    DrillInject.Kind.INCIDENT: _play_incident,
    DrillInject.Kind.MESSAGE: _play_message,
}


def _tell(exercise: Exercise, title: str, text: str, drill: Drill, *, topic: str = "") -> int:
    """A notice of the exercise to its participants (notify: in-app only, participants only)."""
    notice = Notice.objects.create(
        topic=(topic or f"drill:{drill.pk}:{timezone.now():%H%M%S%f}")[:64],
        title=title[:200],
        link=reverse("drills:mode_console", kwargs={"pk": drill.pk}),
        exercise=exercise,
    )
    NoticeText.objects.create(notice=notice, key="", text=f"{title}。{text}"[:300])
    return recipients.enqueue_exercise(notice)


def _log(drill: Drill, text: str, actor, at: dt.datetime) -> None:
    DrillLogEntry.objects.create(drill=drill, at=at, text=text[:500], actor_name=actor_name(actor)[:150])


# ---------------------------------------------------------------- acknowledgements


ACK_PREFIX = "确认收到"


@transaction.atomic
def acknowledge(*, user, drill: Drill, now: dt.datetime | None = None) -> None:
    """A participant confirms what reached them so far (回执), recorded on the drill's timeline."""
    if not drill.participants.filter(pk=user.pk).exists():
        raise DomainError("drill.not_participant", "只有参演人员可以回执", status=403)
    if not running(drill):
        raise DomainError("drill.mode_not_running", "本次演练不在推演中")
    now = now or timezone.now()
    minute = int(elapsed_minutes(drill.exercise, now))
    _log(drill, f"{ACK_PREFIX}（推演第 {minute} 分钟）", user, now)
    audit_record(action="drill_ack", obj=drill, actor=user, after={"minute": minute})


# ---------------------------------------------------------------- the storm as a script


@dataclass
class StormStep:
    minute: float
    sensor: str
    level: str
    value: float


def storm_steps(path=DEMO_STORM) -> list[StormStep]:
    """The storm's orange and red alarm steps as the engine computes them (its own pure functions over the
    recorded readings and each sensor's active rules), without writing a reading."""
    rows = read(path)
    series: dict[str, list[tuple[float, float]]] = {}
    for minute, code, value in rows:
        series.setdefault(code, []).append((minute, value))
    rules = Rule.objects.filter(sensor__code__in=list(series), active=True).exclude(kind=Rule.Kind.OFFLINE)
    steps = []
    for rule in rules.select_related("sensor"):
        thresholds = rule.levels()
        if not thresholds:
            continue
        points = sorted(series[rule.sensor.code])
        t = np.array([m * 60 for m, _ in points], dtype=float)
        v = np.array([value for _, value in points], dtype=float)
        window = (rule.window_minutes or 0) * 60
        if rule.kind == Rule.Kind.ACCUMULATION:
            metric = engine.window_sums(t, v, window)
        elif rule.kind == Rule.Kind.RATE:
            metric = engine.window_rates(t, v, window)
        else:
            metric = v
        above = rule.direction == Rule.Direction.ABOVE
        levels = engine.levels_of(metric, thresholds, above)
        clear = engine.cleared(metric, thresholds, above, rule.hysteresis or 0)
        found, _ = engine.run(levels, clear, 0)
        for step in found:
            level = LEVELS[step.level - 1] if step.level else ""
            if step.action in ("open", "raise") and level in STORM_LEVELS:
                steps.append(StormStep(points[step.index][0], rule.sensor.code, level, float(metric[step.index])))
    # One inject per sensor and level (several rules of a rain gauge reach red at about the same time).
    first: dict[tuple[str, str], StormStep] = {}
    for s in sorted(steps, key=lambda s: s.minute):
        first.setdefault((s.sensor, s.level), s)
    return sorted(first.values(), key=lambda s: (s.minute, s.sensor))


@transaction.atomic
def load_storm(*, actor, drill: Drill, speed: int = STORM_SPEED) -> int:
    """载入暴雨情景 (anlan/demo/scenario.py, monitoring DEMO_STORM) as injects: the storm's orange and red
    alarms, the landslide incident and the red 地质灾害 warning for its township, then a 情况通报, at the
    storm's minutes divided by `speed`. Returns the injects added."""
    _may_run(actor, drill)
    if drill.exercise_id and drill.exercise.ended_at:
        raise DomainError("drill.mode_ended", "推演已结束，不能再载入情景")
    steps = storm_steps()
    if not steps:
        raise DomainError("drill.storm_missing", "本县没有暴雨情景中的监测设备（请在演示县上载入）")
    sensors = {s.code: s for s in Sensor.objects.filter(code__in={s.sensor for s in steps}).select_related("region")}
    injects = [
        DrillInject(
            drill=drill,
            offset_minutes=int(s.minute // speed),
            kind=DrillInject.Kind.ALARM,
            title=f"{sensors[s.sensor].name}{LEVEL_NAMES[s.level]}报警"[:200],
            payload={"sensor": s.sensor, "level": s.level, "value": round(s.value, 3)},
        )
        for s in steps
    ]
    # The session opens on the situation as the storm begins (the drill's first minutes are not silent).
    injects.insert(
        0,
        DrillInject(
            drill=drill,
            offset_minutes=0,
            kind=DrillInject.Kind.MESSAGE,
            title="雨情通报",
            payload={"text": "县气象台发布暴雨预警信号，预计未来 6 小时全县大部有大暴雨，请各单位进入临战状态。"},
        ),
    )
    slides = [s for s in steps if sensors[s.sensor].kind in (Sensor.Kind.GNSS, Sensor.Kind.CRACK)]
    if slides:
        worst = max(slides, key=lambda s: (LEVELS.index(s.level), -s.minute))
        sensor = sensors[worst.sensor]
        township = sensor.region if sensor.region.level != "village" else sensor.region.parent
        site = sensor.hazard_site.name if sensor.hazard_site_id else sensor.name
        at = int(worst.minute // speed)
        injects += [
            DrillInject(
                drill=drill,
                offset_minutes=at + 2,
                kind=DrillInject.Kind.INCIDENT,
                title=f"{site}险情接报",
                payload={
                    "title": f"{'' if site.startswith(sensor.region.name) else sensor.region.name}{site}险情",
                    "kind": "地质灾害",
                    "region": sensor.region_id,
                    "place": site,
                    "lon": sensor.lon,
                    "lat": sensor.lat,
                    "trapped": 2,
                    "alarm": True,
                    "caller_unit": "监测预警系统",
                    "description": f"{sensor.name}位移{LEVEL_NAMES[worst.level]}报警，"
                    "群测群防员报告坡体出现裂缝、局部垮塌，2 人被困。",
                },
            ),
            DrillInject(
                drill=drill,
                offset_minutes=at + 5,
                kind=DrillInject.Kind.WARNING,
                title=f"{township.name}地质灾害红色预警",
                payload={"event": "地质灾害", "level": "red", "region": township.code},
            ),
            DrillInject(
                drill=drill,
                offset_minutes=at + 10,
                kind=DrillInject.Kind.MESSAGE,
                title="现场情况",
                payload={"text": f"{site}现场：被困 2 人，请指挥部研判是否启动响应、调派救援力量、组织转移。"},
            ),
        ]
    for inject in injects:
        clean_payload(inject.kind, inject.payload, drill)
    DrillInject.objects.bulk_create(injects)
    _log(drill, f"载入暴雨情景：{len(injects)} 条注入（按 {speed} 倍速）", actor, timezone.now())
    audit_record(action="drill_storm_load", obj=drill, actor=actor, after={"injects": len(injects), "speed": speed})
    return len(injects)


# ---------------------------------------------------------------- the console's figures


def sandbox(drill: Drill) -> dict:
    """What the sandbox created (kept after the end for the review)."""
    if not drill.exercise_id:
        return {"warnings": [], "alarms": [], "incidents": []}
    ex = drill.exercise
    return {
        "warnings": list(Warning.objects.of_exercise(ex).order_by("created_at")),
        "alarms": list(Alarm.objects.of_exercise(ex).select_related("sensor", "sensor__region").order_by("opened_at")),
        "incidents": list(Incident.objects.of_exercise(ex).select_related("kind", "region").order_by("received_at")),
    }


def participants_board(drill: Drill) -> list[dict]:
    """Per participant: messages the sandbox delivered in-app, and their last 回执."""
    from anlan.notify.models import Delivery

    people = list(drill.participants.order_by("pk"))
    if not people:
        return []
    delivered: dict[str, int] = {}
    if drill.exercise_id:
        keys = [f"user:{u.pk}" for u in people]
        for key, status in Delivery.objects.filter(
            Q(notice__exercise_id=drill.exercise_id), recipient_key__in=keys
        ).values_list("recipient_key", "status"):
            if status in (Delivery.Status.SENT, Delivery.Status.ACKNOWLEDGED, Delivery.Status.QUEUED):
                delivered[key] = delivered.get(key, 0) + 1
    acks: dict[str, dt.datetime] = {}
    for name, at in drill.log.filter(text__startswith=ACK_PREFIX).values_list("actor_name", "at"):
        acks[name] = max(at, acks.get(name, at))
    return [
        {"user": u, "name": actor_name(u), "messages": delivered.get(f"user:{u.pk}", 0), "ack": acks.get(actor_name(u))}
        for u in people
    ]
