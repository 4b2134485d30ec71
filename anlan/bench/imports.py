"""`anlan bench import --rows N`: how long an Excel import of N persons holds the write lock.

Builds a person workbook (name, village, phone, two duty roles per row) in memory and imports it with
`core.excel.import_workbook` as a county operator, timing the phases through its progress callback: reading
and validation (reads only, no transaction) and the write (one transaction: bulk insert, many-to-many
rows, scope check, audit entries). Meanwhile a second thread writes a small row in its own transaction
every 50 ms and records how long each write waited: with the old import (everything in one transaction)
those writes waited for the whole import. Run it on a throw-away database: the persons stay.
"""

import io
import sys
import threading
import time
import uuid

import openpyxl
from django.db import connection, connections, transaction
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core import excel
from anlan.core.kit import config_for
from anlan.core.models import UsedChallenge
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Person


def person_workbook(villages: list[str], rows: int) -> io.BytesIO:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "所属区划", "手机号码", "责任类型"])
    for i in range(rows):
        ws.append([f"导入{i:06d}", villages[i % len(villages)], f"139{i:08d}", "网格员；防汛巡查责任人"])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "persons.xlsx"
    buffer.size = len(buffer.getvalue())
    return buffer


class _Writer(threading.Thread):
    """Another user's small writes during the import: each one's wait, in seconds."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.waits: list[float] = []
        self.failures = 0

    def run(self):
        try:
            while not self.stop.is_set():
                start = time.perf_counter()
                try:
                    with transaction.atomic():
                        UsedChallenge.objects.create(
                            digest=uuid.uuid4().hex, expires_at=timezone.now() + timezone.timedelta(minutes=1)
                        )
                    self.waits.append(time.perf_counter() - start)
                except Exception as exc:  # "database is locked" after the busy timeout
                    self.failures += 1
                    print(f"concurrent write failed: {exc}", file=sys.stderr)
                self.stop.wait(0.05)
        finally:
            connections.close_all()


def run(rows: int) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise SystemExit("没有已加载的县：请先运行 anlan load-demo")
    in_county = Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code[:6])
    villages = list(in_county.values_list("code", flat=True))
    operator, _ = User.objects.get_or_create(
        username="bench-import", defaults={"role": "county_operator", "region": county}
    )
    print(f"building a workbook of {rows} persons …", file=sys.stderr)
    workbook = person_workbook(villages, rows)
    marks: dict[str, float] = {}

    def progress(phase, done, total):
        marks.setdefault(phase, time.perf_counter())

    before = Person.objects.count()
    writer = _Writer()
    writer.start()
    print("importing …", file=sys.stderr)
    start = time.perf_counter()
    result = excel.import_workbook(config_for(Person), workbook, operator, progress)
    end = time.perf_counter()
    writer.stop.set()
    writer.join()
    if not result.ok:
        raise SystemExit(f"import failed: {result.errors[:3]}")
    written = Person.objects.count() - before
    waits = sorted(writer.waits) or [0.0]
    return {
        "database": connection.vendor,
        "rows": rows,
        "created": written,
        "total_s": round(end - start, 2),
        "read_and_validate_s": round(marks["write"] - start, 2),
        "write_transaction_s": round(end - marks["write"], 2),
        "concurrent_writes": len(writer.waits),
        "concurrent_write_failures": writer.failures,
        "concurrent_write_max_wait_s": round(waits[-1], 3),
        "concurrent_write_p50_wait_s": round(waits[len(waits) // 2], 3),
    }
