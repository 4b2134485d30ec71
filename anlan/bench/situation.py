"""`anlan bench situation --queries N`: p95 of the 工作台 (`/`) and of `GET /api/v1/situation/` on the loaded
database, for a county user and a township user.

Each request goes through the whole Django stack (middleware, login session, context processors, template)
with Django's test client, in this process, against the configured database. Two users are created for
the run — a county operator at the county and a township operator at its first township — and removed at
the end with everything the run wrote (sessions, audit of nothing: these pages only read), by rolling the
transaction back. The first requests of each target warm per-process caches and are not timed; the number
of queries of one request is reported beside the times (it does not depend on the number of rows).
`baseline` is the inbox page through the same stack: what any page with the header and menu costs on this
machine at this moment, so the 工作台's own share can be read off a busy machine's figures.
"""

import sys

from django.db import connection, transaction
from django.test import Client

from anlan.accounts.models import User
from anlan.bench.timing import time_get
from anlan.core.roles import Role
from anlan.geo.models import Region, RegionLevel

WARM = 5


class _Rollback(Exception):
    pass


def _user(username: str, role: str, region: Region) -> User:
    user = User(username=username, role=role, region=region, must_change_password=False)
    user.set_unusable_password()
    user.save()
    return user


def run(n: int) -> dict:
    county = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()
    if county is None:
        raise RuntimeError("没有已加载的县：请先运行 anlan load-demo")
    township = Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code").first()
    result = {"county": county.code, "township": township.code, "requests": n, "vendor": connection.vendor}
    try:
        with transaction.atomic():
            users = {
                "county": _user("bench_county", Role.COUNTY_OPERATOR, county),
                "township": _user("bench_township", Role.TOWNSHIP_OPERATOR, township),
            }
            for who, user in users.items():
                client = Client()
                client.force_login(user)
                for name, url in (("workbench", "/"), ("situation", "/api/v1/situation/"), ("baseline", "/inbox/")):
                    print(f"{who} {name} …", file=sys.stderr)
                    result[f"{name}_{who}"] = time_get(client, url, n, warm=WARM)
            raise _Rollback
    except _Rollback:
        pass
    return result
