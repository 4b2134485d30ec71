"""Regions are named by name, not "名称（代码）"; a village, whose name repeats across a county's townships,
carries its township where villages of several townships meet."""

import pytest

from anlan.core.regions import for_choices
from anlan.geo.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def test_a_region_reads_as_its_name_without_its_code(tree):
    for region in (tree.county, tree.township, tree.village):
        assert str(region) == region.name
        assert region.code not in str(region)


def test_a_village_full_name_puts_its_township_first_and_higher_levels_stay_plain(tree):
    assert tree.village.full_name == f"{tree.township.name} {tree.village.name}"
    assert tree.township.full_name == tree.township.name
    assert tree.county.full_name == tree.county.name


def test_two_villages_of_the_same_name_are_told_apart_in_one_query(tree, django_assert_num_queries):
    twin = Region.objects.create(
        code=tree.other_township.code[:9] + "998",
        name=tree.village.name,
        level=RegionLevel.VILLAGE,
        parent=tree.other_township,
    )
    with django_assert_num_queries(1):
        rows = list(for_choices(Region.objects.filter(pk__in=[tree.village.pk, twin.pk])))
        names = {r.pk: r.full_name for r in rows}
    assert names == {
        tree.village.pk: f"{tree.township.name} {tree.village.name}",
        twin.pk: f"{tree.other_township.name} {tree.village.name}",
    }
