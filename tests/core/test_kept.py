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


def test_a_generation_moves_the_version_of_the_models_that_name_it_only():
    """A path that changes rows in place without an audit entry (the monitoring ingest) moves its generation
    once per batch: a value kept over those rows is computed again, values over other tables stay kept."""
    from anlan.core.kept import bump_generation
    from anlan.core.models import Generation
    from anlan.monitoring.models import LIVE_GENERATION, Sensor

    calls = []

    def compute():
        calls.append(1)
        return Sensor.objects.filter(live_status="red").count()

    regions = tables_version([Region])
    kept(("red sensors",), [Sensor], compute)
    kept(("red sensors",), [Sensor], compute)
    assert len(calls) == 1
    bump_generation(LIVE_GENERATION)
    kept(("red sensors",), [Sensor], compute)
    assert len(calls) == 2
    assert tables_version([Region]) == regions  # no generation named: not read, not moved
    bump_generation(LIVE_GENERATION)
    assert Generation.objects.get(name=LIVE_GENERATION).value >= 2  # the row is made on the first bump


def test_a_generation_name_is_plain_text():
    from anlan.core.kept import bump_generation

    with pytest.raises(ValueError):
        bump_generation("x'; DROP TABLE core_auditentry; --")
