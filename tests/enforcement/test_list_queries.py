"""The enforcement lists make a fixed number of queries whatever their rows: each page is read once, rows of
its kind are added, and it is read again with no more queries. Every list starts from the demo county's
enforcement data (plan, officers, draws, inspections, cases, credit, campaigns)."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.enforcement.models import (
    CreditListing,
    Draw,
    DrawObject,
    Finding,
    Inspection,
    Inspector,
    ViolationRecord,
)
from anlan.registry.models import Enterprise
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

from .cases_helpers import open_case

pytestmark = pytest.mark.django_db

# A list of a county's worth of rows stays well under this (a query per row would pass it at once).
MOST_QUERIES = 40


def queries_of(client, url: str) -> int:
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries)


def county_enterprises():
    return Enterprise.objects.filter(region__pk__startswith="500237").order_by("pk")


def add_inspections(inspectors, n: int = 6) -> None:
    today = timezone.localdate()
    for enterprise in county_enterprises()[:n]:
        made = Inspection.objects.create(
            enterprise=enterprise, region=enterprise.region, inspected_on=today, status=Inspection.Status.SIGNED
        )
        made.inspectors.set(inspectors[:2])
        Finding.objects.create(inspection=made, title="安全警示标志缺失", deadline=today + dt.timedelta(days=10))


def add_cases(inspectors, n: int = 4) -> None:
    for _ in range(n):
        open_case(inspectors)


def add_draws(tree, inspectors, n: int = 4) -> None:
    for k in range(n):
        draw = Draw.objects.create(name=f"查询数抽取{k}", region=tree.county, count=2, seed=f"q{k}", pools={})
        for position, enterprise in enumerate(county_enterprises()[k * 2 : k * 2 + 2], start=1):
            DrawObject.objects.create(draw=draw, position=position, enterprise=enterprise).inspectors.set(
                inspectors[:2]
            )


def add_violations(n: int = 6) -> None:
    for enterprise in county_enterprises()[:n]:
        ViolationRecord.objects.create(enterprise=enterprise, happened_on=dt.date(2026, 5, 1), description="未培训")
    for enterprise in county_enterprises()[n : n + 3]:
        CreditListing.objects.create(
            enterprise=enterprise, criterion=CreditListing.Criterion.CONCEAL, facts="瞒报事故",
            decision_number=f"（巫山）应急失信〔2026〕{enterprise.pk}号", listed_on=dt.date(2026, 5, 1),
            ends_on=dt.date(2027, 5, 1),
        )  # fmt: skip


def add_officers(tree, inspectors) -> None:
    from .conftest import make_inspectors

    make_inspectors(tree.county, 5, prefix=f"t_more{Inspector.objects.count()}")


@pytest.mark.parametrize(
    ("url", "grow"),
    [
        ("/enforcement/inspections/", "inspections"),
        ("/enforcement/cases/", "cases"),
        ("/enforcement/cases/due/", "cases"),
        ("/enforcement/documents/", "cases"),  # each case adds its 立案审批表
        ("/enforcement/draws/", "draws"),
        ("/enforcement/draws/pool/", "draws"),
        ("/enforcement/violations/", "violations"),
        ("/enforcement/credit/", "violations"),
        ("/enforcement/stats/", "inspections"),
        ("/enforcement/plan/progress/", "inspections"),
        ("/enforcement/inspectors/", "officers"),
        ("/enforcement/campaigns/", "inspections"),
    ],
)
def test_a_list_makes_no_more_queries_with_more_rows(client, tree, inspectors, url, grow):
    growers = {
        "inspections": add_inspections,
        "cases": add_cases,
        "draws": lambda officers: add_draws(tree, officers),
        "violations": lambda officers: add_violations(),
        "officers": lambda officers: add_officers(tree, officers),
    }
    client.force_login(persona("county_admin"))
    # Rows of the test's own first, so the page is not empty (an empty list skips its table altogether).
    growers[grow](inspectors)
    queries_of(client, url)  # once first: the session, the user and per-process caches
    before = queries_of(client, url)
    assert before <= MOST_QUERIES, (url, before)
    growers[grow](inspectors)
    assert queries_of(client, url) <= before, url
