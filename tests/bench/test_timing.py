"""The one timing function of the in-process benchmarks (`bench situation`, `lists`, `layers`)."""

import pytest
from django.test import Client

from anlan.bench.timing import percentile, time_get
from anlan.testing.personas import persona


def test_percentile_is_the_nearest_rank():
    values = [float(v) for v in range(1, 21)]  # 1 … 20
    assert percentile(values, 0.95) == 19.0
    assert percentile(values, 0.5) == 10.0
    assert percentile([3.0, 1.0, 2.0], 0.95) == 3.0
    assert percentile([7.0], 0.95) == 7.0


@pytest.mark.django_db
def test_time_get_reports_wall_and_cpu_times_queries_and_bytes():
    client = Client()
    client.force_login(persona("county_operator"))
    figures = time_get(client, "/inbox/", 3, warm=1)
    assert set(figures) == {"p50_ms", "p95_ms", "max_ms", "cpu_p50_ms", "cpu_p95_ms", "queries", "bytes"}
    assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert 0 < figures["cpu_p50_ms"] <= figures["cpu_p95_ms"]
    assert figures["queries"] > 0 and figures["bytes"] > 1000


@pytest.mark.django_db
def test_time_get_refuses_a_page_that_does_not_answer_200():
    client = Client()
    client.force_login(persona("county_operator"))
    with pytest.raises(RuntimeError, match="/no-such-page/: HTTP 404"):
        time_get(client, "/no-such-page/", 3, warm=0)
