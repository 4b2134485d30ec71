"""The regional risk index: its formula, that closing hazards lowers it, the ranked table and the map."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from anlan.hazards import services as hazard_services
from anlan.hazards.models import HiddenHazard
from anlan.risk import index, regional
from anlan.testing.helpers import count_queries, read_xlsx
from anlan.testing.personas import persona


def test_formula_on_a_worked_example():
    c = index.Components(
        risk_points={"red": 1, "yellow": 2},  # 10 + 4
        major_hazards={3: 1},  # 3
        hidden_hazards={("major", False): 1, ("general", True): 2},  # 5 + 2×1×2
        sites=2,
        site_score=index.site_score(100) + index.site_score(1000),  # 3 + 5 (capped)
    )
    assert index.score(c) == 14 + 3 + 9 + 8
    assert index.colour(34, "village") == "red" and index.colour(34, "township") == "blue"
    assert index.colour(17.9, "village") == "yellow" and index.colour(18, "village") == "orange"


def _village_row(user, code):
    return next(r for r in regional.regional_risk(user, "village") if r.code == code)


@pytest.mark.django_db
def test_an_overdue_major_hazard_raises_the_index_and_closing_it_lowers_it(tree):
    officer = persona("county_operator")
    before = _village_row(officer, tree.village.code).index
    hazard = HiddenHazard(
        title="坝体渗漏",
        description="d",
        level="major",
        region=tree.village,
        deadline=timezone.localdate(),
    )
    hazard_services.hazard_report(actor=officer, hazard=hazard)
    # A deadline cannot be set in the past: the day passes, and the hazard is overdue.
    HiddenHazard.objects.filter(pk=hazard.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert _village_row(officer, tree.village.code).index == before + 10  # major 5 × overdue 2
    hazard_services.hazard_transition(
        actor=officer,
        hazard=hazard,
        action="assign",
        responsible="x",
        supervising_unit="县政府",
        supervising_leader="县长",
        deadline=(timezone.localdate() + dt.timedelta(days=5)).isoformat(),
    )
    assert _village_row(officer, tree.village.code).index == before + 5
    hazard_services.hazard_transition(actor=officer, hazard=hazard, action="submit", measures="m")
    hazard_services.hazard_transition(actor=officer, hazard=hazard, action="verify")
    assert _village_row(officer, tree.village.code).index == before


@pytest.mark.django_db
def test_township_sums_its_villages(tree):
    admin = persona("county_admin")
    villages = [r for r in regional.regional_risk(admin, "village") if r.code.startswith(tree.township.code[:9])]
    township = next(r for r in regional.regional_risk(admin, "township") if r.code == tree.township.code)
    assert township.index >= round(sum(v.index for v in villages), 1) - 0.5
    assert township.components.sites >= sum(v.components.sites for v in villages)


@pytest.mark.django_db
def test_ranked_table_is_scoped_sorted_and_exported(client, tree):
    client.force_login(persona("county_operator"))
    with count_queries() as queries:
        page = client.get("/risk/index/")
    assert page.status_code == 200 and len(queries) < 20
    indexes = [r.index for r, _ in page.context["rows"]]
    assert len(indexes) == 26 and indexes == sorted(indexes, reverse=True)
    sheet = read_xlsx(client.get("/risk/index/", {"level": "village", "export": "xlsx"}).content)
    assert sheet[0][:4] == ["排名", "区划", "上级", "风险指数"] and len(sheet) == 341
    client.force_login(persona("township_officer"))
    rows = client.get("/risk/index/").context["rows"]
    assert [r.code for r, _ in rows] == [tree.township.code]


@pytest.mark.django_db
def test_four_colour_map_layer(client, tree):
    client.force_login(persona("county_operator"))
    features = client.get("/api/v1/map/layers/risk_index_villages/").json()["features"]
    assert len(features) == 340
    colours = {f["properties"]["style"]["fillColor"] for f in features}
    assert colours <= set(index.COLOURS.values()) and len(colours) >= 2
    assert all("风险" in f["properties"]["colour"] for f in features)
    points = client.get("/api/v1/map/layers/risk_points/").json()["features"]
    assert points and all(f["properties"]["style"]["fillColor"].startswith("#") for f in points)


@pytest.mark.django_db
def test_the_index_page_draws_the_ranking_in_the_regions_colours(client, tree):
    user = persona("county_operator")
    rows = regional.regional_risk(user)
    chart = regional.ranking_chart(rows)
    assert chart["categories"] == [r.name for r in rows[:15]]
    assert chart["series"][0]["data"][0] == {"value": round(rows[0].index, 1), "colour": rows[0].hex}
    client.force_login(user)
    page = client.get("/risk/index/").content.decode()
    match = re.search(r'data-chart></div><script type="application/json">(.*?)</script>', page, re.S)
    assert json.loads(match.group(1)) == chart
