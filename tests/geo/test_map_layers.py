"""The 一张图's layers as a user meets them: only their area, names instead of codes, a 详情 link they may
open, one query per layer whatever its size, and every layer explained (theme, symbol, legend)."""

import re

import pytest

from anlan.geo.layers import THEMES, all_layers, get_layer
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b\d{12}\b")
# The regional risk index aggregates six counts per region (risk.regional); every other layer is one query.
AGGREGATES = {"risk_index_townships", "risk_index_villages"}


def features(client, key: str) -> list[dict]:
    response = client.get(f"/api/v1/map/layers/{key}/")
    assert response.status_code == 200, response.content
    return response.json()["features"]


def test_every_layer_is_one_query_whatever_its_size():
    user = persona("county_operator")
    for layer in all_layers():
        if layer.key in AGGREGATES:
            continue
        with count_queries() as queries:
            found = layer.features(user, {})
        assert len(queries) == 1, (layer.key, len(found), [q["sql"][:120] for q in queries.captured_queries])


def test_a_township_officer_sees_only_its_township_on_every_point_layer(client, tree):
    prefix = tree.township.code[:9]
    client.force_login(persona("county_operator"))
    county = {key: features(client, key) for key in ("geohazard_sites", "rescue_teams", "hazards", "shelters")}
    client.force_login(persona("township_officer"))
    for key, everywhere in county.items():
        mine = features(client, key)
        assert mine, key
        assert len(mine) < len(everywhere), key
        assert all(f["properties"]["region"].startswith(prefix) for f in mine), key
    townships = features(client, "townships")
    assert [f["properties"]["name"] for f in townships] == [tree.township.name]


def test_popups_show_names_and_a_detail_link_never_a_raw_code(client):
    client.force_login(persona("county_operator"))
    for layer in all_layers():
        found = features(client, layer.key)
        for feature in found:
            props = feature["properties"]
            shown = [str(props.get(k)) for k in layer.labels if props.get(k) not in (None, "")]
            assert not any(CODE.search(value) for value in shown), (layer.key, shown)
            assert str(props.get(layer.title_field) or "").strip(), (layer.key, "a popup needs a heading")
        if layer.geometry == "point" and found:
            url = found[0]["properties"]["url"]
            assert client.get(url).status_code == 200, (layer.key, url)
    sites = features(client, "geohazard_sites")
    assert all(f["properties"]["region_label"] and f["properties"]["threatened_people"] is not None for f in sites)
    teams = features(client, "rescue_teams")
    assert all(f["properties"]["headcount"] >= 1 for f in teams)
    assert get_layer("rescue_teams").labels["headcount"] == "人数"


def test_a_link_is_given_only_to_a_role_that_may_open_the_record(client):
    from anlan.core.roles import role_allows
    from anlan.geo.models import Region
    from anlan.hazards.models import HiddenHazard

    for name in ("county_admin", "viewer"):
        user = persona(name)
        client.force_login(user)
        may_open = role_allows(user, "view", Region)
        assert all((f["properties"]["url"] is not None) == may_open for f in features(client, "townships")), name
        assert all(f["properties"]["url"] for f in features(client, "hazards")) == role_allows(
            user, "view", HiddenHazard
        )


def test_every_layer_says_its_theme_symbol_and_legend(client):
    client.force_login(persona("county_operator"))
    described = client.get("/api/v1/map/layers/").json()["results"]
    assert {d["group"] for d in described} <= set(THEMES)
    points = [d for d in described if d["geometry"] == "point"]
    # Two point layers of the same theme never look alike: shape or colour differs.
    looks = [(d["group"], d["symbol"], d["style"].get("fillColor")) for d in points]
    assert len(looks) == len(set(looks))
    dense = {d["key"] for d in described if d["cluster"]}
    assert {"geohazard_sites", "sensors", "enterprises", "rescue_teams", "hazards"} <= dense
    on_top = {d["key"] for d in described if d["top"]}
    assert on_top == {"alarms_open", "warnings_in_force", "incidents_active"}
    four = {d["key"]: [row["label"] for row in d["legend"]] for d in described}
    assert four["alarms_open"] == ["红色报警", "橙色报警", "黄色报警", "蓝色报警"]
    assert four["warnings_in_force"] == ["红色预警", "橙色预警", "黄色预警", "蓝色预警"]
    assert four["risk_points"][:4] == ["重大风险（红）", "较大风险（橙）", "一般风险（黄）", "低风险（蓝）"]


def test_the_database_built_layers_equal_the_python_built_ones(client):
    """Large plain layers are built as JSON by the database on the API's path: same features, same props."""
    import orjson

    user = persona("county_operator")
    fast = [layer for layer in all_layers() if layer.features_json is not None]
    assert {"geohazard_sites", "other_hazard_sites", "enterprises", "rescue_teams", "warehouses"} <= {
        layer.key for layer in fast
    }
    for layer in fast:
        by_db = sorted(orjson.loads(layer.features_json(user, {})), key=lambda f: f["id"])
        by_python = sorted(orjson.loads(orjson.dumps(layer.features(user, {}))), key=lambda f: f["id"])
        assert by_db == by_python, layer.key
        with count_queries() as queries:
            layer.features_json(user, {})
        assert len(queries) == 1


def test_names_with_quotes_backslashes_and_control_characters_stay_valid_json(client, tree):
    """The database writes free text into the layer's JSON itself (PostgreSQL: text pieces, not
    json_build_object): a name a user typed with quotes, a backslash, a line break or a control character, and a
    stored code the choices no longer list, come out as the same values the Python-built layer gives."""
    import orjson

    from anlan.sites.models import HazardSite

    village = tree.village
    awkward = HazardSite.objects.create(
        code='K"1\\2',
        name='老屋"后山"\\滑坡\n第二行\t\x01 😀',
        kind="landslide",
        scale="",
        monitoring="retired_method",  # no longer a choice: shown as stored
        region=village,
        lon=village.center_lon,
        lat=village.center_lat,
        threatened_people=7,
    )
    user = persona("county_operator")
    client.force_login(user)
    layer = get_layer("geohazard_sites")
    by_db = {f["id"]: f for f in features(client, "geohazard_sites")}  # the API's response parses as JSON
    by_python = {f["id"]: f for f in orjson.loads(orjson.dumps(layer.features(user, {})))}
    assert by_db[awkward.pk] == by_python[awkward.pk]
    props = by_db[awkward.pk]["properties"]
    assert props["name"] == awkward.name and props["code"] == awkward.code
    assert (props["kind"], props["scale"], props["monitoring"]) == ("滑坡", "", "retired_method")
    assert props["threatened_people"] == 7 and props["url"].endswith(f"/{awkward.pk}/")


@pytest.mark.postgres_only  # SQLite refuses NaN in a float column
def test_a_point_without_finite_coordinates_leaves_the_layer_valid(client, tree):
    """PostgreSQL stores NaN in a float column (SQLite refuses it): such a point cannot be drawn, and the layer
    the database writes stays one valid JSON array with every other point in it."""
    from anlan.sites.models import HazardSite

    client.force_login(persona("county_operator"))
    before = len(features(client, "geohazard_sites"))
    village = tree.village
    broken = HazardSite.objects.create(
        code="NAN-1", name="坐标异常点", kind="landslide", region=village, lon=float("nan"), lat=village.center_lat
    )
    found = features(client, "geohazard_sites")  # parses: no bare NaN in the array
    assert len(found) == before and broken.pk not in {f["id"] for f in found}
