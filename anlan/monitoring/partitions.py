"""Monthly partitions of the raw readings on PostgreSQL (issue 21).

On PostgreSQL `monitoring_reading` is partitioned by range of `ts`, one partition per calendar month in
UTC, named `monitoring_reading_pYYYYMM` (migration 0004 converts the table). SQLite keeps one plain table
and everything here is a no-op there.

Partitions are made ahead and on demand, never through a DEFAULT partition:
- the daily job `ensure_ahead` keeps the current month and the next `AHEAD` months;
- the storage path (`storage.insert_readings`) makes the months of a batch that have none before it
  writes (one catalogue query per batch when they all exist), so a late or backdated reading is stored
  whatever the job did.
A DEFAULT partition would make every new month's partition scan it under an exclusive lock, and rows
left in it escape both pruning and the whole-month drops of retention; with every writer going through
the storage path it is not needed.

Retention (`drop_before`) drops the partitions entirely older than the cut-off and deletes the rows of
the boundary month only; the hourly rollups live in their own table and are untouched.
"""

import datetime as dt
import re

from django.db import connection

from .models import Reading

TABLE = Reading._meta.db_table
AHEAD = 3  # months made ahead of the current one by the daily job
_LOCK = 0x616E6C616E5052  # advisory lock: one session at a time creates partitions ("anlanPR")
_NAME = re.compile(rf"^{TABLE}_p(\d{{4}})(\d{{2}})$")


def partitioned() -> bool:
    """True on PostgreSQL, where the readings table is partitioned by month."""
    return connection.vendor == "postgresql"


def month_of(ts: dt.datetime | dt.date) -> dt.date:
    if isinstance(ts, dt.datetime):
        ts = ts.astimezone(dt.UTC) if ts.tzinfo else ts
    return dt.date(ts.year, ts.month, 1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """Month starts from `first`'s month to `last`'s, inclusive."""
    out, month, last = [], month_of(first), month_of(last)
    while month <= last:
        out.append(month)
        month = next_month(month)
    return out


def name_of(month: dt.date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def bounds(month: dt.date) -> str:
    """The partition bound clause of a month (UTC)."""
    return f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+00') TO ('{next_month(month):%Y-%m-%d} 00:00:00+00')"


def existing() -> dict[dt.date, str]:
    """The partitions there are, by month (from the catalogue)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    out = {}
    for name in names:
        match = _NAME.match(name)
        if match:
            out[dt.date(int(match[1]), int(match[2]), 1)] = name
    return out


def ensure(wanted: list[dt.date]) -> list[str]:
    """Create the partitions of the months in `wanted` that have none; the names created."""
    if not wanted or not partitioned():
        return []
    names = {name_of(m): m for m in wanted}
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM unnest(%s::text[]) AS n WHERE to_regclass(n) IS NULL", [list(names)])
        missing = [row[0] for row in cursor.fetchall()]
        if not missing:
            return []
        # Two ingests may want the same new month: the second waits here, then finds it made.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        created = []
        for name in sorted(missing):
            month = names[name]
            cursor.execute("SELECT to_regclass(%s) IS NULL", [name])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(f"CREATE TABLE {name} PARTITION OF {TABLE} {bounds(month)}")
            created.append(name)
    return created


def ensure_for(first: dt.datetime, last: dt.datetime) -> list[str]:
    """Partitions for readings from `first` to `last` (a batch's earliest and latest times)."""
    return ensure(months(first, last)) if partitioned() else []


def ensure_ahead(today: dt.date | None = None) -> list[str]:
    """The current month's partition and the next AHEAD months'."""
    start = month_of(today or dt.datetime.now(dt.UTC))
    wanted = [start]
    for _ in range(AHEAD):
        wanted.append(next_month(wanted[-1]))
    return ensure(wanted)


def drop_before(cutoff: dt.datetime) -> tuple[list[tuple[str, int]], int]:
    """Retention: drop every partition whose month ends at or before `cutoff`, then delete the rows older
    than `cutoff` in the boundary month. Returns ([(partition, estimated rows)], rows deleted)."""
    cutoff_month = month_of(cutoff)
    old = [(m, name) for m, name in existing().items() if m < cutoff_month]
    dropped = []
    with connection.cursor() as cursor:
        if old:
            # DROP refuses a table with pending deferred FK checks (rows written earlier in this transaction):
            # run them now; every deferrable constraint here is Django's INITIALLY DEFERRED foreign key.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            # The planner's estimate: counting a month of readings only to report it would read it all. A
            # partition never analysed (-1: just made by the migration, say) is counted instead.
            cursor.execute(
                "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
                [[name for _, name in old]],
            )
            estimates = dict(cursor.fetchall())
            for name, rows in list(estimates.items()):
                if rows < 0:
                    cursor.execute(f"SELECT count(*) FROM {name}")
                    estimates[name] = cursor.fetchone()[0]
            for _, name in sorted(old):
                cursor.execute(f"DROP TABLE {name}")
                dropped.append((name, estimates.get(name, 0)))
        # Only the boundary month's partition can hold older rows now (pruning keeps the others out).
        cursor.execute(f"DELETE FROM {TABLE} WHERE ts < %s", [cutoff])
        deleted = cursor.rowcount
    return dropped, deleted
