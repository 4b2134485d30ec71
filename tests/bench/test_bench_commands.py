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
    # The ratio is computed before the two times are rounded to milliseconds: at a few milliseconds the
    # rounding alone moves seconds / ceiling by tens of percent, so the check allows exactly that rounding
    # (and the ratio's own rounding to two places).
    seconds, ceiling, half_ms = result["seconds"], result["ceiling_seconds"], 0.0005
    assert ceiling > 0
    assert (
        (seconds - half_ms) / (ceiling + half_ms) * 0.99 - 0.005
        <= result["ratio"]
        <= (seconds + half_ms) / max(ceiling - half_ms, 1e-9) * 1.01 + 0.005
    )
    assert Resident.objects.count() == residents_before and Warning.objects.count() == warnings_before
    assert not Delivery.objects.exists()


def test_bench_ingest_runs_through_the_real_path():
    out = StringIO()
    call_command("bench", "ingest", "--readings", "2000", "--batch", "1000", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["readings"] == 2000 and result["per_second"] > 0


@pytest.mark.postgres_only  # --existing fills the monthly partitions, which only PostgreSQL has
def test_bench_ingest_with_existing_readings_fills_the_partitions_and_leaves_nothing_behind():
    from anlan.monitoring import partitions
    from anlan.monitoring.models import Reading, Sensor

    before = (Reading.objects.count(), Sensor.objects.count(), partitions.existing())
    out, err = StringIO(), StringIO()
    call_command(
        "bench", "ingest", "--readings", "2000", "--batch", "1000", "--existing", "30000", stdout=out, stderr=err
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["existing"] == 30000 and result["readings"] == 2000 and result["per_second"] > 0
    assert result["fill_seconds"] >= 0
    assert (Reading.objects.count(), Sensor.objects.count(), partitions.existing()) == before


def test_bench_lists_times_every_list_with_its_rows_and_leaves_no_user():
    from anlan.accounts.models import User
    from anlan.bench.lists import TARGETS

    out = StringIO()
    call_command("bench", "lists", "--queries", "2", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["rows"]["townships"] == 26 and result["rows"]["hidden_hazards"] > 1000
    assert set(result["targets"]) == {url for _, url in TARGETS}
    for figures in result["targets"].values():
        assert 0 < figures["cpu_p50_ms"] <= figures["cpu_p95_ms"] and figures["queries"] > 0 and figures["bytes"] > 0
    assert not User.objects.filter(username="bench_lists").exists()
