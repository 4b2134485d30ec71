"""Fast writes of readings and hourly rollups (the hot path of ingest), one code path per database.

SQLite: one `INSERT OR IGNORE` executemany. PostgreSQL: the batch's monthly partitions made if
missing (see partitions), then COPY straight into the table (ingest has
already dropped duplicates); should a concurrent ingest have stored one of the rows meanwhile, COPY
into a temporary table and `INSERT … SELECT … ON CONFLICT DO NOTHING`, which stays idempotent.
The benchmark's "plain bulk insert" uses the same function, so its ratio measures what validation,
rules and alarms cost on top of storing.
"""

import datetime as dt

import numpy as np
from django.db import IntegrityError, connection, transaction

from anlan.core.kept import bump_generation

from . import partitions
from .models import LIVE_GENERATION, Reading, ReadingHourly, Sensor

TABLE = Reading._meta.db_table


def insert_readings(rows: list[tuple[int, dt.datetime, float]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The months of the batch get their partitions first (one catalogue query when they exist).
            partitions.ensure_for(min(r[1] for r in rows), max(r[1] for r in rows))
            _copy_postgresql(cursor, rows)
        else:
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TABLE} (sensor_id, ts, value) VALUES (%s, %s, %s)",
                [(sid, sqlite_text(ts), value) for sid, ts, value in rows],
            )


def _copy_postgresql(cursor, rows) -> None:
    """COPY straight into the table (duplicates were filtered before); if a concurrent ingest stored one
    of these readings meanwhile, go through a temporary table and ON CONFLICT DO NOTHING instead."""
    try:
        with transaction.atomic(), cursor.cursor.copy(f"COPY {TABLE} (sensor_id, ts, value) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    except (IntegrityError, connection.Database.IntegrityError):  # COPY goes past Django's error wrapping
        pass
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS anlan_reading_in "
        "(sensor_id bigint, ts timestamptz, value double precision) ON COMMIT DELETE ROWS"
    )
    with cursor.cursor.copy("COPY anlan_reading_in (sensor_id, ts, value) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {TABLE} (sensor_id, ts, value) SELECT sensor_id, ts, value FROM anlan_reading_in "
        "ON CONFLICT (sensor_id, ts) DO NOTHING"
    )
    cursor.execute("TRUNCATE anlan_reading_in")


def sqlite_text(ts: dt.datetime) -> str:
    """What Django stores in SQLite for an aware UTC datetime (naive UTC text), without its per-value checks."""
    return str(ts.replace(tzinfo=None))


def db_time(ts: dt.datetime):
    return sqlite_text(ts.astimezone(dt.UTC)) if connection.vendor == "sqlite" else ts


def series(sensor_ids, since: dt.datetime, until: dt.datetime) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Stored readings per sensor as (epoch seconds, values), sorted by time — raw SQL that returns
    epoch floats, because converting tens of thousands of datetimes is what makes the ORM slow here."""
    sensor_ids = list(sensor_ids)
    if not sensor_ids:
        return {}
    epoch = (
        "(julianday(ts) - 2440587.5) * 86400.0" if connection.vendor == "sqlite" else "extract(epoch from ts)::float8"
    )
    marks = ", ".join(["%s"] * len(sensor_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sensor_id, {epoch}, value FROM {TABLE} WHERE sensor_id IN ({marks}) AND ts >= %s AND ts <= %s",
            [*sensor_ids, db_time(since), db_time(until)],
        )
        rows = cursor.fetchall()
    if not rows:
        return {}
    arr = np.asarray(rows, dtype=float)
    return group_series(arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2])


def group_series(sid: np.ndarray, t: np.ndarray, v: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    order = np.lexsort((t, sid))
    sid, t, v = sid[order], t[order], v[order]
    cuts = np.flatnonzero(np.diff(sid)) + 1
    starts, ends = np.concatenate(([0], cuts)), np.concatenate((cuts, [len(sid)]))
    return {int(sid[a]): (t[a:b], v[a:b]) for a, b in zip(starts, ends, strict=True)}


def merge_rollups(sid: np.ndarray, t: np.ndarray, v: np.ndarray) -> None:
    """Fold new (already deduplicated) readings — sensor ids, epoch seconds, values — into their hourly
    rollups: grouped in numpy, then one upsert per sensor-hour (ON CONFLICT adds counts and sums,
    widens min and max)."""
    if not len(sid):
        return
    hour = np.floor(t / 3600.0) * 3600.0
    order = np.lexsort((hour, sid))
    sid, hour, v = sid[order], hour[order], v[order]
    starts = np.flatnonzero(np.concatenate(([True], (np.diff(sid) != 0) | (np.diff(hour) != 0))))
    counts = np.diff(np.concatenate((starts, [len(v)])))
    mins, maxs, sums = np.minimum.reduceat(v, starts), np.maximum.reduceat(v, starts), np.add.reduceat(v, starts)
    table = ReadingHourly._meta.db_table
    sqlite = connection.vendor == "sqlite"
    lo, hi = ("min", "max") if sqlite else ("least", "greatest")
    sql = (
        f"INSERT INTO {table} (sensor_id, hour, count, min, max, sum) VALUES (%s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT (sensor_id, hour) DO UPDATE SET count = {table}.count + excluded.count, "
        f"min = {lo}({table}.min, excluded.min), max = {hi}({table}.max, excluded.max), "
        f"sum = {table}.sum + excluded.sum"
    )
    hours = [dt.datetime.fromtimestamp(h, dt.UTC) for h in hour[starts].tolist()]
    if not sqlite:  # one statement over arrays: executemany costs a round trip per row on PostgreSQL
        values = (
            "SELECT * FROM unnest(%s::bigint[], %s::timestamptz[], %s::int[], %s::float8[], %s::float8[], %s::float8[])"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql.replace("VALUES (%s, %s, %s, %s, %s, %s)", values),
                [sid[starts].tolist(), hours, counts.tolist(), mins.tolist(), maxs.tolist(), sums.tolist()],
            )
        return
    params = [
        (s, sqlite_text(h) if sqlite else h, c, mn, mx, total)
        for s, h, c, mn, mx, total in zip(
            sid[starts].tolist(), hours, counts.tolist(), mins.tolist(), maxs.tolist(), sums.tolist(), strict=True
        )
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def update_sensors(rows: list[tuple[int, dt.datetime, float, str]]) -> None:
    """(sensor id, latest reading time, value, live status) after a batch. The latest value only moves
    forward — a late batch of old readings must not replace it — and each touched sensor's revision
    goes up by one (see window_cache).

    Not audited (a batch a minute per gateway): the live generation moves instead, once for the batch, so
    the kept sensors and alarms layers and lists see it (core.kept). Every batch that stores readings ends
    here after its alarm steps and peaks are written, so one bump covers them all."""
    if not rows:
        return
    table = Sensor._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS s SET "
                "last_value = CASE WHEN s.last_ts IS NULL OR s.last_ts <= d.ts THEN d.value ELSE s.last_value END, "
                "last_ts = CASE WHEN s.last_ts IS NULL OR s.last_ts <= d.ts THEN d.ts ELSE s.last_ts END, "
                "live_status = d.status, revision = s.revision + 1 "
                "FROM unnest(%s::bigint[], %s::timestamptz[], %s::float8[], %s::text[]) AS d(id, ts, value, status) "
                "WHERE s.id = d.id",
                [[r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET "
                "last_value = CASE WHEN last_ts IS NULL OR last_ts <= %s THEN %s ELSE last_value END, "
                "last_ts = CASE WHEN last_ts IS NULL OR last_ts <= %s THEN %s ELSE last_ts END, "
                "live_status = %s, revision = revision + 1 WHERE id = %s",
                [
                    (sqlite_text(ts), value, sqlite_text(ts), sqlite_text(ts), status, sid)
                    for sid, ts, value, status in rows
                ],
            )
    bump_generation(LIVE_GENERATION)


def mark_offline(sensor_ids: list[int]) -> None:
    """The offline watch's silent sensors are 离线 (their alarms are opened and audited beside it); the live
    generation moves, as after an ingest batch."""
    if not sensor_ids:
        return
    Sensor.objects.filter(pk__in=sensor_ids).update(live_status=Sensor.LiveStatus.OFFLINE)
    bump_generation(LIVE_GENERATION)
