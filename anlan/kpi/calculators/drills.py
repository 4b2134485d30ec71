"""Drills (anlan.drills): 应急演练覆盖率 = the county's townships and departments that held at least one drill in
the period / all of them (the seeds' "每年至少组织1次应急演练", drills compliance YEARLY rule). A drill counts as
the drills compliance table counts it: held or evaluated (services_drills.COUNTED), attributed to its
department when it has one, else to the township of its organising region. Three queries."""

import datetime as dt

from anlan.drills.models import Drill
from anlan.drills.services_drills import COUNTED
from anlan.geo.models import Region, RegionLevel
from anlan.kpi.computed import Figure, calculator, ratio
from anlan.registry.models import Department

from ._common import prefix


@calculator(
    "drills.coverage",
    label="乡镇和部门应急演练覆盖率",
    unit="%",
    formula="本期内组织过至少1次应急演练（已实施）的乡镇（街道）和县级部门 / 乡镇（街道）和县级部门总数",
)
def coverage(county_code: str, start: dt.date, end: dt.date) -> Figure:
    townships = set(
        Region.objects.filter(parent_id=county_code, level=RegionLevel.TOWNSHIP).values_list("code", flat=True)
    )
    departments = set(Department.objects.filter(region_id=county_code).values_list("pk", flat=True))
    drilled: set = set()
    for region_id, department_id in Drill.objects.filter(
        region__pk__startswith=prefix(county_code),
        status__in=COUNTED,
        enterprise__isnull=True,
        held_on__gte=start,
        held_on__lte=end,
    ).values_list("region_id", "department_id"):
        if department_id:
            drilled.add(("d", department_id))
        elif region_id and not region_id.endswith("000000"):
            drilled.add(("t", region_id[:9].ljust(12, "0")))
    done = sum(1 for kind, key in drilled if (key in departments if kind == "d" else key in townships))
    required = len(townships) + len(departments)
    figure = ratio(done, required)
    note = f"已演练 {done} 个单位 / 应演练 {required} 个（乡镇 {len(townships)} 个、部门 {len(departments)} 个）"
    return Figure(figure.value, figure.numerator, figure.denominator, note)
