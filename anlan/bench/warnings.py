"""`anlan bench warnings --recipients N`: from "issue" to every delivery written to the outbox.

Registers N synthetic residents across the loaded county's villages (one encrypted phone value reused,
inserted with plain executemany: the setup is not what is measured), drafts a red warning over the
whole county, then times `alerts.services.warning_issue` as a county operator: CAP document built and
validated against the XSD, area resolved to regions, and the outbox written for every responsible
person, resident, enterprise and user. Peak memory is the process's maximum resident set. Everything is
rolled back at the end.

The ceiling is what the database alone needs: a plain INSERT … SELECT of the same rows (every recipient
of every source, constant tier/channel/text columns) into the same outbox table with its indexes, run
first inside a savepoint that is rolled back. `ratio` = seconds / ceiling_seconds: what targeting, CAP,
channel orders and text variants cost on top.
"""

import datetime as dt
import resource
import sys
import time

from django.db import connection, transaction
from django.utils import timezone

from anlan.accounts.models import User
from anlan.alerts import services
from anlan.alerts.models import Resident, Warning
from anlan.core import crypto
from anlan.core.fields import EncryptedCharField, normalise_phone
from anlan.geo.models import Region, RegionLevel
from anlan.notify import recipients as notify_recipients
from anlan.notify.models import Delivery, Notice


class _Rollback(Exception):
    pass


def _residents(villages, n: int) -> None:
    phone = EncryptedCharField().get_prep_value("13900000000")
    index = crypto.blind_index(normalise_phone("13900000000"))  # the searchable digest beside the cipher text
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Resident._meta.db_table
    sql = (
        f"INSERT INTO {table} (name, region_id, household, phone, phone_index, lon, lat, vulnerable, channel_order, "
        "created_at, updated_at, synthetic) VALUES (%s, %s, '', %s, %s, NULL, NULL, %s, '', %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, n, 50_000):
            rows = [
                (f"居民{i}", villages[i % len(villages)].code, phone, index, False, now, now, True)
                for i in range(start, min(n, start + 50_000))
            ]
            cursor.executemany(sql, rows)


def _ceiling() -> tuple[float, int]:
    """Seconds and rows of the plain INSERT … SELECT of every recipient into the outbox (rolled back)."""
    savepoint = transaction.savepoint()
    notice = Notice.objects.create(topic="bench:ceiling", title="ceiling")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = 0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for src in notify_recipients.sources():
            if not src.by_area:
                continue
            cursor.execute(
                f"INSERT INTO {Delivery._meta.db_table} ({notify_recipients.INSERT_COLUMNS}) "
                f"SELECT %s, '{src.kind}:' || id, {src.name}, {src.region}, 'resident', 'sms', 'queued', 0, %s, '', "
                f"'', '' FROM {src.table} WHERE {src.region} IS NOT NULL{src.condition}",
                [notice.pk, now],
            )
            rows += max(cursor.rowcount, 0)
    seconds = time.perf_counter() - start
    transaction.savepoint_rollback(savepoint)
    return seconds, rows


def run(recipients: int) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise SystemExit("没有已加载的县：请先运行 anlan load-demo")
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=county.code[:6]))
    result = {}
    try:
        with transaction.atomic():
            operator = User.objects.create(username="bench-warnings", role="county_operator", region=county)
            print(f"registering {recipients} residents in {len(villages)} villages …", file=sys.stderr)
            _residents(villages, recipients)
            warning = Warning(
                region=county,
                event="暴雨",
                category="Met",
                level="red",
                urgency="Immediate",
                severity="Extreme",
                certainty="Likely",
                headline="暴雨红色预警",
                description="基准测试",
                instruction="立即转移",
                expires=timezone.now() + dt.timedelta(hours=6),
            )
            warning = services.warning_create(actor=operator, warning=warning, regions=[county])
            print("ceiling: plain INSERT … SELECT of the same rows …", file=sys.stderr)
            ceiling, ceiling_rows = _ceiling()
            print("issuing …", file=sys.stderr)
            start = time.perf_counter()
            services.warning_issue(actor=operator, warning=warning)
            seconds = time.perf_counter() - start
            written = services.deliveries(warning).count()
            if written < recipients:
                raise SystemExit(f"发送队列只有 {written} 条，少于 {recipients}")
            result = {
                "recipients": written,
                "seconds": round(seconds, 3),
                "per_second": round(written / seconds),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "ceiling_seconds": round(ceiling, 3),
                "ratio": round(seconds / ceiling, 2),
            }
            print(f"ceiling wrote {ceiling_rows} rows", file=sys.stderr)
            raise _Rollback
    except _Rollback:
        pass
    return result
