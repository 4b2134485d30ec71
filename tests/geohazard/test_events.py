"""A 险情 or 灾情 recorded from a site's page: an incident in intake, graded by incidents.grading_geo, with the
速报 deadline of incidents.clocks (said to be a SECONDARY setting), listed on the site's page."""

import datetime as dt

import pytest
from django.test import override_settings

from anlan.geohazard import services
from anlan.geohazard.models import GeoEvent
from anlan.incidents.models import Incident
from anlan.testing.personas import persona

from .helpers import site

pytestmark = pytest.mark.django_db


def test_a_danger_from_the_site_page_becomes_a_graded_incident_with_its_report_deadline(client, tree):
    s = site(tree.village, "T-E-1", households=200, people=700)
    client.force_login(persona("township_officer"))
    form = client.get(f"/geohazard/sites/{s.pk}/event/").content.decode()
    assert "第二十八条" in form
    response = client.post(
        f"/geohazard/sites/{s.pk}/event/",
        {
            "stage": "danger",
            "occurred_at": "2026-12-04T08:30",
            "description": "坡体后缘裂缝贯通，前缘渗水",
            "people_threatened": 700,
            "people_to_relocate": 600,
            "potential_loss": "3000",
            "deaths": 0,
            "missing": 0,
            "injured": 0,
            "direct_loss": "0",
        },
        follow=True,
    )
    event = GeoEvent.objects.get(site=s)
    incident = event.incident
    assert incident.kind.name == "地质灾害" and incident.level == "II"  # 500 ≤ 600 < 1,000 people: 大型
    assert incident.status == Incident.Status.RECEIVED and incident.region_id == s.region_id
    page = response.content.decode()
    assert "大型（II级）" in page
    assert "地质灾害速报（大型）" in page
    due = incident.received_at + dt.timedelta(hours=4)
    assert services.report_deadlines(event)[0].due_at == due
    assert "参考值" in page and "ANLAN_GEO_REPORT_HOURS" in page  # the hours are SECONDARY: said on screen
    # The site's page lists it.
    detail = client.get(f"/sites/hazardsite/{s.pk}/").content.decode()
    assert "geohazard-site-panel" in detail and incident.number in detail


def test_a_disaster_is_graded_by_deaths_and_loss_and_the_deadline_follows_the_setting(tree):
    s = site(tree.village, "T-E-2")
    with override_settings(ANLAN_GEO_REPORT_HOURS={"III": 2}):
        event = services.event_record(
            actor=persona("county_operator"),
            site=s,
            stage="disaster",
            description="滑坡冲毁民房",
            deaths=3,
            direct_loss_10k_yuan=50,
        )
        assert event.incident.level == "III"  # 3 deaths: 中型 (lower bound included)
        (deadline,) = services.report_deadlines(event)
        assert deadline.due_at == event.incident.received_at + dt.timedelta(hours=2)


def test_a_flood_area_has_no_geological_event_and_other_townships_do_not_see_it(client, tree):
    flood = site(tree.village, "T-E-3", kind="flash_flood")
    client.force_login(persona("township_officer"))
    response = client.post(f"/geohazard/sites/{flood.pk}/event/", {"stage": "danger", "description": "x"})
    assert response.status_code == 400
    s = site(tree.village, "T-E-4")
    event = services.event_record(actor=persona("county_operator"), site=s, stage="danger", description="裂缝")
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/geohazard/events/{event.pk}/view/").status_code == 404
    assert client.get(f"/geohazard/sites/{s.pk}/event/").status_code == 404
