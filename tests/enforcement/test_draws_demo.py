"""The draws part's demo module: 20 officers spread over the bureau and industry departments, conflicts,
the 随机抽查事项清单 and four seeded draws this year that verify."""

import pytest
from django.utils import timezone

from anlan.core.roles import Role
from anlan.demo import enforcement_draws
from anlan.enforcement import draw as algorithm
from anlan.enforcement import services_draws
from anlan.enforcement.models import CheckMatter, Draw, Inspector, InspectorConflict
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from .demo_reset import clear_enforcement_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def without_enforcement_demo(db):
    """The module is loaded here from the prerequisites this file builds, on a county without the demo."""
    clear_enforcement_demo()


def test_demo_officers_conflicts_matters_and_draws(tree):
    county = tree.county
    townships = list(Region.objects.filter(parent=county, level=RegionLevel.TOWNSHIP).order_by("code"))
    departments = list(Department.objects.filter(region=county))
    counts = enforcement_draws.load(actor="演示数据", county=county, townships=townships, departments=departments)
    assert counts == {"inspectors": 20, "inspector_conflicts": 5, "check_matters": 8, "draws": 4}
    year = timezone.localdate().year
    officers = Inspector.objects.filter(user__username__startswith="zf500237").select_related("user", "department")
    assert sorted(i.certificate for i in officers)[0] == f"500237{year}0001"
    kinds = {i.department.kind for i in officers}
    assert kinds == {"emergency", "market", "housing", "economy"}
    assert {i.user.role for i in officers} == {Role.COUNTY_OPERATOR, Role.DEPARTMENT_OPERATOR}
    assert all(i.user.display_name for i in officers)
    assert InspectorConflict.objects.filter(inspector__in=officers).count() == 5
    assert CheckMatter.objects.filter(region=county).count() >= 8
    draws = list(Draw.objects.filter(seed__startswith=f"500237-{year}-Q").order_by("seed"))
    assert len(draws) == 4 and len({d.region_id for d in draws}) == 4
    for record in draws:
        assert record.synthetic and record.created_at.year == year
        assert services_draws.draw_verify(record) is True
        # Deterministic: the seed and pools alone give the stored result.
        expected = algorithm.run(record.seed, algorithm.Pools.from_json(record.pools), record.count, 2)
        assert algorithm.same_result(expected, services_draws.stored_objects(record))
