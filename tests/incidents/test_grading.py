"""Production-safety accident grades on their boundaries (以上包括本数，以下不包括本数), and the API."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError
from anlan.incidents import grading
from anlan.incidents.grading import production_safety


@pytest.mark.parametrize(
    ("deaths", "injuries", "loss", "level"),
    [
        (0, 0, 0, "IV"),
        (2, 9, Decimal("999.99"), "IV"),
        (3, 0, 0, "III"),  # 3 deaths: 较大
        (0, 10, 0, "III"),
        (0, 0, 1000, "III"),  # exactly 1,000万元
        (9, 49, Decimal("4999.99"), "III"),
        (10, 0, 0, "II"),
        (0, 50, 0, "II"),
        (0, 0, 5000, "II"),
        (29, 99, Decimal("9999.99"), "II"),
        (30, 0, 0, "I"),
        (0, 100, 0, "I"),
        (0, 0, 10000, "I"),  # 1亿元
        (1, 0, 10000, "I"),  # the highest criterion decides
    ],
)
def test_grades_on_the_boundaries(deaths, injuries, loss, level):
    assert production_safety(deaths, injuries, loss).level == level


@given(st.integers(0, 200), st.integers(0, 300), st.decimals(0, 20000, places=2, allow_nan=False, allow_infinity=False))
def test_more_harm_never_lowers_the_grade(deaths, injuries, loss):
    base = grading.rank(production_safety(deaths, injuries, loss).level)
    assert grading.rank(production_safety(deaths + 1, injuries, loss).level) >= base
    assert grading.rank(production_safety(deaths, injuries + 1, loss).level) >= base
    assert grading.rank(production_safety(deaths, injuries, loss + 1).level) >= base


@pytest.mark.parametrize("bad", [-1, 1.5, "x", None, True])
def test_bad_counts_are_refused_in_chinese(bad):
    with pytest.raises(DomainError, match="死亡人数"):
        production_safety(bad, 0, 0)


@pytest.mark.django_db
def test_grade_api_per_contract(client):
    from anlan.core.testing.personas import persona

    client.force_login(persona("viewer"))
    body = {"kind": "production_safety", "deaths": 3, "serious_injuries": 0, "direct_loss_10k_yuan": 0}
    for url in ("/api/v1/incidents/grade", "/api/v1/incidents/grade/"):
        answer = client.post(url, body, content_type="application/json")
        assert answer.status_code == 200
        assert answer.json()["level"] == "III" and answer.json()["label"] == "较大"
    bad = client.post("/api/v1/incidents/grade", {**body, "deaths": -1}, content_type="application/json")
    assert bad.status_code == 400
