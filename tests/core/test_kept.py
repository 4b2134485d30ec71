"""core.kept: a value a process keeps is computed again once its tables change through the services."""

import pytest

from anlan.core.audit import snapshot
from anlan.core.kept import kept, tables_version
from anlan.core.services import object_update
from anlan.geo.models import Region
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db


def test_a_kept_value_is_computed_once_until_an_audited_change(django_assert_num_queries):
    calls = []

    def compute():
        calls.append(1)
        return Region.objects.count()

    assert kept(("regions",), [Region], compute) == kept(("regions",), [Region], compute)
    assert len(calls) == 1
    with django_assert_num_queries(1):  # the version, not the value
        kept(("regions",), [Region], compute)
    assert kept(("regions", "other key"), [Region], compute) and len(calls) == 2

    township = Region.objects.filter(level="township").first()
    before = snapshot(township)
    township.name = f"{township.name}（新）"
    object_update(actor=persona("county_admin"), instance=township, before=before)  # audited: the chain's head moves
    kept(("regions",), [Region], compute)
    assert len(calls) == 3


def test_the_version_names_every_table_and_the_audit_head():
    version = tables_version([Region])
    assert len(version) == 2 and all(part is not None for part in version)
