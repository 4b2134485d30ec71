"""Ingest: validate each item on its own, drop readings already stored, store, roll up,
evaluate, refresh live status."""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import storage
from ..models import Reading, Sensor
from .evaluation import _arrays, evaluate

MAX_FUTURE = dt.timedelta(minutes=5)  # device clocks drift; more than this is a wrong clock


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
    rows, seen, parsed, missing = [], set(), {}, object()
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
        raw = item.get("ts")
        # A gateway's batch reports many sensors at the same instants: each distinct time is parsed once.
        ts = parsed.get(raw, missing) if isinstance(raw, str) else None
        if ts is missing:
            ts = parsed[raw] = _parse_ts(raw, tz)
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
