import pytest

from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona


@pytest.fixture
def admin_client(client):
    client.force_login(persona("county_admin"))
    return client


@pytest.mark.django_db
def test_regions_list_contract(admin_client, tree):
    data = admin_client.get("/api/v1/regions/", {"parent": tree.county.code, "level": "township"}).json()
    assert data["count"] == 26 and set(data) == {"count", "next", "previous", "results"}
    item = data["results"][0]
    assert set(item) == {"code", "name", "level", "parent"}
    assert item["parent"] == tree.county.code and item["level"] == "township"


@pytest.mark.django_db
def test_region_detail_contract_has_wgs84_geojson_boundary(admin_client, tree):
    data = admin_client.get(f"/api/v1/regions/{tree.village.code}/").json()
    assert {"code", "name", "level", "parent", "boundary"} <= set(data)
    assert data["parent"] == tree.township.code
    assert data["boundary"]["type"] in {"Polygon", "MultiPolygon"}
    lon, lat = (
        data["boundary"]["coordinates"][0][0][:2]
        if data["boundary"]["type"] == "Polygon"
        else (data["boundary"]["coordinates"][0][0][0])
    )
    assert 109 < lon < 111 and 30 < lat < 32


@pytest.mark.django_db
def test_unknown_and_malformed_codes_get_chinese_messages(admin_client):
    missing = admin_client.get("/api/v1/regions/500237999999/")
    assert missing.status_code == 404 and "区划不存在" in missing.json()["detail"]
    assert "12位" in admin_client.get("/api/v1/regions/5002/").json()["detail"]
    bad = admin_client.get("/api/v1/regions/", {"parent": "500237999000"})
    assert bad.status_code == 400 and "区划不存在" in bad.json()["parent"][0]
    assert admin_client.get("/api/v1/regions/", {"level": "province"}).status_code == 400


@pytest.mark.django_db
def test_township_user_cannot_see_another_township_region(client, tree):
    client.force_login(persona("township_officer"))
    assert client.get(f"/api/v1/regions/{tree.other_township.code}/").status_code == 404
    assert client.get(f"/api/v1/regions/{tree.county.code}/").status_code == 200


@pytest.mark.django_db
def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/regions/").status_code == 401


@pytest.mark.django_db
def test_map_layers_are_scoped_and_take_a_fixed_number_of_queries(client, tree):
    client.force_login(persona("township_officer"))
    layers = client.get("/api/v1/map/layers/").json()["results"]
    assert {"county", "townships", "villages"} <= {layer["key"] for layer in layers}
    townships = client.get("/api/v1/map/layers/townships/").json()
    assert [f["properties"]["code"] for f in townships["features"]] == [tree.township.code]
    client.force_login(persona("county_admin"))
    with count_queries() as queries:
        villages = client.get("/api/v1/map/layers/villages/").json()
    assert len(villages["features"]) == 340
    region_queries = [q for q in queries.captured_queries if "geo_region" in q["sql"]]
    assert len(region_queries) == 1  # one query for all features, whatever their number


@pytest.mark.django_db
def test_locate_converts_phone_coordinates(admin_client, tree):
    from anlan.geo.coords import wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(tree.village.center_lon, tree.village.center_lat)
    data = admin_client.get("/api/v1/geo/locate/", {"lon": lon, "lat": lat, "crs": "gcj02"}).json()
    assert data["village"]["code"] == tree.village.code and data["township"]["code"] == tree.township.code
    assert admin_client.get("/api/v1/geo/locate/", {"lon": "x"}).status_code == 400


@pytest.mark.django_db
def test_openapi_schema_lists_the_contract_endpoints(admin_client):
    schema = admin_client.get("/api/v1/schema/", {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/regions/" in schema["paths"] and "/api/v1/regions/{code}/" in schema["paths"]
