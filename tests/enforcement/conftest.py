"""Fixtures shared by the enforcement tests: officers with certificates in the demo county."""

import pytest

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.enforcement.models import Inspector
from anlan.registry.models import Department
from anlan.testing.personas import PASSWORD


def make_inspectors(county, count: int = 6, prefix: str = "t_inspector") -> list[Inspector]:
    """`count` county officers of the emergency bureau, each with a certificate (usernames prefix_1 …)."""
    bureau = Department.objects.filter(region=county, kind="emergency").order_by("code").first()
    made = []
    for i in range(1, count + 1):
        user = User(
            username=f"{prefix}_{i}",
            first_name=f"执法员{i}",
            role=Role.COUNTY_OPERATOR,
            region=county,
            must_change_password=False,
        )
        user.set_password(PASSWORD)
        user.save()
        made.append(
            Inspector.objects.create(user=user, certificate=f"T{prefix[-3:]}{i:05d}", region=county, department=bureau)
        )
    return made


@pytest.fixture
def inspectors(db, tree) -> list[Inspector]:
    """Six officers, the county's whole 执法人员名录库: the demo's officers are stood down (inactive) for the
    test, so draws pick from exactly these six."""
    Inspector.objects.update(active=False)
    return make_inspectors(tree.county)
