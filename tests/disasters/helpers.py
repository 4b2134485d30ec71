"""Shared helpers of the disaster statistics tests: a process of the demo county and a second county."""

import datetime as dt

from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.disasters import services
from anlan.geo.models import Region, RegionLevel
from anlan.testing.personas import persona


def new_process(tree, *, hours_ago: float = 1, townships=None, name="强降雨洪涝", actor=None):
    return services.create_process(
        actor=actor or persona("county_operator"),
        name=name,
        hazard="flood",
        started_at=timezone.now() - dt.timedelta(hours=hours_ago),
        regions=[t.code for t in (townships or [tree.township, tree.other_township])],
    )


def other_county_operator() -> User:
    """A county operator of a second county (500238) with one township: outside the demo county's scope."""
    county = Region.objects.create(code="500238000000", name="邻县", level=RegionLevel.COUNTY)
    Region.objects.create(code="500238101000", name="邻县某镇", level=RegionLevel.TOWNSHIP, parent=county)
    return User.objects.create(username="neighbour_operator", role=Role.COUNTY_OPERATOR, region=county)
