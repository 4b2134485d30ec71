"""The household roster of hazard sites (受威胁户): registry pages, Excel import, masked phones, guardians."""

import pytest

from anlan.sites.models import HazardSite, Household
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests


def _site(region, code):
    site, _ = HazardSite.objects.get_or_create(
        code=code,
        defaults={"name": "户籍测试滑坡", "kind": "landslide", "region": region}
        | {"lon": region.center_lon, "lat": region.center_lat},
    )
    return site


class TestHouseholdRegistry(RegistryTests):
    model = Household

    def make(self, region):
        return Household.objects.create(
            site=_site(region, f"HH-{region.code}"), region=region, head_name="王德明", phone="19900002000", people=4
        )

    def form_data(self, region):
        return {
            "site": _site(region, f"HH-{region.code}").pk,
            "region": region.code,
            "head_name": "李秀英",
            "phone": "19900002001",
            "people": 3,
            "vulnerable": 1,
            "vulnerable_note": "卧床老人 1 人",
            "guardian": persona("village_grid_worker").pk,  # of the first township
            "active": "on",
        }

    def import_row(self, region):
        return {
            "隐患点": _site(region, f"HH-{region.code}").code,
            "所在村（社区）": region.code,
            "户主姓名": "张建国",
            "联系电话": "19900002002",
            "家庭人数（人）": 5,
            "其中老弱病残孕（人）": 2,
            "包保责任人": "village_grid_worker",
        }

    def change(self):
        return "people", 6


@pytest.mark.django_db
def test_vulnerable_above_people_is_refused_in_chinese(client, tree):
    client.force_login(persona("township_officer"))
    data = TestHouseholdRegistry().form_data(tree.village) | {"people": 2, "vulnerable": 3}
    response = client.post("/sites/household/add/", data)
    assert response.status_code == 400
    assert "老弱病残孕人数不能多于家庭人数" in response.content.decode()


@pytest.mark.django_db
def test_guardian_must_be_of_the_writers_area(client, tree):
    client.force_login(persona("other_township_officer"))
    data = TestHouseholdRegistry().form_data(tree.other_village)
    response = client.post("/sites/household/add/", data)  # the village worker of another township
    assert response.status_code == 400
    assert "包保责任人不存在或不在您的管辖范围内" in response.content.decode()
    before = Household.objects.count()
    client.force_login(persona("township_officer"))
    assert client.post("/sites/household/add/", TestHouseholdRegistry().form_data(tree.village)).status_code == 302
    assert Household.objects.count() == before + 1
    assert Household.objects.latest("pk").guardian == persona("village_grid_worker")


@pytest.mark.django_db
def test_phones_are_masked_for_village_workers(client, tree):
    TestHouseholdRegistry().make(tree.village)
    client.force_login(persona("village_grid_worker"))
    page = client.get("/sites/household/").content.decode()
    assert "199****2000" in page and "19900002000" not in page
    client.force_login(persona("township_officer"))
    assert "19900002000" in client.get("/sites/household/").content.decode()
