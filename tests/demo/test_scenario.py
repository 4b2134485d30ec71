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


def test_the_storm_warning_opens_the_threatened_sites_with_households_partly_transferred(tree):
    from anlan.disasters import transfer
    from anlan.disasters.models import TransferActivation, TransferMark
    from anlan.sites.models import HazardSite, Household

    site = HazardSite.objects.filter(households__isnull=False).distinct().first()
    roster = Household.objects.filter(site=site, active=True)
    assert roster.count() == site.threatened_households  # the roster adds up to the registered figures
    assert sum(roster.values_list("people", flat=True)) == site.threatened_people
    out = StringIO()
    call_command("scenario", "--user", "county_operator", stdout=out)
    incident = Incident.objects.get(source="alarm")
    activations = list(TransferActivation.objects.filter(warning__isnull=False, status="open"))
    assert activations and all(a.source == "warning" for a in activations)
    total = transfer.total(transfer.activation_rates(activations).values())
    assert 0 < total.transferred_people < total.due_people  # partly transferred
    assert TransferMark.objects.filter(state="refused").exists() and TransferMark.objects.filter(state="away").exists()
    assert "3a. 预警启动" in out.getvalue()
    assert incident.pk
