"""Upkeep: the offline watch (sensors silent longer than their offline rule) and retention of
raw readings."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import LEVELS, Alarm, Reading, Rule, Sensor
from .alarms import OPEN_STATUSES, _apply, _Change


@transaction.atomic
def offline_check(*, now: dt.datetime | None = None) -> int:
    """Open an offline alarm for each sensor silent longer than its offline rule allows; mark the rest."""
    now = now or timezone.now()
    rules = list(Rule.objects.filter(kind=Rule.Kind.OFFLINE, active=True, sensor__active=True).select_related("sensor"))
    open_rules = set(
        Alarm.objects.real().filter(rule__in=rules, status__in=OPEN_STATUSES).values_list("rule_id", flat=True)
    )
    changes = []
    for rule in rules:
        if rule.pk in open_rules:
            continue
        since = rule.sensor.last_ts or rule.sensor.created_at
        if now - since <= dt.timedelta(minutes=rule.window_minutes or 0):
            continue
        level = LEVELS[rule.levels()[0][0]]
        alarm = Alarm(sensor=rule.sensor, rule=rule, level=level, opened_at=now)
        changes.append(_Change(alarm, "open", level, float("nan"), now))
    _apply(changes, actor="离线监视")
    silent = [c.alarm.sensor_id for c in changes]
    if silent:
        Sensor.objects.filter(pk__in=silent).update(live_status=Sensor.LiveStatus.OFFLINE)
    return len(changes)


def retention_job(today: dt.date) -> str:
    """Delete raw readings older than the retention period (hourly rollups stay), in chunks."""
    cutoff = timezone.now() - dt.timedelta(days=settings.ANLAN_READING_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(Reading.objects.filter(ts__lt=cutoff).values_list("pk", flat=True)[:20000])
        if not ids:
            break
        Reading.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return f"删除 {settings.ANLAN_READING_RETENTION_DAYS} 天前的原始数据 {deleted} 条（小时统计保留）"
