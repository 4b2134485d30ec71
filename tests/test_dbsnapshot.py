"""The demo snapshot (tests/dbsnapshot.py): whatever a transactional test did to the database, restoring
gives the demo county back with its personas, and forgets what this process cached from the old rows."""

import numpy as np
import pytest
from django.core.management import call_command

from anlan.geo.models import Region
from anlan.monitoring import window_cache
from anlan.monitoring.models import Sensor
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db(transaction=True)


def new_sensor(code: str, village) -> Sensor:
    return Sensor.objects.create(code=code, name="快照水位站", kind="water_level", region=village, lon=1, lat=1)


def test_a_flushed_database_gets_the_county_its_personas_and_empty_caches_back(demo_data, demo_snapshot):
    # Start from the snapshot itself: on PostgreSQL a `db` test that ran before in this worker rolled its rows
    # back but not the sequences it advanced, so the next id would not be the snapshot's.
    demo_snapshot.restore()
    regions = Region.objects.count()
    sensor = new_sensor("SNAP-1", demo_data.village)
    window_cache.put(sensor.pk, 1, 0.0, np.array([0.0]), np.array([1.0]), keep_seconds=3600)
    call_command("flush", interactive=False, verbosity=0)
    assert not Region.objects.exists()

    demo_snapshot.restore()

    assert Region.objects.count() == regions
    assert persona("township_officer").region_id == demo_data.township.code
    assert not Sensor.objects.filter(code="SNAP-1").exists()
    # Ids are handed out again from the snapshot's values, which is why cached rows must be forgotten.
    again = new_sensor("SNAP-2", demo_data.village)
    assert again.pk == sensor.pk
    assert window_cache.get(again.pk, 1, 0.0) is None
