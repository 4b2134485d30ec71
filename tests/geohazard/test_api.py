"""The read-only API: a campaign's progress per township, scoped like the pages; events with their grade."""

import pytest
from rest_framework.test import APIClient

from anlan.geohazard import services
from anlan.testing.personas import persona

from .helpers import campaign, site

pytestmark = pytest.mark.django_db


def test_progress_and_events_through_the_api_stay_in_scope(tree, django_assert_max_num_queries):
    site(tree.village, "T-A-1")
    site(tree.other_village, "T-A-2")
    county = persona("county_operator")
    c = campaign(county, tree.county)
    event = services.event_record(actor=county, site=site(tree.village, "T-A-3"), stage="danger", description="裂缝")
    api = APIClient()
    api.force_authenticate(persona("township_officer"))
    rows = api.get(f"/api/v1/geohazard/campaigns/{c.pk}/progress/").json()
    assert [r["township"] for r in rows] == [tree.township.code]
    # The router's format suffix reaches the action too (the crawler found it answering 500).
    assert api.get(f"/api/v1/geohazard/campaigns/{c.pk}/progress.json/").json() == rows
    with django_assert_max_num_queries(12):
        checks = api.get("/api/v1/geohazard/checks/", {"campaign": c.pk}).json()["results"]
    assert checks and all(r["township"] == tree.township.code for r in checks)
    events = api.get("/api/v1/geohazard/events/").json()["results"]
    assert [(e["number"], e["level"], e["stage"]) for e in events] == [(event.incident.number, "IV", "danger")]
    api.force_authenticate(persona("other_township_officer"))
    assert api.get("/api/v1/geohazard/events/").json()["results"] == []
    assert api.post("/api/v1/geohazard/campaigns/", {}).status_code == 405
