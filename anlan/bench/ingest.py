"""`anlan bench ingest --readings N`: readings per second through the real ingest path.

Adds 1,000 synthetic sensors in the loaded county (rain gauges with 1 h and 3 h accumulation rules,
water levels and GNSS displacement with multi-level thresholds), builds N readings as a device would
send them (dicts with ISO-8601 times, some crossing thresholds), and times `monitoring.services.ingest`
over batches (--batch; a data gateway posts thousands at a time): validation, duplicate checks,
storage, hourly rollups, every rule, alarms with their audit entries and notices, and sensor status.
Then it deletes those readings and times a plain insert of the same rows through the same storage
function, in the same database and the same run.
Everything is rolled back at the end.

`--existing N` (PostgreSQL): before the timed part, fill the readings table with N readings of the same
1,000 sensors spread evenly over the year before the measured readings, month by month, one
`INSERT … SELECT` over generate_series each (ids from a range taken from the table's identity), a past
month as a plain table indexed and then attached as its partition (see _fill), then ANALYZE; the fill's
time is reported. Ingest then checks duplicates and stores against a table of that size (partition
pruning keeps both on the current month's partition).
"""

import datetime as dt
import sys
import time

import numpy as np
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from anlan.geo.models import Region, RegionLevel
from anlan.monitoring import partitions, services, storage
from anlan.monitoring.models import Alarm, Reading, ReadingHourly, Rule, Sensor

BATCH = 100_000
SENSORS = 1000


class _Rollback(Exception):
    pass


def _sensors(villages) -> list[Sensor]:
    kinds = ["rain_gauge", "water_level", "gnss"]
    sensors = [
        Sensor(
            code=f"BENCH-{i:05d}",
            name=f"基准测试设备{i}",
            kind=kinds[i % 3],
            unit="",
            region=villages[i % len(villages)],
            lon=float(villages[i % len(villages)].center_lon or 0),
            lat=float(villages[i % len(villages)].center_lat or 0),
            synthetic=True,
        )
        for i in range(SENSORS)
    ]
    return Sensor.objects.bulk_create(sensors)


def _rules(sensors) -> None:
    rules = []
    for s in sensors:
        if s.kind == "rain_gauge":
            rules += [
                Rule(sensor=s, kind="accumulation", window_minutes=60, blue=20, yellow=30, orange=50, red=70),
                Rule(sensor=s, kind="accumulation", window_minutes=180, yellow=50, orange=80, red=100),
            ]
        elif s.kind == "water_level":
            rules.append(Rule(sensor=s, kind="threshold", yellow=8.0, orange=9.0, red=10.0))
        else:
            rules += [
                Rule(sensor=s, kind="threshold", yellow=30, red=60),
                Rule(sensor=s, kind="rate", window_minutes=60, yellow=5, red=20),
            ]
    Rule.objects.bulk_create(rules)


def _items(sensors, n: int, rng) -> list[dict]:
    per_sensor = max(1, n // len(sensors))
    end = timezone.now() - dt.timedelta(minutes=1)
    items = []
    for minute in range(per_sensor):  # time-major, as readings arrive
        ts = (end - dt.timedelta(minutes=per_sensor - minute)).isoformat()
        for s in sensors:
            if len(items) >= n:
                break
            # Mostly quiet weather; one sensor in twenty-five sits in a storm cell and raises alarms.
            storm = s.pk % 25 == 0
            if s.kind == "rain_gauge":
                value = float(rng.gamma(2.0, 0.6 if storm else 0.08))
            elif s.kind == "water_level":
                value = float((7.9 + minute * 0.01 if storm else 6.5) + rng.normal(0, 0.05))
            else:
                value = float(10 + minute * (0.3 if storm else 0.002) + rng.normal(0, 0.3))
            items.append({"sensor": s.code, "ts": ts, "value": round(value, 3)})
    return items


def _fill(sensors, existing: int, before: dt.datetime) -> dict:
    """`existing` readings of `sensors` (each sensor's quiet value), evenly spaced over the 365 days before
    `before`, month by month,
    sensor-major inside each month. A month without a partition is filled as a plain table, indexed after
    the insert, and attached (with a CHECK on its bounds, so attaching does not scan it again): several
    times faster than inserting through two b-tree indexes and a deferred foreign-key check per row. A
    month that has its partition already (the current one) is inserted into as it is."""
    per_sensor = max(1, existing // len(sensors))
    span = dt.timedelta(days=365)
    step = span / per_sensor
    first = before - span
    ids = [s.pk for s in sensors]
    # A quiet past (no rain, normal water level, a still slope), so that the measured batch raises the
    # same alarms as on an empty table and only the table's size differs.
    quiet = [{"rain_gauge": 0.0, "water_level": 6.5}.get(s.kind, 10.0) for s in sensors]
    have = partitions.existing()
    with connection.cursor() as cursor:  # ids: a range taken from the identity at once, not nextval per row
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [partitions.TABLE])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s)", [sequence])
        base = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, base + per_sensor * len(ids)])
    start = time.perf_counter()
    filled = 0
    # Months to attach first: attaching refuses a table with deferred checks pending on the parent.
    for month in sorted(partitions.months(first, before), key=lambda m: (m in have, m)):
        nxt = partitions.next_month(month)
        lo = max(first, dt.datetime(month.year, month.month, 1, tzinfo=dt.UTC))
        hi = min(before, dt.datetime(nxt.year, nxt.month, 1, tzinfo=dt.UTC))
        # The k-th reading of each sensor is at first + k·step; this month holds k in [k0, k1).
        k0 = -(-(lo - first) // step) if lo > first else 0
        k1 = min(per_sensor, -(-(hi - first) // step))
        if k1 <= k0:
            continue
        name = partitions.name_of(month)
        select = (
            "SELECT %s + (s.n - 1) * %s + k, s.id, %s + k * %s, s.quiet "
            "FROM unnest(%s::bigint[], %s::float8[]) WITH ORDINALITY AS s(id, quiet, n) "
            "CROSS JOIN generate_series(%s::bigint, %s::bigint) AS k"
        )
        params = [base, per_sensor, first, step, ids, quiet, k0, k1 - 1]
        with connection.cursor() as cursor:
            if month in have:
                cursor.execute(f"INSERT INTO {name} (id, sensor_id, ts, value) {select}", params)
                filled += cursor.rowcount
            else:
                lo_b, hi_b = f"{month:%Y-%m-%d} 00:00:00+00", f"{nxt:%Y-%m-%d} 00:00:00+00"
                cursor.execute(f"CREATE TABLE {name} (LIKE {partitions.TABLE})")
                cursor.execute(f"INSERT INTO {name} (id, sensor_id, ts, value) {select}", params)
                filled += cursor.rowcount
                cursor.execute(f"ALTER TABLE {name} ADD PRIMARY KEY (id, ts), ADD UNIQUE (sensor_id, ts)")
                cursor.execute(
                    f"ALTER TABLE {name} ADD CONSTRAINT {name}_bounds CHECK (ts >= '{lo_b}' AND ts < '{hi_b}')"
                )
                cursor.execute(f"ALTER TABLE {partitions.TABLE} ATTACH PARTITION {name} {partitions.bounds(month)}")
                cursor.execute(f"ALTER TABLE {name} DROP CONSTRAINT {name}_bounds")
        print(f"  {name}: {filled:,} rows so far, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {partitions.TABLE}")
    return {"existing": filled, "fill_seconds": round(time.perf_counter() - start, 1)}


def run(readings: int, seed: int = 1, batch: int = BATCH, existing: int = 0) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise SystemExit("没有已加载的县：请先运行 anlan load-demo")
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code[:6])[:400])
    if existing and not partitions.partitioned():
        raise SystemExit("--existing 只用于 PostgreSQL（按月分区的监测数据表）")
    rng = np.random.default_rng(seed)
    result = {}
    try:
        with transaction.atomic():
            sensors = _sensors(villages)
            _rules(sensors)
            items = _items(sensors, readings, rng)
            fill = {}
            if existing:
                earliest = dt.datetime.fromisoformat(items[0]["ts"])
                print(f"filling the readings table with {existing:,} existing readings …", file=sys.stderr)
                fill = _fill(sensors, existing, earliest)
                print(f"filled in {fill['fill_seconds']} s", file=sys.stderr)
            # A running server has its URL patterns loaded (alarm notices link to the sensor's chart); a fresh
            # process loads them at the first reverse(), ~1.8 s here, which is not ingest's cost.
            reverse("monitoring:sensor_chart", kwargs={"pk": sensors[0].pk})
            print(f"{len(items)} readings for {len(sensors)} sensors; ingesting …", file=sys.stderr)
            start = time.perf_counter()
            accepted = steps = 0
            for i in range(0, len(items), batch):
                outcome = services.ingest(items[i : i + batch])
                accepted += outcome.accepted
                steps += outcome.alarm_steps
            seconds = time.perf_counter() - start
            if accepted != len(items):
                raise SystemExit(f"只接收了 {accepted}/{len(items)} 条")
            alarms = Alarm.objects.filter(sensor__in=sensors).count()
            ids = {s.code: s.pk for s in sensors}
            rows = [(ids[it["sensor"]], dt.datetime.fromisoformat(it["ts"]), it["value"]) for it in items]
            Alarm.objects.filter(sensor__in=sensors).delete()
            first_ts = min(row[1] for row in rows)  # the measured readings only, not the --existing fill
            Reading.objects.filter(sensor__in=sensors, ts__gte=first_ts).delete()
            ReadingHourly.objects.filter(sensor__in=sensors).delete()
            print(
                f"ingested in {seconds:.2f} s ({steps} alarm steps, {alarms} alarms); plain insert …", file=sys.stderr
            )
            start = time.perf_counter()
            for i in range(0, len(rows), batch):
                with transaction.atomic():
                    storage.insert_readings(rows[i : i + batch])
            raw_seconds = time.perf_counter() - start
            per_second, raw = len(items) / seconds, len(rows) / raw_seconds
            result = {
                "readings": len(items),
                "seconds": round(seconds, 3),
                "per_second": round(per_second),
                "raw_insert_per_second": round(raw),
                "ratio": round(per_second / raw, 3),
                "alarm_steps": steps,
                "batch": batch,
                **fill,
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
