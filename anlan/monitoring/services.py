"""Ingest (HTTP and MQTT share it), the alarm engine's effects, acknowledgement, the offline watch and
retention.

`ingest(items)` validates each item on its own, stores the good ones, folds them into hourly rollups,
evaluates every active rule of the sensors concerned, opens/raises/closes alarms, notifies and audits
each alarm step, and updates each sensor's live status — all in one transaction and a fixed number of
queries per batch (none per reading).
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.audit import AuditItem, append, audit_record
from anlan.core.roles import COUNTY_ROLES, Role
from anlan.inbox.services import Message, notify_many

from . import engine, storage
from .models import LEVEL_LABELS, LEVELS, Alarm, AlarmEvent, Reading, Rule, Sensor

MAX_FUTURE = dt.timedelta(minutes=5)  # device clocks drift; more than this is a wrong clock
OPEN_STATUSES = (Alarm.Status.OPEN, Alarm.Status.ACKNOWLEDGED)


@dataclass
class IngestResult:
    accepted: int = 0
    rejected: list[dict] = field(default_factory=list)
    alarm_steps: int = 0

    def reject(self, index: int, error: str) -> None:
        self.rejected.append({"index": index, "error": error})


def _parse_ts(raw, tz) -> dt.datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        ts = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if ts.tzinfo is None:  # devices without a zone report local (Beijing) time
        ts = ts.replace(tzinfo=tz)
    return ts.astimezone(dt.UTC)


def _validate(items, sensors: dict, now: dt.datetime, result: IngestResult):
    """(sensor_id, ts, value) of the good items, in order; each bad item rejected with its reason."""
    earliest = now - dt.timedelta(days=settings.ANLAN_INGEST_MAX_AGE_DAYS)
    latest = now + MAX_FUTURE
    tz = timezone.get_default_timezone()
    rows, seen = [], set()
    isfinite = math.isfinite
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            result.reject(index, "应为对象 {sensor, ts, value}")
            continue
        code = item.get("sensor")
        sensor_id = sensors.get(code)
        if sensor_id is None:
            result.reject(index, f"未知设备：{code}" if code else "缺少 sensor")
            continue
        value = item.get("value")
        if type(value) not in (int, float):
            result.reject(index, f"value 应为数值：{value!r}")
            continue
        if not isfinite(value):
            result.reject(index, f"value 不能为 NaN 或无穷大：{value!r}")
            continue
        ts = _parse_ts(item.get("ts"), tz)
        if ts is None:
            result.reject(index, f"ts 应为 ISO-8601 时间：{item.get('ts')!r}")
            continue
        if ts > latest:
            result.reject(index, f"时间超前（晚于当前 5 分钟以上）：{item['ts']}")
            continue
        if ts < earliest:
            result.reject(index, f"时间过早（早于 {settings.ANLAN_INGEST_MAX_AGE_DAYS} 天）：{item['ts']}")
            continue
        key = (sensor_id, ts)
        if key in seen:
            result.reject(index, "重复：同一设备同一时间已有数据")
            continue
        seen.add(key)
        rows.append((sensor_id, ts, float(value), index))
    return rows


def _drop_stored(rows, result: IngestResult):
    """Readings already stored are duplicates (ingest is idempotent on sensor and time)."""
    if not rows:
        return rows
    sensor_ids = {r[0] for r in rows}
    lo, hi = min(r[1] for r in rows), max(r[1] for r in rows)
    stored = set(
        Reading.objects.filter(sensor_id__in=sensor_ids, ts__gte=lo, ts__lte=hi).values_list("sensor_id", "ts")
    )
    if not stored:
        return rows
    fresh = []
    for row in rows:
        if (row[0], row[1]) in stored:
            result.reject(row[3], "重复：同一设备同一时间已有数据")
        else:
            fresh.append(row)
    return fresh


def ingest(items, *, now: dt.datetime | None = None, sensors=None) -> IngestResult:
    """Validate, store and evaluate a batch of readings `[{"sensor", "ts", "value"}, …]`.

    `sensors` limits which sensors the sender may report for (an API user's scope); MQTT, on the
    bureau's own broker, may report for any active sensor."""
    now = now or timezone.now()
    result = IngestResult()
    if not isinstance(items, list):
        result.reject(0, "应为数组")
        return result
    codes = {item.get("sensor") for item in items if isinstance(item, dict) and isinstance(item.get("sensor"), str)}
    known = (sensors if sensors is not None else Sensor.objects.all()).filter(active=True)
    sensors = dict(known.filter(code__in=codes).values_list("code", "pk"))
    rows = _validate(items, sensors, now, result)
    with transaction.atomic():
        rows = _drop_stored(rows, result)
        stored = [(sid, ts, value) for sid, ts, value, _ in rows]
        storage.insert_readings(stored)
        storage.merge_rollups(stored)
        result.alarm_steps = evaluate(stored, now=now)
    result.accepted = len(stored)
    result.rejected.sort(key=lambda r: r["index"])
    return result


# ---------------------------------------------------------------- rules and alarms


def _series(rows) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per sensor: (epoch seconds, values) sorted by time."""
    by_sensor: dict[int, list] = defaultdict(list)
    for sid, ts, value in rows:
        by_sensor[sid].append((ts.timestamp(), value))
    out = {}
    for sid, pairs in by_sensor.items():
        pairs.sort()
        arr = np.asarray(pairs, dtype=float)
        out[sid] = (arr[:, 0], arr[:, 1])
    return out


def _context(rules: list[Rule], new: dict) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Stored series around the new readings for window rules (one query for all their sensors)."""
    windows: dict[int, int] = {}
    for rule in rules:
        if rule.kind in (Rule.Kind.ACCUMULATION, Rule.Kind.RATE):
            windows[rule.sensor_id] = max(windows.get(rule.sensor_id, 0), rule.window_minutes or 0)
    if not windows:
        return {}
    lo = min(new[sid][0][0] - minutes * 60 for sid, minutes in windows.items())
    hi = max(new[sid][0][-1] for sid in windows)
    qs = Reading.objects.filter(
        sensor_id__in=list(windows),
        ts__gte=dt.datetime.fromtimestamp(lo, dt.UTC),
        ts__lte=dt.datetime.fromtimestamp(hi, dt.UTC),
    ).order_by("sensor_id", "ts")
    rows = [(sid, ts, value) for sid, ts, value in qs.values_list("sensor_id", "ts", "value")]
    return _series(rows)


def _metric(rule: Rule, new_t, new_v, context) -> np.ndarray:
    if rule.kind == Rule.Kind.THRESHOLD:
        return new_v
    t, v = context[rule.sensor_id]
    window_s = (rule.window_minutes or 0) * 60.0
    full = (
        engine.window_sums(t, v, window_s)
        if rule.kind == Rule.Kind.ACCUMULATION
        else engine.window_rates(t, v, window_s)
    )
    positions = np.searchsorted(t, new_t)  # every new reading is in the stored series
    return full[positions]


@dataclass
class _Change:
    alarm: Alarm
    action: str
    level: str
    value: float
    at: dt.datetime


def evaluate(rows, *, now: dt.datetime) -> int:
    """Run every active rule of the sensors in `rows` and apply the alarm steps; returns how many."""
    if not rows:
        return 0
    new = _series(rows)
    rules = list(Rule.objects.filter(sensor_id__in=list(new), active=True))
    data_rules = [r for r in rules if r.kind != Rule.Kind.OFFLINE]
    context = _context(data_rules, new)
    open_alarms = {
        a.rule_id: a for a in Alarm.objects.filter(rule__in=rules, status__in=OPEN_STATUSES).order_by("opened_at")
    }
    changes: list[_Change] = []
    for rule in data_rules:
        thresholds = rule.levels()
        if not thresholds:
            continue
        t, v = new[rule.sensor_id]
        metric = _metric(rule, t, v, context)
        above = rule.direction == Rule.Direction.ABOVE
        levels = engine.levels_of(metric, thresholds, above)
        clear = engine.cleared(metric, thresholds, above, rule.effective_hysteresis())
        alarm = open_alarms.get(rule.pk)
        start_level = LEVELS.index(alarm.level) + 1 if alarm else 0
        steps, _ = engine.run(levels, clear, start_level)
        for step in steps:
            at = dt.datetime.fromtimestamp(t[step.index], dt.UTC)
            value = float(metric[step.index])
            if step.action == "open":
                alarm = Alarm(
                    sensor_id=rule.sensor_id,
                    rule=rule,
                    level=LEVELS[step.level - 1],
                    value=value,
                    peak_value=value,
                    opened_at=at,
                )
            elif alarm is not None:
                alarm.level = LEVELS[step.level - 1] if step.action == "raise" else alarm.level
            changes.append(
                _Change(alarm, step.action, LEVELS[step.level - 1] if step.level else alarm.level, value, at)
            )
            if step.action == "raise":
                alarm.raised_at, alarm.status = at, Alarm.Status.OPEN
            elif step.action == "close":
                alarm.status, alarm.closed_at = Alarm.Status.CLOSED, at
                alarm = None
        if alarm is not None and len(metric):
            peak = float(np.nanmax(metric)) if above else float(np.nanmin(metric))
            if alarm.peak_value is None or (peak > alarm.peak_value if above else peak < alarm.peak_value):
                alarm.peak_value = peak
                if not any(c.alarm is alarm for c in changes):
                    changes.append(_Change(alarm, "peak", alarm.level, peak, now))
    # Data arrived: offline alarms of these sensors recover.
    for rule in rules:
        alarm = open_alarms.get(rule.pk)
        if rule.kind == Rule.Kind.OFFLINE and alarm is not None:
            alarm.status, alarm.closed_at = Alarm.Status.CLOSED, now
            changes.append(_Change(alarm, "close", alarm.level, float("nan"), now))
    _apply(changes, actor="报警引擎")
    _refresh_sensors(new, now)
    return sum(1 for c in changes if c.action != "peak")


def _apply(changes: list[_Change], *, actor: str) -> None:
    if not changes:
        return
    created = [c.alarm for c in changes if c.alarm.pk is None]
    unique_new = list({id(a): a for a in created}.values())
    Alarm.objects.bulk_create(unique_new)
    updated = list({id(c.alarm): c.alarm for c in changes if c.alarm not in unique_new}.values())
    Alarm.objects.bulk_update(
        updated, ["level", "status", "raised_at", "closed_at", "peak_value", "acknowledged_at", "acknowledged_by"]
    )
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
    pairs = []
    for c in steps:
        if c.action not in ("open", "raise"):
            continue
        sensor = sensors[c.alarm.sensor_id]
        rank = LEVELS.index(c.level)
        message = Message(
            category="alarm",
            title=f"{LEVEL_LABELS[c.level]}报警：{sensor.name}（{sensor.region.name}）",
            body=f"{c.alarm.rule} 指标 {c.value:g}{sensor.unit}，时间 {timezone.localtime(c.at):%m-%d %H:%M}。",
            link=reverse("monitoring:sensor_chart", kwargs={"pk": sensor.pk}),
            dedupe_key=f"alarm:{c.alarm.pk}:{c.level}",
        )
        pairs += [(uid, message) for uid, min_rank in notified.get(sensor.pk, []) if rank >= min_rank]
    notify_many(pairs)


def _recipients(sensors) -> dict[int, list[tuple[int, int]]]:
    """Sensor id → (user id, lowest alarm rank that user hears): the village's and township's staff
    hear every level, the sensor's department and the county from orange (rank 2) up."""
    sensors = list(sensors)
    if not sensors:
        return {}
    users = list(
        User.objects.filter(is_active=True, region__isnull=False)
        .filter(role__in=[*COUNTY_ROLES, Role.TOWNSHIP_OPERATOR, Role.VILLAGE_WORKER, Role.DEPARTMENT_OPERATOR])
        .values_list("pk", "role", "region_id", "department_id")
    )
    out = {}
    for s in sensors:
        township, mine = s.region_id[:9] + "000", []
        for pk, role, region, department in users:
            if region[:6] != s.region_id[:6]:
                continue
            local = (role == Role.VILLAGE_WORKER and region == s.region_id) or (
                role == Role.TOWNSHIP_OPERATOR and region == township
            )
            upper = role in COUNTY_ROLES or (role == Role.DEPARTMENT_OPERATOR and department == s.department_id)
            if local:
                mine.append((pk, 0))
            elif upper:
                mine.append((pk, 2))
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


def _refresh_sensors(new: dict, now: dt.datetime) -> None:
    """Latest value and live status of every sensor that got data (one UPDATE per sensor)."""
    worst = defaultdict(int)
    for sid, level in Alarm.objects.filter(sensor_id__in=list(new), status__in=OPEN_STATUSES).values_list(
        "sensor_id", "level"
    ):
        worst[sid] = max(worst[sid], LEVELS.index(level) + 1)
    adapt = connection.ops.adapt_datetimefield_value
    params = []
    for sid, (t, v) in new.items():
        last_ts = dt.datetime.fromtimestamp(t[-1], dt.UTC)
        status = LEVELS[worst[sid] - 1] if worst[sid] else Sensor.LiveStatus.NORMAL
        params.append((adapt(last_ts), float(v[-1]), sid, adapt(last_ts), status))
    table = Sensor._meta.db_table
    with connection.cursor() as cursor:
        # Only move forward: a late batch of old readings must not replace the latest value.
        cursor.executemany(
            f"UPDATE {table} SET last_ts = %s, last_value = %s WHERE id = %s AND (last_ts IS NULL OR last_ts <= %s)",
            [p[:4] for p in params],
        )
        cursor.executemany(f"UPDATE {table} SET live_status = %s WHERE id = %s", [(p[4], p[2]) for p in params])


@transaction.atomic
def alarm_acknowledge(*, actor, alarm: Alarm, comment: str = "") -> Alarm:
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if alarm.status != Alarm.Status.OPEN:
        raise AlarmError(f"报警当前为“{alarm.get_status_display()}”，不能确认")
    name = getattr(actor, "display_name", "") or actor.get_username()
    alarm.status, alarm.acknowledged_at, alarm.acknowledged_by = Alarm.Status.ACKNOWLEDGED, timezone.now(), name
    alarm.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    AlarmEvent.objects.create(
        alarm=alarm, action="acknowledge", level=alarm.level, at=alarm.acknowledged_at, actor=name, notified=comment
    )
    audit_record(action="alarm_acknowledge", obj=alarm, actor=actor, after={"level": alarm.level, "comment": comment})
    return alarm


class AlarmError(ValueError):
    pass


# ---------------------------------------------------------------- offline watch and retention


@transaction.atomic
def offline_check(*, now: dt.datetime | None = None) -> int:
    """Open an offline alarm for each sensor silent longer than its offline rule allows; mark the rest."""
    now = now or timezone.now()
    rules = list(Rule.objects.filter(kind=Rule.Kind.OFFLINE, active=True, sensor__active=True).select_related("sensor"))
    open_rules = set(Alarm.objects.filter(rule__in=rules, status__in=OPEN_STATUSES).values_list("rule_id", flat=True))
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
