"""Patrols of the hazard sites (anlan.sites): 巡查完成率 = patrol tasks done / patrol tasks due in the period."""

import datetime as dt

from django.db.models import Count, Q

from anlan.kpi.computed import Figure, calculator, ratio
from anlan.sites.models import PatrolTask

from ._common import prefix


@calculator(
    "sites.patrol_completion",
    label="隐患点巡查完成率",
    unit="%",
    formula="截止日期在本期内的巡查任务中，已巡查打卡的比例",
)
def patrol_completion(county_code: str, start: dt.date, end: dt.date) -> Figure:
    row = (
        PatrolTask.objects.filter(site__region__pk__startswith=prefix(county_code), due__gte=start, due__lte=end)
        .order_by()
        .aggregate(planned=Count("pk"), done=Count("pk", filter=Q(status=PatrolTask.Status.DONE)))
    )
    figure = ratio(row["done"], row["planned"])
    note = f"已巡查 {row['done']} 次 / 应巡查 {row['planned']} 次"
    return Figure(figure.value, figure.numerator, figure.denominator, note)
