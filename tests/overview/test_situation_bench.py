"""`anlan bench situation` runs end to end at a small size and leaves nothing behind (its figures are recorded
in benchmarks/README.md, not asserted here)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from anlan.accounts.models import User


@pytest.mark.django_db
def test_bench_situation_times_both_pages_for_both_users_and_rolls_back():
    users_before = User.objects.count()
    out = StringIO()
    call_command("bench", "situation", "--queries", "3", stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    for target in ("workbench", "situation", "baseline"):
        for who in ("county", "township"):
            figures = result[f"{target}_{who}"]
            assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
            assert figures["queries"] > 0
    assert result["workbench_county"]["queries"] > result["baseline_county"]["queries"]
    assert User.objects.count() == users_before
