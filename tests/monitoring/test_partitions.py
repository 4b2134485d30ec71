"""Raw readings partitioned by month on PostgreSQL (issue 21 item 4): the migration's conversion,
partitions made ahead and on demand, retention by whole months, ingest's dedup across partitions."""

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.monitoring import partitions, services, storage
from anlan.monitoring.models import Reading, ReadingHourly, Sensor

conversion = importlib.import_module("anlan.monitoring.migrations.0004_reading_partitions")

UTC = dt.UTC


@pytest.fixture
def sensor(tree):
    return Sensor.objects.create(
        code="RG-P-001",
        name="分区测试雨量站",
        kind="rain_gauge",
        region=tree.village,
        lon=tree.village.center_lon or 0,
        lat=tree.village.center_lat or 0,
    )


def item(ts: dt.datetime, value: float) -> dict:
    return {"sensor": "RG-P-001", "ts": ts.isoformat(), "value": value}


def ingest_at(ts: dt.datetime, value: float):
    """Ingest one reading as if it arrived a minute after it was taken (ingest refuses old readings)."""
    return services.ingest([item(ts, value)], now=ts + dt.timedelta(minutes=1))


def relkind() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [partitions.TABLE])
        return cursor.fetchone()[0]


def where_stored() -> dict[dt.datetime, str]:
    """Each reading's time → the partition that holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ts, tableoid::regclass::text FROM {partitions.TABLE}")
        return dict(cursor.fetchall())


def test_months_and_names():
    assert partitions.months(dt.datetime(2025, 11, 30, 23, tzinfo=UTC), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    # A Beijing-time reading on 1 December, 07:00 is 30 November, 23:00 UTC: November's partition.
    beijing = dt.timezone(dt.timedelta(hours=8))
    assert partitions.month_of(dt.datetime(2026, 12, 1, 7, tzinfo=beijing)) == dt.date(2026, 11, 1)
    assert partitions.name_of(dt.date(2026, 12, 1)) == "monitoring_reading_p202612"


@pytest.mark.postgres_only  # native partitioning; SQLite keeps its one plain table
@pytest.mark.django_db
def test_migration_converts_a_plain_table_and_keeps_every_row(sensor):
    with connection.schema_editor() as editor:
        conversion.unpartition(None, editor)
    assert relkind() == "r"
    times = [
        dt.datetime(2025, 1, 15, 8, tzinfo=UTC),
        dt.datetime(2025, 3, 31, 23, 59, 59, tzinfo=UTC),
        dt.datetime(2025, 4, 1, tzinfo=UTC),
        timezone.now().replace(microsecond=0),
    ]
    Reading.objects.bulk_create([Reading(sensor=sensor, ts=ts, value=i + 0.5) for i, ts in enumerate(times)])
    before = set(Reading.objects.values_list("id", "sensor_id", "ts", "value"))
    with connection.cursor() as cursor:  # as if committed before the migration ran (pending FK checks done)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with connection.schema_editor() as editor:
        conversion.partition(None, editor)

    assert relkind() == "p"
    assert set(Reading.objects.values_list("id", "sensor_id", "ts", "value")) == before
    stored = where_stored()
    assert stored[times[0]] == "monitoring_reading_p202501"
    assert stored[times[1]] == "monitoring_reading_p202503"
    assert stored[times[2]] == "monitoring_reading_p202504"
    made = partitions.existing()
    # Every month from the oldest row's to three months ahead, none missing in between.
    last = partitions.month_of(timezone.now())
    for _ in range(3):
        last = partitions.next_month(last)
    assert sorted(made) == partitions.months(dt.date(2025, 1, 1), last)
    # New rows get ids after the copied ones; the ORM still works by id.
    new = Reading.objects.create(sensor=sensor, ts=timezone.now() + dt.timedelta(seconds=1), value=9.0)
    assert new.pk > max(row[0] for row in before)
    assert Reading.objects.get(pk=new.pk).value == 9.0


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_readings_land_in_their_months_partition_and_a_month_without_one_gets_it(sensor):
    now = timezone.now().replace(microsecond=0)
    assert services.ingest([item(now - dt.timedelta(minutes=1), 1.0)]).accepted == 1
    assert where_stored()[now - dt.timedelta(minutes=1)] == partitions.name_of(partitions.month_of(now))

    # Two months the migration did not make (long before it ran), in one transaction: each batch makes
    # its partition before storing, even after the previous batch's rows (pending FK checks) in the table.
    may, july = dt.datetime(2024, 5, 10, 6, tzinfo=UTC), dt.datetime(2024, 7, 2, 6, tzinfo=UTC)
    assert dt.date(2024, 5, 1) not in partitions.existing()
    assert ingest_at(may, 2.0).accepted == 1
    assert ingest_at(july, 3.0).accepted == 1
    stored = where_stored()
    assert stored[may] == "monitoring_reading_p202405" and stored[july] == "monitoring_reading_p202407"
    assert dt.date(2024, 6, 1) not in partitions.existing()  # only the months readings need
    assert ReadingHourly.objects.filter(sensor=sensor).count() == 3


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_partition_job_keeps_three_months_ahead():
    month = partitions.month_of(timezone.now())
    ahead = [partitions.next_month(month)]
    ahead += [partitions.next_month(ahead[-1]), partitions.next_month(partitions.next_month(ahead[-1]))]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {partitions.name_of(ahead[1])}")
    summary = services.partition_job(timezone.localdate())
    assert f"新建分区 1 个（{partitions.name_of(ahead[1])}）" in summary
    assert {month, *ahead} <= set(partitions.existing())
    assert "无需新建分区" in services.partition_job(timezone.localdate())


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_retention_drops_whole_old_months_deletes_the_boundary_and_keeps_rollups(sensor, settings):
    settings.ANLAN_READING_RETENTION_DAYS = 90
    now = timezone.now().replace(microsecond=0)
    cutoff = now - dt.timedelta(days=90)
    boundary = partitions.month_of(cutoff)
    before_boundary = boundary - dt.timedelta(days=1)
    older = dt.datetime(before_boundary.year, before_boundary.month, 15, 12, tzinfo=UTC)
    oldest = older - dt.timedelta(days=40)
    old_in_boundary = cutoff - dt.timedelta(minutes=30)
    kept = [cutoff + dt.timedelta(minutes=30), now - dt.timedelta(minutes=5)]
    for i, ts in enumerate([oldest, older, old_in_boundary, *kept]):
        assert ingest_at(ts, float(i)).accepted == 1
    rollups = ReadingHourly.objects.filter(sensor=sensor).count()
    doomed = {partitions.name_of(partitions.month_of(oldest)), partitions.name_of(partitions.month_of(older))}

    summary = services.retention_job(timezone.localdate())

    assert sorted(Reading.objects.values_list("ts", flat=True)) == kept
    assert not doomed & set(partitions.existing().values())
    assert partitions.name_of(boundary) in partitions.existing().values()
    assert ReadingHourly.objects.filter(sensor=sensor).count() == rollups == 5
    assert "整月分区 2 个" in summary and "边界月" in summary
    entry = AuditEntry.objects.filter(action="reading_retention").latest("id")
    assert {p["partition"] for p in entry.after["partitions_dropped"]} == doomed
    # Never analysed (made in this test), so counted: one reading each.
    assert [p["estimated_rows"] for p in entry.after["partitions_dropped"]] == [1, 1]
    boundary_rows = 1 if partitions.month_of(old_in_boundary) == boundary else 0
    assert entry.after["rows_deleted"] == boundary_rows


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_ingest_dedup_holds_across_partitions(sensor):
    now = timezone.now().replace(microsecond=0)
    last_month = partitions.month_of(now) - dt.timedelta(days=1)
    early = dt.datetime(last_month.year, last_month.month, last_month.day, 23, 59, tzinfo=UTC)
    items = [item(early, 1.0), item(now - dt.timedelta(minutes=2), 2.0)]
    first = services.ingest(items, now=now)
    assert first.accepted == 2, first.rejected
    again = services.ingest(items, now=now)
    assert again.accepted == 0 and [r["error"] for r in again.rejected] == ["重复：同一设备同一时间已有数据"] * 2
    # A concurrent writer's duplicate reaching COPY: the ON CONFLICT path stores only the new row.
    storage.insert_readings([(sensor.pk, early, 5.0), (sensor.pk, now - dt.timedelta(minutes=1), 3.0)])
    assert sorted(Reading.objects.values_list("value", flat=True)) == [1.0, 2.0, 3.0]
    assert sum(ReadingHourly.objects.filter(sensor=sensor).values_list("count", flat=True)) == 2  # ingest's two


@pytest.mark.django_db
def test_retention_is_audited_when_something_went(sensor, settings):
    settings.ANLAN_READING_RETENTION_DAYS = 2
    now = timezone.now().replace(microsecond=0)
    ingest_at(now - dt.timedelta(days=3), 1.0)
    ingest_at(now - dt.timedelta(minutes=5), 2.0)
    assert "1 条" in services.retention_job(timezone.localdate())
    entry = AuditEntry.objects.filter(action="reading_retention").latest("id")
    assert entry.after["rows_deleted"] == 1
    assert AuditEntry.objects.filter(action="reading_retention").count() == 1
    services.retention_job(timezone.localdate())  # nothing to delete: no entry
    assert AuditEntry.objects.filter(action="reading_retention").count() == 1
    summary = services.partition_job(timezone.localdate())
    if connection.vendor == "sqlite":
        assert summary == "SQLite 不分区，无需创建"
    else:
        assert "无需新建分区" in summary and "现有" in summary
