"""`GET /api/v1/situation/?region=CODE` (CONTRACT.md, "Situation"): its keys, each figure equal to the list
endpoint for the same region, the caller's scope (404 outside it), who is on duty, a fixed number of queries."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.duty.models import Post, Shift
from anlan.duty.selectors import on_duty
from anlan.hazards.models import HiddenHazard
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

from .conftest import hazard

KEYS = {
    *("region", "at", "alarms_open", "warnings_in_force", "incidents_active", "hazards_open", "hazards_overdue"),
    *("patrols_missed_today", "on_duty"),
}


def situation(client, name, region=None):
    client.force_login(persona(name))
    return client.get("/api/v1/situation/", {"region": region} if region else {})


def listed(client, url, **params) -> int:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.content[:300])
    return response.json()["count"]


def assert_equals_the_lists(client, document):
    code = document["region"]
    for level, n in document["alarms_open"].items():
        assert n == listed(client, "/api/v1/monitoring/alarms/", region=code, open="true", level=level), level
    assert document["warnings_in_force"] == listed(client, "/api/v1/warnings/", region=code, in_force="true")
    assert document["incidents_active"] == listed(client, "/api/v1/incidents/", region=code, active="true")
    assert document["hazards_open"] == listed(client, "/api/v1/hazards/", region=code, open="true")
    assert document["hazards_overdue"] == listed(client, "/api/v1/hazards/", region=code, overdue="true")
    # Patrol tasks have no API list: the figure equals the 巡查任务 list page with the same filter.
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    page = client.get(
        "/sites/patroltask/", {"region": code, "status": "missed", "due_from": yesterday, "due_to": yesterday}
    )
    assert document["patrols_missed_today"] == page.context["page"].paginator.count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("county_operator", None),
        ("county_operator", "township"),
        ("county_admin", "village"),
        ("township_officer", None),
        ("township_officer", "village"),
        ("department_operator", None),
        ("viewer", "township"),
    ],
)
def test_each_figure_equals_its_list_endpoint(client, busy, name, region):
    code = getattr(busy, region).code if region else None
    response = situation(client, name, code)
    assert response.status_code == 200
    document = response.json()
    assert set(document) == KEYS
    assert set(document["alarms_open"]) == {"blue", "yellow", "orange", "red"}
    assert set(document["on_duty"]) == {"leader", "officers"}
    assert document["region"] == (code or persona(name).region_id)
    dt.datetime.fromisoformat(document["at"])
    assert_equals_the_lists(client, document)


@pytest.mark.django_db
def test_the_figures_count_the_busy_day(client, busy):
    county = situation(client, "county_operator").json()
    township = situation(client, "township_officer").json()
    assert county["alarms_open"]["red"] >= 2 and township["alarms_open"]["red"] >= 1
    assert township["alarms_open"]["yellow"] == county["alarms_open"]["yellow"]  # the closed one is not counted
    assert county["incidents_active"] >= 2 and township["incidents_active"] >= 1
    assert county["warnings_in_force"] >= 2 and township["warnings_in_force"] >= 1
    assert county["hazards_overdue"] > township["hazards_overdue"] >= 1
    assert county["patrols_missed_today"] > township["patrols_missed_today"] >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["other_township", "other_village", "unknown", "garbage", "county"])
def test_a_region_outside_the_callers_scope_is_404(client, busy, code):
    region = {"unknown": "500237999000", "garbage": "50023x"}.get(code) or getattr(busy, code).code
    response = situation(client, "township_officer", region)
    assert response.status_code == 404
    assert response.json()["code"] == "region.not_found"


@pytest.mark.django_db
def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/situation/").status_code in (401, 403)


@pytest.mark.django_db
def test_an_enterprise_user_counts_its_own_enterprise_only(client, busy):
    user = persona("enterprise_user")
    document = situation(client, "enterprise_user").json()
    own = HiddenHazard.objects.filter(enterprise=user.enterprise).exclude(status="closed")
    assert document["hazards_open"] == own.count() >= 2
    assert document["hazards_overdue"] == own.filter(deadline__lt=timezone.localdate()).count() >= 1
    assert_equals_the_lists(client, document)


@pytest.mark.django_db
def test_on_duty_names_the_desk_of_the_region(client, busy):
    now = timezone.now()
    leader, officer = persona("county_operator"), persona("township_officer")
    for user, post in ((leader, Post.LEADER), (officer, Post.OFFICER)):
        Shift.objects.create(
            desk_id=busy.township.code, user=user, post=post,
            starts=now - dt.timedelta(hours=2), ends=now + dt.timedelta(hours=6),
        )  # fmt: skip
    desk = on_duty(busy.township.code)
    expected = {"leader": [u.username for u in desk.leaders], "officers": [u.username for u in desk.officers]}
    assert leader.username in expected["leader"] and officer.username in expected["officers"]
    for region in (busy.township.code, busy.village.code):  # a village answers to its township's desk
        assert situation(client, "county_operator", region).json()["on_duty"] == expected
    county = situation(client, "county_operator").json()["on_duty"]
    assert officer.username not in county["officers"]


@pytest.mark.django_db
def test_the_situation_makes_a_fixed_number_of_queries(client, busy):
    situation(client, "county_operator")
    with count_queries() as first:
        assert situation(client, "county_operator").status_code == 200
    for village in (busy.village, busy.other_village):
        for _ in range(20):
            hazard(village)
    with count_queries() as second:
        assert situation(client, "county_operator").status_code == 200
    assert len(second) == len(first)


@pytest.mark.django_db
def test_a_cancelled_warning_leaves_the_figure_and_the_list(client, tree):
    """A 解除 is issued as a follower carrying the original's expiry: it ends a warning, it is not one."""
    from anlan.alerts import services as warning_services
    from tests.alerts.helpers import issue_warning

    warning = issue_warning(tree, regions=[tree.township])
    before = situation(client, "county_operator").json()["warnings_in_force"]
    warning_services.warning_follow_up(actor=persona("county_operator"), warning=warning, msg_type="Cancel")
    document = situation(client, "county_operator").json()
    assert document["warnings_in_force"] == before - 1
    assert_equals_the_lists(client, document)


@pytest.mark.django_db
def test_a_user_without_a_region_reads_no_desk(client, tree):
    user = persona("county_operator")
    user.region = None
    user.save(update_fields=["region"])
    client.force_login(user)
    assert client.get("/api/v1/situation/", {"region": tree.county.code}).status_code == 404
