import io
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command

from anlan.geo import spatial
from anlan.geo.models import TravelProfile
from anlan.geo.routing import OsrmRouter, StraightLineRouter, TravelParams, travel_params
from anlan.resources.models import RescueTeam, Shelter
from anlan.resources.nearest import nearest_shelters, nearest_teams, nearest_warehouses
from anlan.resources.services import shelter_check
from anlan.testing.personas import persona


@pytest.mark.django_db
def test_nearest_teams_are_ordered_scoped_and_estimated(tree):
    lon, lat = tree.village.center_lon, tree.village.center_lat
    found = nearest_teams(persona("county_admin"), lon, lat, k=5)
    assert len(found) == 5
    assert [n.distance_m for n in found] == sorted(n.distance_m for n in found)
    first = found[0]
    assert first.method == "straight_line"
    assert first.road_m == pytest.approx(first.distance_m * 1.6, rel=1e-3)
    assert first.eta_minutes == pytest.approx(first.road_m / 1000 / 35 * 60, abs=0.1)
    own = nearest_teams(persona("township_officer"), lon, lat, k=50)
    assert own and all(n.region.startswith(tree.township.code[:9]) for n in own)


@pytest.mark.django_db
def test_cached_index_sees_new_and_unready_teams(tree):
    admin = persona("county_admin")
    lon, lat = 109.95, 31.15
    before = nearest_teams(admin, lon, lat, k=1)[0]
    team = RescueTeam.objects.create(
        name="就在这里",
        kind="village",
        region=tree.village,
        headcount=5,
        lon=lon,
        lat=lat,
        leader="x",
        leader_phone="13800000000",
    )
    assert nearest_teams(admin, lon, lat, k=1)[0].id == team.pk
    team.readiness = "deployed"
    team.save()
    assert nearest_teams(admin, lon, lat, k=1)[0].id == before.id


@pytest.mark.django_db
def test_nearest_shelters_need_free_capacity(tree):
    admin = persona("county_admin")
    shelter = Shelter.objects.order_by("pk").first()
    found = nearest_shelters(admin, shelter.lon, shelter.lat, k=1)
    assert found[0].id == shelter.pk and found[0].detail["free"] == shelter.capacity
    shelter_check(actor=admin, shelter=shelter, kind="in", people=shelter.capacity)
    assert nearest_shelters(admin, shelter.lon, shelter.lat, k=1)[0].id != shelter.pk


@pytest.mark.django_db
def test_nearest_warehouses_with_an_item_in_stock(tree):
    admin = persona("county_admin")
    found = nearest_warehouses(admin, tree.county.center_lon, tree.county.center_lat, k=3, item="1010202")
    # Only the county depot stocks blankets in the demo.
    assert [n.name for n in found] == ["巫山县应急物资储备库"]
    assert float(found[0].detail["in_stock"]) == 1500


@pytest.mark.django_db
def test_travel_profile_of_the_nearest_ancestor_applies(tree):
    TravelProfile.objects.create(region=tree.township, road_factor=2.0, speed_kmh=20)
    assert travel_params(tree.village.code) == TravelParams(2.0, 20)
    assert travel_params(tree.other_village.code) == TravelParams(1.6, 35)


def test_point_index_matches_brute_force_everywhere():
    import numpy as np

    rng = np.random.default_rng(9)
    points = list(zip(rng.uniform(109.5, 110.2, 3000), rng.uniform(30.8, 31.4, 3000), strict=True))
    index = spatial.PointIndex(points)
    for lon, lat in zip(rng.uniform(109.4, 110.3, 40), rng.uniform(30.7, 31.5, 40), strict=True):
        dist = spatial.distances_m(lon, lat, [p[0] for p in points], [p[1] for p in points])
        assert [i for i, _ in index.nearest(lon, lat, 5)] == list(np.argsort(dist, kind="stable")[:5])


class _OsrmLike(BaseHTTPRequestHandler):
    """Answers like OSRM's table service (OSRM itself is not packaged for this machine)."""

    def do_GET(self):
        coords = self.path.split("/table/v1/driving/")[1].split("?")[0].split(";")
        n = len(coords)
        body = {
            "code": "Ok",
            "durations": [[0] + [600.0 * i for i in range(1, n)]],
            "distances": [[0] + [5000.0 * i for i in range(1, n)]],
        }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_osrm_router_uses_the_table_service_and_falls_back():
    server = HTTPServer(("127.0.0.1", 0), _OsrmLike)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        params = TravelParams(1.6, 35)
        got = OsrmRouter(f"http://127.0.0.1:{server.server_port}").estimate(
            (110, 31), [(110.01, 31), (110.02, 31)], params
        )
        assert [(e.method, e.distance_m, e.minutes) for e in got] == [("osrm", 5000.0, 10.0), ("osrm", 10000.0, 20.0)]
    finally:
        server.shutdown()
    down = OsrmRouter(f"http://127.0.0.1:{server.server_port}", timeout=0.5).estimate((110, 31), [(110.01, 31)], params)
    assert down[0].method == "straight_line"
    assert down == StraightLineRouter().estimate((110, 31), [(110.01, 31)], params)


@pytest.mark.django_db
def test_nearest_api(client, tree):
    client.force_login(persona("county_operator"))
    response = client.get(
        "/api/v1/resources/nearest/",
        {"kind": "teams", "lon": tree.village.center_lon, "lat": tree.village.center_lat, "k": 3, "specialty": "fire"},
    )
    assert response.status_code == 200
    assert len(response.json()) == 3 and {"eta_minutes", "road_m", "detail"} <= set(response.json()[0])
    assert client.get("/api/v1/resources/nearest/", {"kind": "boats", "lon": 1, "lat": 2}).status_code == 400
    assert (
        client.get("/api/v1/resources/nearest/", {"kind": "teams", "lon": 110, "lat": 31, "k": 99}).status_code == 400
    )


@pytest.mark.django_db
def test_bench_nearest_prints_json_and_leaves_no_rows(tree):
    before = RescueTeam.objects.count()
    out = io.StringIO()
    call_command("bench", "nearest", resources=300, queries=20, stdout=out, stderr=io.StringIO())
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["resources"] == 300 + before and result["queries"] == 20
    assert 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    assert RescueTeam.objects.count() == before
