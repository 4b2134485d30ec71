"""`anlan bench lists --queries N`: the main list pages and APIs on the loaded database, to compare the
small and the large profile (issue 21 item 3: at `--profile large`, lists stay within 1.5× of the demo).

Each target is requested through the whole Django stack with the test client, in this process, as a county
operator created for the run (`--township`: a township operator of the county's first township), rolled back at
the end with everything the run wrote. For each target: wall time (p50, p95) and the CPU time of this process
per request (thread time: what the request costs the server, less disturbed by other processes on a busy
machine than wall time), the number of queries of one request (it should not grow with the rows) and the size
of the answer. The first requests warm
per-process caches and are not timed.
"""

import sys

from django.db import connection, transaction
from django.test import Client

from anlan.accounts.models import User
from anlan.bench.timing import time_get
from anlan.core.roles import Role
from anlan.geo.models import Region, RegionLevel
from anlan.hazards.models import HiddenHazard
from anlan.monitoring.models import ReadingHourly, Sensor
from anlan.registry.models import Enterprise

WARM = 3
TARGETS = (
    ("工作台", "/"),
    ("隐患列表", "/hazards/hiddenhazard/"),
    ("隐患列表（未销号）", "/hazards/hiddenhazard/?status=rectifying"),
    ("企业列表", "/registry/enterprise/"),
    ("监测设备列表", "/monitoring/sensor/"),
    ("区划列表", "/geo/region/"),
    # Lists whose filter and form offer every person by name (choice lists of people: core.fields.names_only).
    ("护林员列表", "/forestfire/ranger/"),
    ("人员列表", "/registry/person/"),
    ("api 态势", "/api/v1/situation/"),
    ("api 隐患", "/api/v1/hazards/"),
    ("api 企业", "/api/v1/enterprises/"),
    ("api 监测设备", "/api/v1/monitoring/sensors/"),
    ("api 乡镇", "/api/v1/regions/?level=township"),
    ("api 村", "/api/v1/regions/?level=village"),
)


class _Rollback(Exception):
    pass


def run(n: int, *, township: bool = False) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise RuntimeError("没有已加载的县：请先运行 anlan load-demo")
    c6 = county.code[:6]
    result = {
        "county": county.code,
        "vendor": connection.vendor,
        "requests": n,
        "as": "township operator" if township else "county operator",
        "rows": {
            "townships": Region.objects.filter(parent=county).count(),
            "villages": Region.objects.filter(level=RegionLevel.VILLAGE, code__startswith=c6).count(),
            "enterprises": Enterprise.objects.filter(region__code__startswith=c6).count(),
            "hidden_hazards": HiddenHazard.objects.filter(region__code__startswith=c6).count(),
            "sensors": Sensor.objects.filter(region__code__startswith=c6).count(),
            "hourly_rollups": ReadingHourly.objects.count(),
        },
        "targets": {},
    }
    try:
        with transaction.atomic():
            role, region = Role.COUNTY_OPERATOR, county
            if township:
                role, region = Role.TOWNSHIP_OPERATOR, Region.objects.filter(parent=county).order_by("code").first()
            user = User(username="bench_lists", role=role, region=region, must_change_password=False)
            user.set_unusable_password()
            user.save()
            client = Client()
            client.force_login(user)
            for name, url in TARGETS:
                print(f"{name} {url} …", file=sys.stderr)
                result["targets"][url] = {"name": name, **time_get(client, url, n, warm=WARM)}
            raise _Rollback
    except _Rollback:
        pass
    return result
