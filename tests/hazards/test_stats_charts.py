"""隐患统计 draws the closure trend by month and each township's closed / open / overdue hazards."""

import json
import re

import pytest
from django.utils import timezone

from anlan.hazards import stats
from anlan.testing.personas import persona
from tests.hazards.test_reports import close, new_hazard

pytestmark = pytest.mark.django_db


def test_trend_and_township_chart_agree_with_the_table(client, tree):
    user = persona("township_officer")
    before = stats.closure_trend(user)
    close(new_hazard(tree.village))
    new_hazard(tree.village, days=-2)
    trend = stats.closure_trend(user)
    month = timezone.localdate().strftime("%Y-%m")
    assert trend["categories"][-1] == month and len(trend["categories"]) == 12
    reported, closed = (s["data"][-1] for s in trend["series"])
    assert reported == before["series"][0]["data"][-1] + 2
    assert closed == before["series"][1]["data"][-1] + 1

    tables = stats.hazard_statistics(user)
    chart = stats.township_chart(tables["乡镇（街道）"])
    line = next(line for line in tables["乡镇（街道）"] if line.label == tree.township.name)
    assert chart["categories"] == [tree.township.name]
    done, in_time, late = (s["data"][0] for s in chart["series"])
    assert (done, in_time, late) == (line.closed, line.open - line.overdue, line.overdue)
    overdue = stats.overdue_by_township(user)
    assert overdue == [(tree.township.code, tree.township.name, line.overdue)]

    client.force_login(user)
    page = client.get("/hazards/stats/").content.decode()
    drawn = [
        json.loads(m)
        for m in re.findall(r'data-chart></div><script type="application/json">(.*?)</script>', page, re.S)
    ]
    assert drawn == [trend, chart]
