"""The benchmarks run end to end at a small size and leave nothing behind (the figures themselves are
recorded in benchmarks/README.md, not asserted here)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from anlan.alerts.models import Resident, Warning
from anlan.notify.models import Delivery

pytestmark = pytest.mark.django_db


def test_bench_warnings_reaches_every_synthetic_resident_and_rolls_back():
    residents_before, warnings_before = Resident.objects.count(), Warning.objects.count()
    out = StringIO()
    call_command("bench", "warnings", "--recipients", "3000", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["recipients"] >= 3000 and result["seconds"] > 0
    assert result["ceiling_seconds"] > 0 and result["ratio"] == pytest.approx(
        result["seconds"] / result["ceiling_seconds"], rel=0.05
    )
    assert Resident.objects.count() == residents_before and Warning.objects.count() == warnings_before
    assert not Delivery.objects.exists()


def test_bench_ingest_runs_through_the_real_path():
    out = StringIO()
    call_command("bench", "ingest", "--readings", "2000", "--batch", "1000", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["readings"] == 2000 and result["per_second"] > 0
