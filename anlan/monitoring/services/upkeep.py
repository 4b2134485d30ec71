"""Upkeep: the offline watch (sensors silent longer than their offline rule), retention of raw
readings, and the monthly partitions they are stored in on PostgreSQL."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anlan.core.audit import audit_record

from .. import partitions, storage
from ..models import LEVELS, Alarm, Reading, Rule
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
    storage.mark_offline([c.alarm.sensor_id for c in changes])
    return len(changes)


def retention_job(today: dt.date) -> str:
    """Raw readings older than the retention period go; hourly rollups stay. PostgreSQL drops the monthly
    partitions entirely older than the cut-off and deletes only the boundary month's old rows; SQLite
    deletes in chunks. What went is audited when anything did."""
    days = settings.ANLAN_READING_RETENTION_DAYS
    cutoff = timezone.now() - dt.timedelta(days=days)
    if partitions.partitioned():
        with transaction.atomic():
            dropped, deleted = partitions.drop_before(cutoff)
            _audit_retention(cutoff, deleted, dropped)
        if dropped:
            names = "、".join(f"{name}（约 {rows} 条）" for name, rows in dropped)
            return (
                f"删除 {days} 天前的原始数据：整月分区 {len(dropped)} 个：{names}；边界月 {deleted} 条（小时统计保留）"
            )
        return f"删除 {days} 天前的原始数据 {deleted} 条（小时统计保留）"
    deleted = 0
    while True:
        ids = list(Reading.objects.filter(ts__lt=cutoff).values_list("pk", flat=True)[:20000])
        if not ids:
            break
        with transaction.atomic():
            Reading.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    _audit_retention(cutoff, deleted, [])
    return f"删除 {days} 天前的原始数据 {deleted} 条（小时统计保留）"


def _audit_retention(cutoff: dt.datetime, deleted: int, dropped: list[tuple[str, int]]) -> None:
    if not deleted and not dropped:
        return
    after = {"cutoff": cutoff.isoformat(), "rows_deleted": deleted}
    if dropped:
        after["partitions_dropped"] = [{"partition": name, "estimated_rows": rows} for name, rows in dropped]
    audit_record(action="reading_retention", model=Reading, after=after)


def partition_job(today: dt.date) -> str:
    """Daily, PostgreSQL: the current month's partition of the raw readings and the next three exist."""
    if not partitions.partitioned():
        return "SQLite 不分区，无需创建"
    created = partitions.ensure_ahead()
    months = sorted(partitions.existing())
    span = f"{months[0]:%Y-%m} 至 {months[-1]:%Y-%m}" if months else "无"
    made = f"新建分区 {len(created)} 个（{'、'.join(created)}）" if created else "无需新建分区"
    return f"{made}；现有 {len(months)} 个月份分区，{span}"
