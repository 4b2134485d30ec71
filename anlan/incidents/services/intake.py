"""Intake (接报登记): the incident number, recording, facts with automatic regrading of
the kinds graded by a calculator (生产安全事故, 森林火灾, 地质灾害)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from anlan.core.audit import actor_name, audit_record, snapshot
from anlan.core.errors import DomainError
from anlan.duty.routing import route_to_desks

from .. import calculators
from ..models import (
    GEO_STAGES,
    Incident,
    TimelineEntry,
)
from ..texts import alarm_values
from .timeline import entry


def next_number(incident: Incident) -> str:
    day = timezone.localtime(incident.received_at).strftime("%Y%m%d")
    # A drill's incidents are numbered apart (YL, 演练), so the real sequence has no gaps.
    prefix = f"{'YL' if incident.exercise_id else 'SJ'}{incident.region_id[:6]}{day}"
    taken = Incident.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


@transaction.atomic
def incident_create(*, actor, incident: Incident) -> Incident:
    """接报: number the incident, record it, grade it when a regulation decides the grade."""
    incident.received_at = incident.received_at or timezone.now()
    if incident.occurred_at and incident.occurred_at > incident.received_at + dt.timedelta(minutes=5):
        raise DomainError("incident.occurred_after_received", "发生时间不能晚于接报时间")
    incident.number = next_number(incident)
    incident.recorded_by = actor_name(actor)
    incident.status = Incident.Status.RECEIVED
    _auto_grade(incident)
    incident.full_clean()
    incident.save()
    audit_record(action="incident_create", obj=incident, actor=actor, after=snapshot(incident))
    entry(
        incident,
        TimelineEntry.Kind.INTAKE,
        f"{incident.get_source_display()}：{incident.title}",
        actor=actor,
        at=incident.received_at,
        detail=incident.description,
        data={"caller": incident.caller_name, "unit": incident.caller_unit},
        lon=incident.lon,
        lat=incident.lat,
    )
    if incident.alarm_id:
        alarm = incident.alarm
        entry(
            incident,
            TimelineEntry.Kind.ALARM,
            f"{alarm}",
            at=alarm.opened_at,
            detail=alarm_values(alarm),
            data={"alarm": alarm.pk},
        )
    if incident.level:
        label = calculators.level_label(incident)
        entry(incident, TimelineEntry.Kind.GRADE, f"定级：{label}", detail=incident.level_basis)
    if not incident.exercise_id:  # a drill's incident reaches its participants through the drill, not the desks
        _tell_the_desks(incident)
    return incident


def _tell_the_desks(incident: Incident) -> None:
    """Those on duty at the incident's township desk and the county desk hear of it at once (in-app and SMS)."""
    where = f"{incident.place}，" if incident.place else ""
    route_to_desks(
        incident.region_id,
        title=f"事件接报：{incident.title}",
        body=f"{incident.kind.name}，{where}接报时间 {timezone.localtime(incident.received_at):%m-%d %H:%M}，"
        f"编号 {incident.number}。",
        link=reverse("incidents:workspace", kwargs={"pk": incident.pk}),
        sms=True,
        dedupe_key=f"incident:{incident.pk}",
    )


def _auto_grade(incident: Incident) -> bool:
    """Set the grade by the kind's calculator when it has one (生产安全事故, 森林火灾, 地质灾害); True if the level
    changed."""
    graded = calculators.grade_incident(incident)
    if graded is None:
        return False
    grade, basis = graded
    changed = grade.level != incident.level
    incident.level, incident.level_basis = grade.level, basis
    return changed


FACT_FIELDS = (
    "deaths",
    "missing",
    "injured",
    "serious_injuries",
    "trapped",
    "evacuated",
    "direct_loss_10k_yuan",
    # graded by for forest fires and geological hazards (calculators.FACTS)
    "burned_forest_ha",
    "other_woodland",
    "geo_stage",
    "people_to_relocate",
    "potential_loss_10k_yuan",
)


def _shown(name: str, value: str) -> str:
    """A fact as the timeline says it: names, not codes."""
    if name == "geo_stage":
        return dict(GEO_STAGES).get(value, "按情况判断")
    if name == "other_woodland":
        return "是" if value == "True" else "否"
    return value


@transaction.atomic
def facts_update(*, actor, incident: Incident, note: str = "", at=None, **facts) -> Incident:
    """续报的事实：伤亡、失踪、被困、损失、受害森林面积、需转移人数 … a kind graded by a calculator is regraded
    at once."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    before = {name: str(getattr(incident, name)) for name in FACT_FIELDS}
    for name, value in facts.items():
        if name not in FACT_FIELDS:
            raise DomainError("incident.unknown_fact", f"未知字段：{name}", field=name)
        setattr(incident, name, value)
    old_level = incident.level
    regraded = _auto_grade(incident)
    incident.full_clean()
    incident.save()
    after = {name: str(getattr(incident, name)) for name in FACT_FIELDS}
    audit_record(action="incident_facts", obj=incident, actor=actor, before=before, after=after)
    changes = "，".join(
        f"{Incident._meta.get_field(n).verbose_name} {_shown(n, before[n])}→{_shown(n, after[n])}"
        for n in FACT_FIELDS
        if before[n] != after[n]
    )
    entry(incident, TimelineEntry.Kind.FACTS, f"情况更新：{changes or '无变化'}", actor=actor, at=at, detail=note)
    if regraded:
        entry(
            incident,
            TimelineEntry.Kind.GRADE,
            f"等级调整：{old_level or '未定级'} → {calculators.level_label(incident)}",
            actor=actor,
            at=at,
            detail=incident.level_basis,
            data={"before": old_level, "after": incident.level},
        )
    return incident
