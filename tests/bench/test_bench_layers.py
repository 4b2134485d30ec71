"""`anlan bench layers` runs end to end at a small size, through the real HTTP path, with a fixed number
of queries, and leaves nothing behind (the figures are recorded in benchmarks/README.md)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from anlan.sites.models import HazardSite

pytestmark = pytest.mark.django_db


def test_bench_layers_measures_the_layer_a_county_user_gets_and_rolls_back():
    before = HazardSite.objects.count()
    out = StringIO()
    call_command("bench", "layers", "--points", "1500", "--queries", "3", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["layer"] == "geohazard_sites" and result["points"] == 1500 and result["requests"] == 3
    assert result["bytes"] > 1500 * 100 and 0 < result["p50_ms"] <= result["p95_ms"] <= result["max_ms"]
    # Session, user and one query for every point; the count does not depend on the number of points.
    assert result["queries_per_request"] <= 8
    assert HazardSite.objects.count() == before
