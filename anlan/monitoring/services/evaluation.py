"""Rule evaluation: every active rule's metric computed in numpy (window rules from the
window cache), the engine run only where a level or a clearing reading occurs, then each
sensor's live status."""

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Count, Max

from .. import engine, storage, window_cache
from ..models import LEVELS, Alarm, Rule, Sensor
from .alarms import OPEN_STATUSES, _apply, _Change


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


def clear_rule_cache() -> None:
    """Forget the cached rules (tests restore the database to a snapshot whose rows may match the key)."""
    _rule_cache.update(version=None, by_sensor={})


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
        a.rule_id: a
        for a in Alarm.objects.real().filter(rule__in=rules, status__in=OPEN_STATUSES).order_by("opened_at")
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


def _refresh_sensors(new: dict, now: dt.datetime) -> None:
    """Latest value and live status of every sensor that got data."""
    worst = defaultdict(int)
    for sid, level in (
        Alarm.objects.real().filter(sensor_id__in=list(new), status__in=OPEN_STATUSES).values_list("sensor_id", "level")
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
