"""Hazard sites: the registry, the seeds' figures in the demo, and the map layer."""

import pytest

from anlan.sites.models import HazardSite
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests


class TestHazardSiteRegistry(RegistryTests):
    model = HazardSite
    api_basename = "hazard-site"
    _n = 0

    def _code(self):
        TestHazardSiteRegistry._n += 1
        return f"T-{TestHazardSiteRegistry._n:05d}"

    def make(self, region):
        return HazardSite.objects.create(
            code=self._code(),
            name="测试崩塌",
            kind="rockfall",
            region=region,
            lon=region.center_lon,
            lat=region.center_lat,
        )

    def form_data(self, region):
        return {
            "code": self._code(),
            "name": "新增泥石流沟",
            "kind": "debris_flow",
            "region": region.code,
            "lon": region.center_lon,
            "lat": region.center_lat,
            "threatened_households": 3,
            "threatened_people": 11,
            "threatened_property": "45.5",
            "monitoring": "mass",
            "status": "active",
        }

    def api_data(self, region):
        return self.form_data(region)

    def import_row(self, region):
        return {
            "统一编号": self._code(),
            "名称": "导入隐患点",
            "类型": "滑坡",
            "所在区划": region.code,
            "经度": region.center_lon,
            "纬度": region.center_lat,
        }


@pytest.mark.django_db
def test_demo_has_the_seed_figures_with_monitors_and_shelters():
    geological = HazardSite.objects.filter(code__startswith="500237-DZ-")
    assert geological.count() == 950
    assert geological.filter(monitoring="professional").count() == 33
    assert geological.filter(monitoring="smart").count() == 828
    assert not geological.filter(monitors=None).exists()
    assert not geological.filter(shelter=None).exists()
    assert geological.filter(monitors__duty_roles__code="geo_monitor").distinct().count() == 950


@pytest.mark.django_db
def test_people_below_households_is_refused(client, tree):
    client.force_login(persona("township_officer"))
    data = TestHazardSiteRegistry().form_data(tree.village) | {"threatened_households": 10, "threatened_people": 4}
    response = client.post("/sites/hazardsite/add/", data)
    assert response.status_code == 400 and "威胁人数不应少于威胁户数" in response.content.decode()


@pytest.mark.django_db
def test_map_layer_is_scoped(client, tree):
    client.force_login(persona("township_officer"))
    features = client.get("/api/v1/map/layers/geohazard_sites/").json()["features"]
    assert features and all(f["properties"]["region"].startswith(tree.township.code[:9]) for f in features)
