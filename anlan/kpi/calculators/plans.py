"""Plans (anlan.plans): 预案备案率 = plans filed (已备案) / plans that must file with the county, as the plans
app states them (plans.status.states: a plan of a kind filed with the county, published on or before the
period's end; its latest filing round of that publication decides). Active plans of the county only."""

import datetime as dt

from anlan.kpi.computed import Figure, calculator, ratio
from anlan.plans import rules
from anlan.plans.models import Plan
from anlan.plans.status import states

from ._common import prefix

MUST_FILE = ("filed", "submitted", "returned", "due", "late")


@calculator(
    "plans.filing_rate",
    label="应急预案备案率",
    unit="%",
    formula="本期末已公布、须向县应急管理局备案的现行预案中，已备案的比例",
)
def filing_rate(county_code: str, start: dt.date, end: dt.date) -> Figure:
    plans = Plan.objects.filter(
        region__pk__startswith=prefix(county_code),
        active=True,
        published_on__isnull=False,
        published_on__lte=end,
        kind__in=rules.FILED_WITH_COUNTY,
    )
    found = states(plans, today=end).values()
    must = sum(1 for s in found if s.filing in MUST_FILE)
    filed = sum(1 for s in found if s.filing == "filed")
    figure = ratio(filed, must)
    return Figure(figure.value, figure.numerator, figure.denominator, f"已备案 {filed} 件 / 应备案 {must} 件")
