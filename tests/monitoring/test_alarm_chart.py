"""The alarm list draws alarms per day by level, from the list's own filtered rows (one GROUP BY)."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from anlan.monitoring import selectors
from anlan.monitoring.models import Alarm, Rule
from anlan.testing.personas import persona
from tests.monitoring.test_ingest import gauge, iso, post  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def chart_json(page: str) -> dict:
    """The JSON the page embeds right after the chart box (json_script, no inline script)."""
    match = re.search(r'data-chart></div><script type="application/json">(.*?)</script>', page, re.S)
    return json.loads(match.group(1))


def test_alarms_per_day_by_level_follow_the_list_filters(client, gauge):  # noqa: F811
    Rule.objects.create(sensor=gauge, kind="threshold", yellow=10, red=50)
    post(client, [{"sensor": "RG-T-001", "ts": iso(3), "value": 12.0}])
    alarm = Alarm.objects.get(sensor=gauge)
    # An older red alarm, three days ago, closed: it counts on its own day and level.
    old = Alarm.objects.create(
        sensor=gauge, rule=alarm.rule, level="red", status="closed", opened_at=timezone.now() - dt.timedelta(days=3)
    )
    today = timezone.localdate()
    spec = selectors.alarms_by_day(Alarm.objects.restrict(persona("township_officer")))
    assert spec["unit"] == "次" and len(spec["categories"]) == 30
    assert spec["categories"][-1] == today.strftime("%m-%d")
    series = {s["name"]: s["data"] for s in spec["series"]}
    assert series["黄色"][-1] == Alarm.objects.filter(level="yellow", opened_at__date=today).count() >= 1
    old_day = spec["categories"].index(timezone.localtime(old.opened_at).strftime("%m-%d"))
    assert series["红色"][old_day] >= 1

    page = client.get("/monitoring/alarm/").content.decode()
    drawn = chart_json(page)
    assert {s["name"]: s["data"] for s in drawn["series"]} == series
    assert "vendor/echarts/echarts.min.js" in page and "anlan/chart.js" in page
    # Filtered by level, the chart shows only that level: the chart and the list agree.
    filtered = chart_json(client.get("/monitoring/alarm/?level=red").content.decode())
    assert sum(sum(s["data"]) for s in filtered["series"] if s["name"] != "红色") == 0
    # Another township's officer sees none of these alarms in the chart.
    client.force_login(persona("other_township_officer"))
    theirs = chart_json(client.get("/monitoring/alarm/").content.decode())
    assert (
        sum(s["data"][-1] for s in theirs["series"])
        == Alarm.objects.restrict(persona("other_township_officer")).filter(opened_at__date=today).count()
    )
