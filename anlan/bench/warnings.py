"""`anlan bench warnings --recipients N`: from "issue" to every delivery written to the outbox.

Registers N synthetic residents across the loaded county's villages (one encrypted phone value reused,
inserted with plain executemany: the setup is not what is measured), drafts a red warning over the
whole county, then times `alerts.services.warning_issue` as a county operator: CAP document built and
validated against the XSD, area resolved to regions, and the outbox written for every responsible
person, resident, enterprise and user. Peak memory is the process's maximum resident set. Everything is
rolled back at the end.
"""

import datetime as dt
import resource
import sys
import time

from django.db import connection, transaction
from django.utils import timezone

from anlan.accounts.models import User
from anlan.alerts import services
from anlan.alerts.models import Delivery, Resident, Warning
from anlan.core.fields import EncryptedCharField
from anlan.geo.models import Region, RegionLevel


class _Rollback(Exception):
    pass


def _residents(villages, n: int) -> None:
    phone = EncryptedCharField().get_prep_value("13900000000")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Resident._meta.db_table
    sql = (
        f"INSERT INTO {table} (name, region_id, household, phone, lon, lat, vulnerable, channel_order, created_at, "
        "updated_at, synthetic) VALUES (%s, %s, '', %s, NULL, NULL, %s, '', %s, %s, %s)"
    )
    with connection.cursor() as cursor:
        for start in range(0, n, 50_000):
            rows = [
                (f"居民{i}", villages[i % len(villages)].code, phone, False, now, now, True)
                for i in range(start, min(n, start + 50_000))
            ]
            cursor.executemany(sql, rows)


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
            print("issuing …", file=sys.stderr)
            start = time.perf_counter()
            services.warning_issue(actor=operator, warning=warning)
            seconds = time.perf_counter() - start
            written = Delivery.objects.filter(warning=warning).count()
            if written < recipients:
                raise SystemExit(f"发送队列只有 {written} 条，少于 {recipients}")
            result = {
                "recipients": written,
                "seconds": round(seconds, 3),
                "per_second": round(written / seconds),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
            raise _Rollback
    except _Rollback:
        pass
    return result
