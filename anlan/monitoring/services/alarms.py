"""Alarm steps written in bulk with their audit entries and notices (platform users by
relation to the sensor, the hazard site's 群测群防员 by SMS), and acknowledgement."""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.officers import Relation, active_officers, relation
from anlan.core.audit import AuditItem, actor_name, append, audit_record
from anlan.core.errors import DomainError
from anlan.duty.routing import DeskEvent, route_many
from anlan.inbox.services import Message, notify_many

from .. import workflow
from ..formatting import measured
from ..models import LEVEL_LABELS, LEVELS, Alarm, AlarmEvent, Sensor

OPEN_STATUSES = (Alarm.Status.OPEN, Alarm.Status.ACKNOWLEDGED)
# Alarm levels routed to the duty desks (值班值守) as they open or rise.
DESK_LEVELS = ("orange", "red")


RULE_LABELS = {"threshold": "", "accumulation": "累计", "rate": "变化速率", "offline": "离线"}


@dataclass
class _Change:
    alarm: Alarm
    action: str
    level: str
    value: float
    at: dt.datetime


def _apply(changes: list[_Change], *, actor: str) -> None:
    if not changes:
        return
    fresh = list({id(c.alarm): c.alarm for c in changes if c.alarm.pk is None}.values())
    known = list({id(c.alarm): c.alarm for c in changes if c.alarm.pk is not None}.values())
    Alarm.objects.bulk_create(fresh)
    _save_alarms(known)
    steps = [c for c in changes if c.action != "peak"]
    sensors = {
        s.pk: s
        for s in Sensor.objects.filter(pk__in={c.alarm.sensor_id for c in steps}).select_related(
            "region", "hazard_site"
        )
    }
    notified = _recipients(sensors.values())
    persons = _site_persons(sensors.values())
    AlarmEvent.objects.bulk_create(
        [
            AlarmEvent(
                alarm=c.alarm,
                action=c.action,
                level=c.level,
                value=None if math.isnan(c.value) else c.value,
                at=c.at,
                actor=actor,
                notified="、".join(persons.get(c.alarm.sensor_id, [])),
            )
            for c in steps
        ]
    )
    append(
        [
            AuditItem(
                f"alarm_{c.action}",
                "monitoring.alarm",
                str(c.alarm.pk),
                f"{sensors[c.alarm.sensor_id].name} {LEVEL_LABELS[c.level]}",
                sensors[c.alarm.sensor_id].region_id,
                None,
                {"level": c.level, "value": None if math.isnan(c.value) else c.value, "at": c.at.isoformat()},
            )
            for c in steps
        ],
        actor=actor,
    )
    pairs, texts, desk_events = [], [], []
    for c in steps:
        if c.action not in ("open", "raise"):
            continue
        sensor = sensors[c.alarm.sensor_id]
        rank = LEVELS.index(c.level)
        texts.append((c.alarm, c.level, sensor, _sms_text(c, sensor), f"{sensor.name} {LEVEL_LABELS[c.level]}"))
        message = Message(
            category="alarm",
            title=f"{LEVEL_LABELS[c.level]}报警：{sensor.name}（{sensor.region.name}）",
            body=f"{RULE_LABELS[c.alarm.rule.kind]}指标 {measured(c.value, sensor, c.alarm.rule)}，"
            f"时间 {timezone.localtime(c.at):%m-%d %H:%M}。",
            link=reverse("monitoring:sensor_chart", kwargs={"pk": sensor.pk}),
            dedupe_key=f"alarm:{c.alarm.pk}:{c.level}",
        )
        pairs += [(uid, message) for uid, min_rank in notified.get(sensor.pk, []) if rank >= min_rank]
        if c.level in DESK_LEVELS:
            # Orange and red reach those on duty at the township and county desks too (in-app and SMS).
            desk_events.append(
                DeskEvent(
                    sensor.region_id,
                    message.title,
                    message.dedupe_key,
                    body=message.body,
                    link=message.link,
                    level=c.level,
                    category="alarm",
                )
            )
    route_many(desk_events)  # the batch's steps at once: a fixed number of queries, not ~10 per step
    notify_many(pairs)
    # The site's watchers have no accounts: they get an SMS, through notify's outbox in this transaction.
    from ..alarm_sms import enqueue_alarm_sms

    enqueue_alarm_sms(texts)
    # Apps above monitoring act on the opened and raised alarms (flood opens a 山洪 zone's transfer list).
    from ..hooks import AlarmStep, run_on_alarm

    run_on_alarm(
        [
            AlarmStep(c.alarm, c.action, c.level, None if math.isnan(c.value) else c.value, c.at)
            for c in steps
            if c.action in ("open", "raise")
        ]
    )


def _sms_text(change, sensor) -> str:
    site = sensor.hazard_site.name if sensor.hazard_site_id else sensor.region.name
    from anlan.notify.texts import sender_name

    sender = sender_name()
    value = measured(change.value, sensor, change.alarm.rule)
    return (
        f"【{sender}】{site}{sensor.name}{LEVEL_LABELS[change.level]}报警：{RULE_LABELS[change.alarm.rule.kind]}"
        f"{value}（{timezone.localtime(change.at):%m-%d %H:%M}）。请立即到现场巡查，"
        "发现险情马上组织群众撤离并报告。"
    )


def _save_alarms(alarms: list[Alarm]) -> None:
    """One UPDATE per changed alarm (executemany: Django's bulk_update builds a CASE per column, slower)."""
    if not alarms:
        return
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Alarm._meta.db_table} SET level = %s, status = %s, raised_at = %s, closed_at = %s, "
            "peak_value = %s WHERE id = %s",
            [(a.level, a.status, adapt(a.raised_at), adapt(a.closed_at), a.peak_value, a.pk) for a in alarms],
        )


def _recipients(sensors) -> dict[int, list[tuple[int, int]]]:
    """Sensor id → (user id, lowest alarm rank that user hears): the village's and township's staff
    hear every level, the sensor's department and the county from orange (rank 2) up."""
    sensors = list(sensors)
    if not sensors:
        return {}
    officers = active_officers()
    out = {}
    for s in sensors:
        mine = []
        for o in officers:
            rel = relation(o, s.region_id, s.department_id)
            if rel in (Relation.VILLAGE, Relation.TOWNSHIP):
                mine.append((o.pk, 0))
            elif rel in (Relation.COUNTY, Relation.DEPARTMENT):
                mine.append((o.pk, 2))
        out[s.pk] = mine
    return out


def _site_persons(sensors) -> dict[int, list[str]]:
    """The 群测群防员 and other responsible persons of each sensor's hazard site (for 叫应 by phone)."""
    site_ids = {s.hazard_site_id for s in sensors if s.hazard_site_id}
    if not site_ids:
        return {}
    from anlan.sites.models import HazardSite

    names: dict[int, list[str]] = defaultdict(list)
    for site_id, name in HazardSite.monitors.through.objects.filter(hazardsite_id__in=site_ids).values_list(
        "hazardsite_id", "person__name"
    ):
        names[site_id].append(name)
    return {s.pk: names.get(s.hazard_site_id, []) for s in sensors}


@transaction.atomic
def alarm_open_drill(*, actor, exercise, sensor: Sensor, level: str, value: float | None = None, at=None) -> Alarm:
    """A drill's alarm (演练模式): opened as the engine opens one (an alarm on one of the sensor's rules, its
    "open" step, audited) but marked with the exercise, without a reading. No reading is written, so the
    sensor's data, live status and statistics stay real; the engine reads only real open alarms
    (`.real()`), so a real alarm of the same rule opens and closes as if the drill did not exist; and
    nobody is told from here (the drill tells its participants, through notify)."""
    if level not in LEVELS:
        raise DomainError("alarm.level", f"报警级别应为{'、'.join(LEVEL_LABELS.values())}之一", field="level")
    rule = (
        sensor.rules.filter(**{f"{level}__isnull": False}).order_by("pk").first() or sensor.rules.order_by("pk").first()
    )
    if rule is None:
        raise DomainError("alarm.no_rule", f"设备“{sensor.name}”没有报警规则，不能模拟报警", field="sensor")
    at = at or timezone.now()
    if value is None:
        value = getattr(rule, level, None)
    alarm = Alarm.objects.create(
        sensor=sensor, rule=rule, level=level, value=value, peak_value=value, opened_at=at, exercise=exercise
    )
    AlarmEvent.objects.create(alarm=alarm, action="open", level=level, value=value, at=at, actor=actor_name(actor))
    audit_record(action="alarm_open", obj=alarm, actor=actor, after={"level": level, "value": value, "drill": True})
    return alarm


@transaction.atomic
def alarm_close_drill(*, actor, alarm: Alarm, at=None) -> Alarm:
    """Close a drill's alarm when the drill ends (its "close" step, audited); real alarms are the engine's."""
    if not alarm.exercise_id:
        raise DomainError("alarm.not_drill", "只能解除演练中产生的报警")
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if alarm.status == Alarm.Status.CLOSED:
        return alarm
    alarm.status, alarm.closed_at = Alarm.Status.CLOSED, at or timezone.now()
    alarm.save(update_fields=["status", "closed_at"])
    AlarmEvent.objects.create(
        alarm=alarm, action="close", level=alarm.level, at=alarm.closed_at, actor=actor_name(actor)
    )
    audit_record(action="alarm_close", obj=alarm, actor=actor, after={"status": alarm.status, "drill": True})
    return alarm


@transaction.atomic
def alarm_acknowledge(*, actor, alarm: Alarm, comment: str = "") -> Alarm:
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    workflow.FLOW.apply(actor, alarm, "acknowledge")
    name = actor_name(actor)
    alarm.acknowledged_at, alarm.acknowledged_by = timezone.now(), name
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    AlarmEvent.objects.create(
        alarm=alarm, action="acknowledge", level=alarm.level, at=alarm.acknowledged_at, actor=name, notified=comment
    )
    audit_record(action="alarm_acknowledge", obj=alarm, actor=actor, after={"level": alarm.level, "comment": comment})
    return alarm
