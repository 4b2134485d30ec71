"""The large profile (`anlan load-demo --profile large`, issue 21): a large county inside the demo county's
real boundary, to hold lists and pages to the demo county's figures at scale.

Definition (issue 21 item 3): ≥ 50 townships, ≥ 800 villages, ≥ 10,000 enterprises, ≥ 100,000 hidden
hazards over several years, ≥ 5,000 sensors with a year of hourly rollups. How the loader gets there:
- the tree: LARGE_PLAN (4 街道, 24 镇, 24 乡, 820 村/社区) generated inside the real boundary;
- the register: every sector of demo/enterprises.py twenty-one times (10,248 + the 6 pattern enterprises),
  phones from a wide 199 01 block (the small register's 10,000-number block would run out);
- hidden hazards: ten per register enterprise found over the last 1,150 days (three years and two months),
  with the closed loop's history (most closed, some overdue, a few long stuck), audited per batch;
- monitoring: the demo's network on the larger tree plus five village devices (雨量、水位、土壤含水率、GNSS、
  裂缝) in each village, with their rules; for every device of the county a year of hourly rollups
  (ReadingHourly, ≈ 44 M rows, plain bulk inserts: executemany on SQLite, COPY on PostgreSQL) and the raw
  readings of the last two days (every 10 minutes), consistent with the rollups of those hours.
Everything draws from streams of its own (seed + 6000 …), so the small profile's data is unchanged.
Rollups and readings are derived measurements and not audited, as ingest does not audit them.
"""

import datetime as dt
import sys
import time
from collections.abc import Callable

import numpy as np
from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from anlan.geo.synth import CountyPlan
from anlan.monitoring import storage
from anlan.monitoring.models import Reading, ReadingHourly, Rule, Sensor

from .bulk import bulk_create_summarised
from .monitoring import CRACK, DISPLACEMENT_RATE, RAIN_1H, RAIN_3H, RAIN_24H, WATER_ABOVE_WARNING

__all__ = [
    "ENTERPRISE_SCALE",
    "HAZARDS_PER_ENTERPRISE",
    "HAZARD_HISTORY_DAYS",
    "LARGE_PLAN",
    "Progress",
    "hourly_series",
    "insert_rollups",
    "load_large_monitoring",
]

LARGE_PLAN = CountyPlan(streets=4, towns=24, townships=24, villages=820)
ENTERPRISE_SCALE = 21  # 488 register enterprises × 21 = 10,248
HAZARDS_PER_ENTERPRISE = 10.0
HAZARD_HISTORY_DAYS = 1150
ROLLUP_HOURS = 365 * 24
READING_HOURS = 48  # raw readings kept for the last two days
PER_HOUR = 6  # a device reports every 10 minutes
VILLAGE_DEVICES = (
    ("rain_gauge", "RG", "雨量站"),
    ("water_level", "WL", "水位站"),
    ("soil_moisture", "SM", "土壤含水率监测点"),
    ("gnss", "GN", "GNSS位移监测点"),
    ("crack", "CK", "裂缝监测点"),
)
SOIL_MOISTURE = {"yellow": 38, "orange": 42, "red": 46}  # % volumetric water content
SENSOR_CHUNK = 100  # sensors generated and inserted together (100 × 8,760 hours × 6 readings in memory)


class Progress:
    """Stage lines with elapsed seconds, on stderr (the command's summary stays on stdout)."""

    def __init__(self, out=None):
        self.out = out or sys.stderr
        self.start = self.last = time.monotonic()

    def __call__(self, text: str) -> None:
        now = time.monotonic()
        self.out.write(f"[{now - self.start:7.1f} s, +{now - self.last:6.1f} s] {text}\n")
        self.out.flush()
        self.last = now


# ---------------------------------------------------------------- devices


def _village_sensors(villages, departments) -> list[Sensor]:
    depts = {d.kind: d for d in departments}
    owner = {"rain_gauge": "meteorology", "water_level": "water", "soil_moisture": "natural_resources"}
    sensors = []
    for v in villages:
        for n, (kind, prefix, label) in enumerate(VILLAGE_DEVICES):
            # A few hundred metres around the village's centre, each device at its own spot.
            angle = n * 2 * np.pi / len(VILLAGE_DEVICES)
            sensors.append(
                Sensor(
                    code=f"{prefix}-{v.code}",
                    name=f"{v.name}{label}",
                    kind=kind,
                    unit=Sensor.DEFAULT_UNITS.get(kind, ""),
                    region=v,
                    department=depts.get(owner.get(kind, "natural_resources")),
                    station=f"{v.name}监测站",
                    lon=round(v.center_lon + 0.003 * float(np.cos(angle)), 6),
                    lat=round(v.center_lat + 0.003 * float(np.sin(angle)), 6),
                    synthetic=True,
                )
            )
    return sensors


def _rules(sensors) -> list[Rule]:
    rules = []
    for s in sensors:
        if s.kind == "rain_gauge":
            rules += [
                Rule(sensor=s, name="1小时雨量", kind="accumulation", window_minutes=60, **RAIN_1H),
                Rule(sensor=s, name="3小时雨量", kind="accumulation", window_minutes=180, **RAIN_3H),
                Rule(sensor=s, name="24小时雨量", kind="accumulation", window_minutes=1440, **RAIN_24H),
            ]
        elif s.kind == "water_level":
            rules.append(Rule(sensor=s, name="超警戒水位", kind="threshold", hysteresis=0.1, **WATER_ABOVE_WARNING))
        elif s.kind == "soil_moisture":
            rules.append(Rule(sensor=s, name="土壤含水率", kind="threshold", **SOIL_MOISTURE))
        elif s.kind == "gnss":
            rules.append(Rule(sensor=s, name="位移速率", kind="rate", window_minutes=60, **DISPLACEMENT_RATE))
        elif s.kind == "crack":
            rules.append(Rule(sensor=s, name="裂缝宽度", kind="threshold", **CRACK))
    return rules


# ---------------------------------------------------------------- measurements


def _season(hours: np.ndarray) -> np.ndarray:
    """0 in winter … 1 at the height of the flood season (mid-July), from epoch hours."""
    day_of_year = (hours / 24.0) % 365.25
    return 0.5 + 0.5 * np.cos(2 * np.pi * (day_of_year - 196) / 365.25)


def _trailing_mean(series: np.ndarray, window: int) -> np.ndarray:
    """Mean of each hour's last `window` hours (rivers and soil answer the rain of the days before)."""
    return np.convolve(series, np.ones(window) / window, mode="full")[: len(series)]


def hourly_series(kinds: list[str], first_hour: int, hours: int, rng, wet_days: np.ndarray) -> np.ndarray:
    """Readings of `len(kinds)` devices for `hours` clock hours from epoch hour `first_hour`: an array
    (devices, hours, PER_HOUR) with NaN where a reading was lost. Rain is in mm per 10 minutes (a county's
    wet days are shared: `wet_days`, one flag per day since `first_hour`); water level in m relative to
    the 警戒水位, higher in the flood season; soil moisture in %, following the rain; GNSS displacement
    and crack opening in mm, creeping slowly with noise."""
    n = len(kinds)
    epoch_hours = first_hour + np.arange(hours)
    season = _season(epoch_hours)  # (hours,)
    daily = np.sin(2 * np.pi * ((epoch_hours + 8) % 24) / 24.0)  # local time, peak mid-afternoon
    wet = wet_days[(np.arange(hours) // 24)]  # (hours,)
    out = np.empty((n, hours, PER_HOUR))
    kinds_arr = np.asarray(kinds)
    for kind in set(kinds):
        rows = np.flatnonzero(kinds_arr == kind)
        m = len(rows)
        if kind == "rain_gauge":
            # On a wet day about a third of the hours rain, more in the flood season; amounts are skewed.
            raining = rng.random((m, hours)) < wet * (0.2 + 0.3 * season)
            hourly = np.where(raining, rng.exponential(1.5 + 3.0 * season, (m, hours)), 0.0)
            parts = rng.dirichlet(np.ones(PER_HOUR), size=(m, hours))
            values = np.round(hourly[:, :, None] * parts, 1)
        elif kind == "water_level":
            base = rng.uniform(-2.5, -1.2, (m, 1))
            level = base + 0.9 * season + 0.3 * _trailing_mean(wet, 72)
            level = level + rng.normal(0, 0.03, (m, hours))
            values = np.round(level[:, :, None] + rng.normal(0, 0.01, (m, hours, PER_HOUR)), 2)
        elif kind == "soil_moisture":
            base = rng.uniform(16, 26, (m, 1))
            moist = base + 8 * season + 6 * _trailing_mean(wet, 48)
            moist = moist + rng.normal(0, 0.4, (m, hours))
            values = np.round(moist[:, :, None] + rng.normal(0, 0.1, (m, hours, PER_HOUR)), 1)
        elif kind == "gnss":
            creep = rng.uniform(0, 0.0015, (m, 1)) * np.arange(hours)  # mm per hour, a few mm a year
            shift = creep + rng.uniform(0, 20, (m, 1))
            values = np.round(shift[:, :, None] + rng.normal(0, 1.2, (m, hours, PER_HOUR)), 1)
        elif kind == "crack":
            creep = rng.uniform(0, 0.0008, (m, 1)) * np.arange(hours)
            opening = rng.uniform(3, 15, (m, 1)) + creep + 0.3 * daily
            values = np.round(opening[:, :, None] + rng.normal(0, 0.05, (m, hours, PER_HOUR)), 2)
        else:  # other kinds: a steady value with noise
            values = np.round(rng.uniform(10, 30, (m, 1, 1)) + rng.normal(0, 0.5, (m, hours, PER_HOUR)), 2)
        out[rows] = values
    # One reading in seventy is lost on the way (never a whole hour: the devices stay online).
    lost = rng.random((n, hours, PER_HOUR)) < 1 / 70
    lost[:, :, 0] = False
    out[lost] = np.nan
    return out


def rollups_of(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(count, min, max, sum) per device and hour of `hourly_series` output."""
    count = np.sum(~np.isnan(values), axis=2)
    return count, np.nanmin(values, axis=2), np.nanmax(values, axis=2), np.round(np.nansum(values, axis=2), 3)


def _hour_texts(first_hour: int, hours: int) -> list:
    stamps = [dt.datetime.fromtimestamp((first_hour + h) * 3600, dt.UTC) for h in range(hours)]
    return [storage.sqlite_text(s) for s in stamps] if connection.vendor == "sqlite" else stamps


def insert_rollups(rows) -> None:
    """Plain bulk insert of (sensor id, hour, count, min, max, sum) rows: the rollups of history, not merged
    (the loader writes them once, into sensors that have none)."""
    table = ReadingHourly._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (sensor_id, hour, count, min, max, sum) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (sensor_id, hour, count, min, max, sum) VALUES (%s, %s, %s, %s, %s, %s)", rows
            )


def write_measurements(
    sensors: list[Sensor],
    *,
    end: dt.datetime,
    rng,
    hours: int = ROLLUP_HOURS,
    reading_hours: int = READING_HOURS,
    progress: Callable | None = None,
) -> dict:
    """`hours` (a year) of hourly rollups up to the clock hour of `end` and the readings of the last
    `reading_hours` of them, for `sensors`; each device's latest reading becomes its current value."""
    last_hour = int(end.timestamp() // 3600)  # the current, unfinished hour is not in the rollups
    first_hour = last_hour - hours
    hour_values = _hour_texts(first_hour, hours)
    days = hours // 24 + 2
    wet_days = rng.random(days) < 0.25 + 0.3 * _season(first_hour + 24 * np.arange(days))
    rollup_rows = reading_rows = 0
    latest = []
    for start in range(0, len(sensors), SENSOR_CHUNK):
        chunk = sensors[start : start + SENSOR_CHUNK]
        values = hourly_series([s.kind for s in chunk], first_hour, hours, rng, wet_days)
        count, low, high, total = rollups_of(values)
        ids = [s.pk for s in chunk]
        rows = [
            (sid, hour, c, mn, mx, sm)
            for sid, c_row, mn_row, mx_row, sm_row in zip(
                ids, count.tolist(), low.tolist(), high.tolist(), total.tolist(), strict=True
            )
            for hour, c, mn, mx, sm in zip(hour_values, c_row, mn_row, mx_row, sm_row, strict=True)
        ]
        insert_rollups(rows)
        rollup_rows += len(rows)
        readings = []
        recent = values[:, -reading_hours:, :]
        base = (last_hour - reading_hours) * 3600
        for sid, per_sensor in zip(ids, recent.tolist(), strict=True):
            for h, per_hour in enumerate(per_sensor):
                for k, value in enumerate(per_hour):
                    if value == value:  # not NaN
                        ts = dt.datetime.fromtimestamp(base + h * 3600 + k * 600, dt.UTC)
                        readings.append((sid, ts, value))
            last = readings[-1]
            latest.append((sid, last[1], last[2], Sensor.LiveStatus.NORMAL))
        storage.insert_readings(readings)
        reading_rows += len(readings)
        if progress and (start // SENSOR_CHUNK) % 10 == 9:
            progress(f"  监测数据：{start + len(chunk)} / {len(sensors)} 台设备，小时统计 {rollup_rows:,} 条")
    storage.update_sensors(latest)
    return {"hourly_rollups": rollup_rows, "readings": reading_rows}


def load_large_monitoring(*, actor, seed: int, county, villages, departments, progress=None) -> dict:
    """Village devices and their rules, then measurements for every device of the county without any."""
    sensors = bulk_create_summarised(
        actor=actor, county=county, model=Sensor, instances=_village_sensors(villages, departments), label="监测设备"
    )
    Rule.objects.bulk_create(_rules(sensors), batch_size=2000)
    if progress:
        progress(f"村级监测设备 {len(sensors)} 台及其预警规则")
    bare = (
        Sensor.objects.filter(region__code__startswith=county.code[:6])
        .exclude(Exists(ReadingHourly.objects.filter(sensor=OuterRef("pk"))))
        .exclude(Exists(Reading.objects.filter(sensor=OuterRef("pk"))))
        .exclude(kind="video")
        .order_by("pk")
        .only("pk", "kind")
    )
    rng = np.random.default_rng(seed + 6100)
    written = write_measurements(list(bare), end=timezone.now(), rng=rng, progress=progress)
    return {"village_sensors": len(sensors), **written}
