import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anlan.accounts.models import User
from anlan.demo.loader import PROFILES, _Gen, _persons, load_demo
from anlan.geo.models import Region
from anlan.registry.models import Person


@pytest.mark.django_db
def test_any_cnmaps_county_loads_with_generated_tree():
    out = io.StringIO()
    call_command("load_demo", county="110105", seed=3, stdout=out)  # 北京市朝阳区
    county = Region.objects.get(code="110105000000")
    assert county.name == "朝阳区" and not county.synthetic
    townships = Region.objects.filter(parent=county)
    assert townships.count() >= 4 and all(t.synthetic for t in townships)
    assert Region.objects.filter(code__startswith="110105", level="village").count() == townships.count() * 13
    assert "已加载 朝阳区" in out.getvalue()
    assert User.objects.filter(username="admin", region=county).exists()
    assert "admin" in out.getvalue()  # the logins are printed


@pytest.mark.django_db
def test_loading_a_county_twice_or_an_unknown_county_is_a_clear_error():
    with pytest.raises(CommandError, match="已加载"):
        call_command("load_demo", county="500237")
    with pytest.raises(CommandError, match="没有区划代码为 999999"):
        call_command("load_demo", county="999999")


@pytest.mark.django_db
def test_large_profile_multiplies_village_staff():
    small = load_demo(county6="110101", seed=1, with_users=False)  # 东城区
    assert small.persons == Person.objects.filter(region__code__startswith="110101").count()
    with pytest.raises(ValueError, match="未知的数据规模"):
        load_demo(county6="110102", profile="huge", with_users=False)
    # The large profile's staff on this county's tree, without loading the whole large county (demo/large.py).
    county = small.county
    townships = list(Region.objects.filter(parent=county).order_by("code"))
    by_township = {t.code: list(Region.objects.filter(parent=t).order_by("code")) for t in townships}
    villages = sum(len(v) for v in by_township.values())
    persons, duties = _persons(_Gen(1), county, townships, by_township, [], {}, PROFILES["large"])
    grid_workers = [i for i, roles in duties.items() if "grid_worker" in roles]
    assert len(grid_workers) == 10 * villages
    assert len(persons) > 10 * villages
