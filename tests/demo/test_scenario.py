"""`anlan scenario` plays the storm → landslide exercise end to end on the demo county."""

from io import StringIO

import pytest
from django.core.management import call_command

from anlan.incidents.models import DispatchOrder, Incident
from anlan.resources.models import ShelterCheck
from anlan.supplies.models import Movement

pytestmark = pytest.mark.django_db


def test_the_storm_to_landslide_scenario_runs_through_every_step(tree):
    out = StringIO()
    call_command("scenario", "--user", "county_operator", stdout=out)
    text = out.getvalue()
    incident = Incident.objects.get(source="alarm")
    assert incident.alarm.sensor.kind in ("gnss", "crack") and incident.alarm.level == "red"
    assert incident.response_level == "III" and incident.status == "responding"
    assert incident.tasks.count() >= 7 and incident.reports.get().sent_at
    kinds = set(incident.timeline.values_list("kind", flat=True))
    assert {"intake", "alarm", "warning", "response", "task", "report", "order", "feedback", "evacuation"} <= kinds
    orders = DispatchOrder.objects.filter(incident=incident)
    assert orders.filter(kind="team", status="on_scene").exists() and orders.filter(kind="expert").exists()
    assert Movement.objects.filter(kind="allocate", reference=incident.number).exists()
    assert incident.evacuated > 0
    assert ShelterCheck.objects.filter(note=f"事件 {incident.number}").count() >= 1
    assert "7. 转移安置" in text and f"/incidents/{incident.pk}/map/" in text
