"""Finding 14 (issue 12): query values the API cannot read were ignored (a list came back as if they were
not sent); lists documented one way were served another. Now a bad value is a 400 naming the parameter
and the schema documents the envelope each list really has."""

import pytest

from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(persona("county_admin"))
    return client


@pytest.mark.parametrize("value", ["abc", "0", "-5", "1.5"])
def test_finding14_a_bad_page_size_is_a_400(admin, value):
    response = admin.get("/api/v1/hazards/", {"page_size": value})
    assert response.status_code == 400 and "page_size" in response.json()


def test_finding14_a_good_page_size_is_honoured_and_capped(admin):
    assert len(admin.get("/api/v1/rescue-teams/", {"page_size": 2}).json()["results"]) == 2
    assert admin.get("/api/v1/rescue-teams/", {"page_size": 100000}).status_code == 200


@pytest.mark.parametrize("url, name", [("/api/v1/hazards/", "overdue"), ("/api/v1/monitoring/sensors/", "active")])
def test_finding14_a_yes_no_filter_refuses_other_words(admin, url, name):
    response = admin.get(url, {name: "maybe"})
    assert response.status_code == 400 and name in response.json(), response.content
    assert admin.get(url, {name: "true"}).status_code == 200


def test_finding14_an_unknown_enum_value_is_a_400(admin):
    response = admin.get("/api/v1/hazards/", {"status": "nonsense"})
    assert response.status_code == 400 and "status" in response.json()


def test_finding14_map_layers_are_paged_as_documented(admin):
    body = admin.get("/api/v1/map/layers/", {"page_size": 2}).json()
    assert body["count"] > 2 and len(body["results"]) == 2 and body["next"]


def test_finding14_timeline_and_adequacy_are_documented_as_the_plain_lists_they_are(admin):
    from pathlib import Path

    import yaml

    schema = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())
    paths = schema["paths"]
    timeline = paths["/api/v1/incidents/{id}/timeline/"]["get"]["responses"]["200"]["content"]["application/json"]
    adequacy = paths["/api/v1/supplies/norms/adequacy/"]["post"]["responses"]["200"]["content"]["application/json"]
    layers = paths["/api/v1/map/layers/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert timeline["schema"]["type"] == "array" and adequacy["schema"]["type"] == "array"
    assert layers["schema"]["$ref"].endswith("PaginatedMapLayerList")


def test_finding14_not_yet_graded_is_documented_as_blank(admin):
    from pathlib import Path

    import yaml

    schema = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml").read_text())
    components = schema["components"]["schemas"]
    for component, field in (("Incident", "level"), ("Incident", "response_level"), ("RiskPoint", "grade")):
        refs = [item["$ref"] for item in components[component]["properties"][field]["oneOf"]]
        assert "#/components/schemas/BlankEnum" in refs, (component, field)


def test_finding14_a_nul_character_in_a_related_value_is_a_400(admin):
    """PostgreSQL refuses NUL in a query: the lookup of a related value raised DataError (a 500)."""
    response = admin.post(
        "/api/v1/supplies/movements/",
        {"item": "A\x00B", "kind": "receive", "quantity": 1},
        content_type="application/json",
    )
    assert response.status_code == 400 and "空字符" in response.json()["item"][0]


@pytest.mark.parametrize(("url", "name"), [("/api/v1/shelters/", "level"), ("/api/v1/hazards/", "overdue")])
def test_an_empty_value_for_a_parameter_with_fixed_values_is_a_400(admin, url, name):
    response = admin.get(url, {name: ""})
    assert response.status_code == 400 and "不能为空" in response.json()[name][0]


def test_pages_still_read_an_empty_choice_as_all(admin):
    assert admin.get("/resources/shelter/", {"level": ""}).status_code == 200
