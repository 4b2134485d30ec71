from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from anlan.supplies.gbt38565 import is_other, major_category, validate_supply_code
from anlan.supplies.models import SupplyNorm
from anlan.supplies.services import adequacy, need_for
from anlan.testing.personas import persona


def test_supply_code_structure_from_gbt38565():
    validate_supply_code("1020101")
    assert major_category("1020101") == "基本生活保障物资"
    assert major_category("3010101") == "工程材料与机械加工设备"
    assert is_other("1999901") and not is_other("1020101")
    for bad, words in (("4010101", "1、2 或 3"), ("10201", "7位"), ("1000101", "01–99")):
        with pytest.raises(ValidationError, match=words):
            validate_supply_code(bad)


@pytest.mark.django_db
def test_need_follows_the_inasafe_defaults_and_rounds_up():
    rice = SupplyNorm.objects.get(item__code="1020101")
    assert need_for(rice, 979_000, 7) == 2_741_200  # InaSAFE's own Jakarta figure (reference §6.1)
    water = SupplyNorm.objects.get(item__code="1020301")
    assert need_for(water, 979_000, 7) == 17_132_500
    kits = SupplyNorm.objects.get(item__code="1030101")
    assert need_for(kits, 979_000, 7) == 195_800
    toilets = SupplyNorm.objects.get(item__code="1030201")
    assert need_for(toilets, 979_000, 30) == 48_950  # one-off: the period does not multiply it
    assert need_for(toilets, 21, 7) == 2  # 1.05 toilets → 2: no fractions of people's needs


@pytest.mark.django_db
def test_wushan_3000_people_gap_uses_only_stock_in_the_area(tree):
    admin = persona("county_admin")
    rows = {r.item.code: r for r in adequacy(admin, region_code=tree.county.code, population=3000, days=7)}
    rice = rows["1020101"]
    assert rice.need == 8400
    assert rice.available > 0 and rice.gap == max(Decimal(8400) - rice.available, Decimal(0))
    township_rows = {r.item.code: r for r in adequacy(admin, region_code=tree.township.code, population=3000, days=7)}
    assert township_rows["1020101"].available < rice.available


@pytest.mark.django_db
def test_adequacy_api(client, tree):
    client.force_login(persona("county_operator"))
    response = client.post(
        "/api/v1/supplies/norms/adequacy/",
        {"region": tree.county.code, "population": 6000},
        content_type="application/json",
    )
    assert response.status_code == 200
    rice = next(r for r in response.json() if r["item"] == "1020101")
    assert rice["need"] == 16800
    bad = client.post(
        "/api/v1/supplies/norms/adequacy/",
        {"region": "500237999999", "population": 10},
        content_type="application/json",
    )
    assert bad.status_code == 400
    page = client.get("/supplies/adequacy/", {"region": tree.county.code, "population": 3000, "days": 7})
    assert page.status_code == 200 and "8400kg" in page.content.decode()


@pytest.mark.django_db
def test_four_hour_reach_counts_county_depot_stock_for_a_township(tree):
    admin = persona("county_admin")
    local = {r.item.code: r for r in adequacy(admin, region_code=tree.other_township.code, population=3000, days=1)}
    reach = {
        r.item.code: r for r in adequacy(admin, region_code=tree.other_township.code, population=3000, days=1, hours=4)
    }
    # The county depot (in the seat township) is within 4 hours of every township of 巫山 at 35 km/h × 1.6.
    assert reach["1020101"].available > local["1020101"].available
    none = {
        r.item.code: r
        for r in adequacy(admin, region_code=tree.other_township.code, population=3000, days=1, hours=0.5)
    }
    assert none["1020101"].available <= reach["1020101"].available
