"""The map's place search: regions, enterprises, hazard sites, shelters and teams by name, within the user's
area, a few of each kind, with coordinates to fly to — one query per kind."""

import pytest

from anlan.geo.layers import all_place_searches
from anlan.geo.views import SEARCH_LIMIT
from anlan.resources.models import RescueTeam
from anlan.sites.models import HazardSite
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db
URL = "/geo/map/search/"


def search(client, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_township_is_found_by_name_with_where_to_fly(client, tree):
    client.force_login(persona("county_operator"))
    found = search(client, tree.township.name)
    region = next(p for p in found if p["kind"] == "region" and p["name"] == tree.township.name)
    assert region["kind_label"] == "行政区划" and region["where"] == tree.county.name
    assert (region["lon"], region["lat"]) == (tree.township.center_lon, tree.township.center_lat)
    assert region["zoom"] == 12


def test_every_kind_is_searched_and_limited(client, tree):
    assert {p.kind for p in all_place_searches()} == {"region", "enterprise", "hazard_site", "shelter", "rescue_team"}
    client.force_login(persona("county_operator"))
    site = HazardSite.objects.filter(region__code__startswith=tree.township.code[:9]).first()
    team = RescueTeam.objects.filter(region__code__startswith=tree.county.code[:6]).exclude(lon=None).first()
    assert any(p["kind"] == "hazard_site" and p["id"] == site.pk for p in search(client, site.name))
    assert any(p["kind"] == "rescue_team" and p["id"] == team.pk for p in search(client, team.name))
    many = search(client, "村")  # hundreds of villages, sites and teams carry 村
    for kind in {p["kind"] for p in many}:
        assert sum(p["kind"] == kind for p in many) <= SEARCH_LIMIT


def test_search_stays_within_the_users_area(client, tree):
    theirs = HazardSite.objects.filter(region__code__startswith=tree.other_township.code[:9]).first()
    client.force_login(persona("township_officer"))
    assert not any(p["kind"] == "hazard_site" and p["id"] == theirs.pk for p in search(client, theirs.name))
    assert not any(p["name"] == tree.other_township.name for p in search(client, tree.other_township.name))
    prefix = tree.township.code[:9]
    for place in search(client, "村"):
        if place["kind"] == "hazard_site":
            assert HazardSite.objects.get(pk=place["id"]).region_id.startswith(prefix)


def test_one_query_per_kind_and_a_clear_refusal_of_a_long_query(client):
    user = persona("county_operator")
    for place in all_place_searches():
        with count_queries() as queries:
            place.search(user, "镇", SEARCH_LIMIT)
        assert len(queries) == 1, place.kind
    client.force_login(user)
    assert search(client, "  ") == []
    response = client.get(URL, {"q": "山" * 51})
    assert response.status_code == 400 and "50" in response.json()["detail"]
    client.logout()
    assert client.get(URL, {"q": "镇"}).status_code == 302  # to the login page
