"""Apps above monitoring act on opened and raised alarms through `register_on_alarm`: each hook gets the
batch's steps inside the ingest transaction, in its own savepoint — a failing hook is rolled back alone and the
readings and alarms are stored all the same."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.monitoring import hooks, services
from anlan.monitoring.models import Alarm, Reading, Rule, Sensor
from anlan.registry.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(hooks, "_ON_ALARM", {})
    return hooks


def test_hooks_see_open_and_raise_steps_and_a_failing_one_is_rolled_back_alone(registered, tree):
    sensor = Sensor.objects.create(
        code="HOOK-1",
        name="钩子测试",
        kind="water_level",
        unit="m",
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
    )
    Rule.objects.create(sensor=sensor, kind="threshold", yellow=1, red=3)
    seen = []

    def good(steps):
        seen.extend((s.action, s.level, s.value) for s in steps)
        return len(steps)

    def bad(steps):
        Department.objects.create(code="HOOK-BAD", name="不应保存", kind="water", region=tree.county)
        raise RuntimeError("broken follow-up")

    registered.register_on_alarm("a_bad", bad)
    registered.register_on_alarm("b_good", good)
    start = timezone.now() - dt.timedelta(minutes=20)
    for minutes, value in ((0, 0.5), (5, 1.5), (10, 1.8), (15, 3.5)):
        ts = (start + dt.timedelta(minutes=minutes)).isoformat()
        services.ingest([{"sensor": sensor.code, "ts": ts, "value": value}])
    assert seen == [("open", "yellow", 1.5), ("raise", "red", 3.5)]
    assert Alarm.objects.get(sensor=sensor).level == "red"
    assert Reading.objects.filter(sensor=sensor).count() == 4
    assert not Department.objects.filter(code="HOOK-BAD").exists()
