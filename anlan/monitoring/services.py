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
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from anlan.accounts.officers import Relation, active_officers, relation
from anlan.core.audit import AuditItem, actor_name, append, audit_record
from anlan.inbox.services import Message, notify_many

from . import engine, storage, window_cache, workflow
from .models import LEVEL_LABELS, LEVELS, Alarm, AlarmEvent, Reading, Rule, Sensor

MAX_FUTURE = dt.timedelta(minutes=5)  # device clocks drift; more than this is a wrong clock
OPEN_STATUSES = (Alarm.Status.OPEN, Alarm.Status.ACKNOWLEDGED)
RULE_LABELS = {"threshold": "", "accumulation": "累计", "rate": "变化速率", "offline": "离线"}


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
        arrays = _arrays(stored)
        storage.merge_rollups(*arrays)
        result.alarm_steps = evaluate(stored, now=now, arrays=arrays)
    result.accepted = len(stored)
    result.rejected.sort(key=lambda r: r["index"])
    return result


# ---------------------------------------------------------------- rules and alarms


def _arrays(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sensor ids, epoch seconds, values) of (sensor id, datetime, value) rows."""
    sid = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    t = np.fromiter((r[1].timestamp() for r in rows), dtype=float, count=len(rows))
    v = np.fromiter((r[2] for r in rows), dtype=float, count=len(rows))
    return sid, t, v


_rule_cache: dict = {"version": None, "by_sensor": {}}


def _active_rules(sensor_ids) -> list[Rule]:
    """Active rules of these sensors, from a per-process cache reloaded whenever any rule is added,
    changed or deleted (one aggregate query per batch instead of loading every rule again)."""
    version = tuple(Rule.objects.aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk")).values())
    if version != _rule_cache["version"]:
        by_sensor = defaultdict(list)
        for rule in Rule.objects.filter(active=True).order_by("pk"):
            by_sensor[rule.sensor_id].append(rule)
        _rule_cache.update(version=version, by_sensor=by_sensor)
    by_sensor = _rule_cache["by_sensor"]
    return [rule for sid in sensor_ids for rule in by_sensor.get(sid, ())]


def _windows(rules: list[Rule]) -> dict[int, int]:
    """Sensor id → its longest window (minutes) over its accumulation and rate rules."""
    windows: dict[int, int] = {}
    for rule in rules:
        if rule.kind in (Rule.Kind.ACCUMULATION, Rule.Kind.RATE):
            windows[rule.sensor_id] = max(windows.get(rule.sensor_id, 0), rule.window_minutes or 0)
    return windows


def _context(windows: dict[int, int], new: dict, revisions: dict[int, int]) -> tuple[dict, dict]:
    """Each window sensor's series from (first new reading − window) on, new readings included: from
    this process's cache when the sensor's revision says it is current, else in one query. Also returns
    from when on each series is known complete (for the cache)."""
    context, covers, missing = {}, {}, []
    for sid, minutes in windows.items():
        new_t, new_v = new[sid]
        since = new_t[0] - minutes * 60
        cached = window_cache.get(sid, revisions.get(sid, -1), since)
        if cached is None:
            missing.append(sid)
            continue
        covers[sid] = cached[2]
        t = np.concatenate((cached[0], new_t))
        v = np.concatenate((cached[1], new_v))
        if len(cached[0]) and new_t[0] <= cached[0][-1]:  # a late reading: restore time order
            order = np.argsort(t, kind="stable")
            t, v = t[order], v[order]
        context[sid] = (t, v)
    if missing:
        lo = min(new[sid][0][0] - windows[sid] * 60 for sid in missing)
        hi = max(new[sid][0][-1] for sid in missing)
        # A second of slack each side: SQLite's julianday arithmetic is exact only to tens of microseconds.
        loaded = storage.series(
            missing, dt.datetime.fromtimestamp(lo - 1, dt.UTC), dt.datetime.fromtimestamp(hi + 1, dt.UTC)
        )
        for sid in missing:
            context[sid] = loaded.get(sid, (np.empty(0), np.empty(0)))
            covers[sid] = lo - 1
    return context, covers


def _remember(windows: dict[int, int], context: dict, covers: dict, revisions: dict[int, int]) -> None:
    """Cache the series at the revision this batch gives them; keep a little more than the window."""
    for sid, minutes in windows.items():
        t, v = context[sid]
        window_cache.put(sid, revisions.get(sid, 0) + 1, covers[sid], t, v, keep_seconds=minutes * 60 + 3600)


def _metrics(rules: list[Rule], new: dict, context: dict):
    """Flat arrays over every (rule, new reading): rule index, time, metric — segments by rule, in time
    order — computed for all rules at once (threshold: the value; window rules: see engine)."""
    lengths = np.array([len(new[r.sensor_id][0]) for r in rules])
    rule_of = np.repeat(np.arange(len(rules)), lengths)
    t = np.concatenate([new[r.sensor_id][0] for r in rules])
    metric = np.concatenate([new[r.sensor_id][1] for r in rules])
    windowed = [j for j, r in enumerate(rules) if r.kind in (Rule.Kind.ACCUMULATION, Rule.Kind.RATE)]
    if windowed:
        base = min(context[rules[j].sensor_id][0][0] for j in windowed)
        span = max(context[rules[j].sensor_id][0][-1] for j in windowed) - base
        spacing = span + max(rules[j].window_minutes for j in windowed) * 60.0 + 10.0
        keys = np.concatenate([context[rules[j].sensor_id][0] - base + k * spacing for k, j in enumerate(windowed)])
        values = np.concatenate([context[rules[j].sensor_id][1] for j in windowed])
        sizes = [len(context[rules[j].sensor_id][0]) for j in windowed]
        windows = np.repeat([rules[j].window_minutes * 60.0 for j in windowed], sizes)
        accumulate = np.repeat([rules[j].kind == Rule.Kind.ACCUMULATION for j in windowed], sizes)
        full = engine.window_metrics(keys, values, windows, accumulate)
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        for k, j in enumerate(windowed):
            new_t = new[rules[j].sensor_id][0]
            # Every new reading is in the stored series; match within a millisecond (see _context).
            positions = np.searchsorted(keys, new_t - base + k * spacing - 0.001)
            metric[offsets[j] : offsets[j + 1]] = full[positions]
    return rule_of, t, metric, lengths


def _rule_set(rules: list[Rule]) -> engine.RuleSet:
    th = np.full((len(rules), 4), np.nan)
    for j, rule in enumerate(rules):
        for level_index, value in rule.levels():
            th[j, level_index] = value
    return engine.RuleSet(
        th,
        np.array([r.direction == Rule.Direction.ABOVE for r in rules], dtype=bool),
        np.array([r.effective_hysteresis() for r in rules]),
    )


@dataclass
class _Change:
    alarm: Alarm
    action: str
    level: str
    value: float
    at: dt.datetime


def evaluate(rows, *, now: dt.datetime, arrays=None) -> int:
    """Run every active rule of the sensors in `rows` and apply the alarm steps; returns how many.

    All rules are evaluated together in numpy; the (Python) alarm state machine runs only for the few
    rules where something can change: no alarm and a level reached, or an alarm and a higher level or
    a clearing reading."""
    if not rows:
        return 0
    new = storage.group_series(*(arrays or _arrays(rows)))
    rules = _active_rules(new)
    data_rules = [r for r in rules if r.kind != Rule.Kind.OFFLINE and r.levels()]
    open_alarms = {
        a.rule_id: a for a in Alarm.objects.filter(rule__in=rules, status__in=OPEN_STATUSES).order_by("opened_at")
    }
    changes: list[_Change] = []
    windows = _windows(data_rules)
    revisions = dict(Sensor.objects.filter(pk__in=list(windows)).values_list("pk", "revision")) if windows else {}
    context, covers = {}, {}
    if data_rules:
        context, covers = _context(windows, new, revisions)
        rule_of, t, metric, lengths = _metrics(data_rules, new, context)
        rule_set = _rule_set(data_rules)
        levels = engine.levels_many(metric, rule_of, rule_set)
        clear = engine.cleared_many(metric, rule_of, rule_set)
        offsets = np.concatenate(([0], np.cumsum(lengths)))[:-1]
        top = np.maximum.reduceat(levels, offsets)
        any_clear = np.logical_or.reduceat(clear, offsets)
        current = np.array(
            [LEVELS.index(open_alarms[r.pk].level) + 1 if r.pk in open_alarms else 0 for r in data_rules]
        )
        candidates = np.flatnonzero(np.where(current == 0, top > 0, (top > current) | any_clear))
        for j in candidates:
            a, b = offsets[j], offsets[j] + lengths[j]
            changes += _steps(
                data_rules[j],
                open_alarms.get(data_rules[j].pk),
                levels[a:b],
                clear[a:b],
                t[a:b],
                metric[a:b],
                int(current[j]),
            )
        for j, rule in enumerate(data_rules):  # the worst value an open alarm has seen
            alarm = open_alarms.get(rule.pk)
            if alarm is None or alarm.status == Alarm.Status.CLOSED or j in candidates:
                continue
            seg = metric[offsets[j] : offsets[j] + lengths[j]]
            peak = float(np.nanmax(seg)) if rule_set.above[j] else float(np.nanmin(seg))
            if alarm.peak_value is None or (peak > alarm.peak_value if rule_set.above[j] else peak < alarm.peak_value):
                alarm.peak_value = peak
                changes.append(_Change(alarm, "peak", alarm.level, peak, now))
    # Data arrived: offline alarms of these sensors recover.
    for rule in rules:
        alarm = open_alarms.get(rule.pk)
        if rule.kind == Rule.Kind.OFFLINE and alarm is not None:
            alarm.status, alarm.closed_at = Alarm.Status.CLOSED, now
            changes.append(_Change(alarm, "close", alarm.level, float("nan"), now))
    _apply(changes, actor="报警引擎")
    _refresh_sensors(new, now)
    if windows:
        _remember(windows, context, covers, revisions)
        # Another process ingesting the same sensor meanwhile makes the revision jump: forget those.
        after = Sensor.objects.filter(pk__in=list(windows)).values_list("pk", "revision")
        window_cache.drop([sid for sid, rev in after if rev != revisions.get(sid, 0) + 1])
    return sum(1 for c in changes if c.action != "peak")


def _steps(rule, alarm, levels, clear, t, metric, start_level) -> list[_Change]:
    changes = []
    steps, _ = engine.run(levels, clear, start_level)
    above = rule.direction == Rule.Direction.ABOVE
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
        elif step.action == "raise":
            alarm.level, alarm.raised_at, alarm.status = LEVELS[step.level - 1], at, Alarm.Status.OPEN
        else:
            alarm.status, alarm.closed_at = Alarm.Status.CLOSED, at
        changes.append(_Change(alarm, step.action, alarm.level, value, at))
        if step.action == "close":
            alarm = None
    if alarm is not None:
        peak = float(np.nanmax(metric)) if above else float(np.nanmin(metric))
        if alarm.peak_value is None or (peak > alarm.peak_value if above else peak < alarm.peak_value):
            alarm.peak_value = peak
            if not any(c.alarm is alarm for c in changes):
                changes.append(_Change(alarm, "peak", alarm.level, peak, dt.datetime.fromtimestamp(t[-1], dt.UTC)))
    return changes


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
    pairs, texts = [], []
    for c in steps:
        if c.action not in ("open", "raise"):
            continue
        sensor = sensors[c.alarm.sensor_id]
        rank = LEVELS.index(c.level)
        texts.append((c.alarm, c.level, sensor, _sms_text(c, sensor), f"{sensor.name} {LEVEL_LABELS[c.level]}"))
        message = Message(
            category="alarm",
            title=f"{LEVEL_LABELS[c.level]}报警：{sensor.name}（{sensor.region.name}）",
            body=f"{RULE_LABELS[c.alarm.rule.kind]}指标 {c.value:g}{sensor.unit}，"
            f"时间 {timezone.localtime(c.at):%m-%d %H:%M}。",
            link=reverse("monitoring:sensor_chart", kwargs={"pk": sensor.pk}),
            dedupe_key=f"alarm:{c.alarm.pk}:{c.level}",
        )
        pairs += [(uid, message) for uid, min_rank in notified.get(sensor.pk, []) if rank >= min_rank]
    notify_many(pairs)
    # The site's watchers have no accounts: they get an SMS, through notify's outbox in this transaction.
    from .alarm_sms import enqueue_alarm_sms

    enqueue_alarm_sms(texts)


def _sms_text(change, sensor) -> str:
    site = sensor.hazard_site.name if sensor.hazard_site_id else sensor.region.name
    from anlan.notify.texts import sender_name

    sender = sender_name()
    return (
        f"【{sender}】{site}{sensor.name}{LEVEL_LABELS[change.level]}报警：{RULE_LABELS[change.alarm.rule.kind]}"
        f"{change.value:g}{sensor.unit}（{timezone.localtime(change.at):%m-%d %H:%M}）。请立即到现场巡查，"
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


def _refresh_sensors(new: dict, now: dt.datetime) -> None:
    """Latest value and live status of every sensor that got data."""
    worst = defaultdict(int)
    for sid, level in Alarm.objects.filter(sensor_id__in=list(new), status__in=OPEN_STATUSES).values_list(
        "sensor_id", "level"
    ):
        worst[sid] = max(worst[sid], LEVELS.index(level) + 1)
    storage.update_sensors(
        [
            (
                sid,
                dt.datetime.fromtimestamp(t[-1], dt.UTC),
                float(v[-1]),
                LEVELS[worst[sid] - 1] if worst[sid] else Sensor.LiveStatus.NORMAL,
            )
            for sid, (t, v) in new.items()
        ]
    )


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
