import pytest

from anlan.core.regioncodes import ancestor_codes, region_prefix
from anlan.geo.models import Region
from anlan.registry.models import Department, Person
from anlan.testing.personas import persona


def test_region_prefix_and_ancestors():
    assert region_prefix("500237000000") == "500237"
    assert region_prefix("500237101000") == "500237101"
    assert region_prefix("500237101201") == "500237101201"
    assert region_prefix("500000000000") == "50"
    assert ancestor_codes("500237101201") == ["500000000000", "500200000000", "500237000000", "500237101000"]


@pytest.mark.django_db
def test_township_user_sees_its_subtree_and_its_county_outline_only(tree):
    user = persona("township_officer")
    visible = set(Region.objects.restrict(user).values_list("code", flat=True))
    assert tree.county.code in visible  # ancestors are readable (the map outline)
    assert tree.township.code in visible and tree.village.code in visible
    assert tree.other_township.code not in visible and tree.other_village.code not in visible
    assert not Region.objects.restrict(user, "change").exists()  # only county admins edit the tree


@pytest.mark.django_db
def test_scope_filter_runs_on_the_local_column_without_a_join(tree):
    sql = str(Person.objects.restrict(persona("township_officer")).query)
    assert "JOIN" not in sql.upper()
    assert "LIKE" in sql.upper()


@pytest.mark.django_db
def test_roles_that_may_not_act_get_nothing(tree):
    assert not Person.objects.restrict(persona("viewer"), "add").exists()
    assert Person.objects.restrict(persona("viewer"), "view").exists()
    assert not Person.objects.restrict(persona("team_leader"), "delete").exists()


@pytest.mark.django_db
def test_township_users_see_county_departments_but_cannot_edit_them(client, tree):
    user = persona("township_officer")
    assert Department.objects.restrict(user).count() == Department.objects.count()
    client.force_login(user)
    department = Department.objects.first()
    assert (
        client.patch(
            f"/api/v1/departments/{department.pk}/", {"name": "x"}, content_type="application/json"
        ).status_code
        == 403
    )
