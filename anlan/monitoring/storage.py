"""Fast writes of readings and hourly rollups (the hot path of ingest), one code path per database.

SQLite: one `INSERT OR IGNORE` executemany. PostgreSQL: COPY into a temporary table, then one
`INSERT … SELECT … ON CONFLICT DO NOTHING`, which keeps COPY's speed and stays idempotent when two
ingests race. The benchmark's "plain bulk insert" uses the same function, so its ratio measures what
validation, rules and alarms cost on top of storing.
"""

import datetime as dt

from django.db import connection

from .models import Reading, ReadingHourly

TABLE = Reading._meta.db_table


def insert_readings(rows: list[tuple[int, dt.datetime, float]]) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
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
        else:
            adapt = connection.ops.adapt_datetimefield_value
            cursor.executemany(
                f"INSERT OR IGNORE INTO {TABLE} (sensor_id, ts, value) VALUES (%s, %s, %s)",
                [(sid, adapt(ts), value) for sid, ts, value in rows],
            )


def hour_of(ts: dt.datetime) -> dt.datetime:
    return ts.replace(minute=0, second=0, microsecond=0)


def merge_rollups(rows: list[tuple[int, dt.datetime, float]]) -> None:
    """Fold new (already deduplicated) readings into their hourly rollups: one read, one upsert."""
    batch: dict[tuple[int, dt.datetime], list] = {}
    for sid, ts, value in rows:
        key = (sid, hour_of(ts))
        agg = batch.get(key)
        if agg is None:
            batch[key] = [1, value, value, value]
        else:
            agg[0] += 1
            agg[1] = min(agg[1], value)
            agg[2] = max(agg[2], value)
            agg[3] += value
    if not batch:
        return
    sensors = {sid for sid, _ in batch}
    hours = {hour for _, hour in batch}
    existing = ReadingHourly.objects.filter(sensor_id__in=sensors, hour__in=hours).values_list(
        "sensor_id", "hour", "count", "min", "max", "sum"
    )
    for sid, hour, count, lo, hi, total in existing:
        agg = batch.get((sid, hour))
        if agg is not None:
            agg[0] += count
            agg[1] = min(agg[1], lo)
            agg[2] = max(agg[2], hi)
            agg[3] += total
    ReadingHourly.objects.bulk_create(
        [
            ReadingHourly(sensor_id=sid, hour=hour, count=c, min=lo, max=hi, sum=total)
            for (sid, hour), (c, lo, hi, total) in batch.items()
        ],
        update_conflicts=True,
        unique_fields=["sensor", "hour"],
        update_fields=["count", "min", "max", "sum"],
        batch_size=2000,
    )
