"""Geological-hazard grades on every boundary (灾情: 地质灾害防治条例 Art. 4; 险情: the national plan; lower bounds
included as 重庆 Art. 5 writes them), the missing-persons setting, the API, and the 速报 clock by grade."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError
from anlan.incidents import grading, services
from anlan.incidents.grading_geo import danger, disaster, report_hours
from anlan.incidents.models import Incident
from anlan.plans.defaults import install_county_plans
from anlan.plans.models import IncidentKind
from anlan.testing.personas import persona

BELOW = {"III": "IV", "II": "III", "I": "II"}
CENT = Decimal("0.01")


@pytest.mark.parametrize(("deaths", "level"), [(3, "III"), (10, "II"), (30, "I")])
def test_disaster_deaths_on_their_boundaries(deaths, level):
    assert disaster(deaths, 0).level == level
    assert disaster(deaths - 1, 0).level == BELOW[level]


@pytest.mark.parametrize(("loss", "level"), [(Decimal(100), "III"), (Decimal(500), "II"), (Decimal(1000), "I")])
def test_disaster_loss_on_its_boundaries(loss, level):
    assert disaster(0, loss).level == level  # 100万元 is 中型, 1000万元 特大型
    assert disaster(0, loss - CENT).level == BELOW[level]
    assert disaster(0, float(loss) - 1e-9).level == BELOW[level]


@pytest.mark.parametrize(("people", "level"), [(100, "III"), (500, "II"), (1000, "I")])
def test_danger_people_on_their_boundaries(people, level):
    assert danger(people, 0).level == level
    assert danger(people - 1, 0).level == BELOW[level]


@pytest.mark.parametrize(("loss", "level"), [(Decimal(500), "III"), (Decimal(5000), "II"), (Decimal(10000), "I")])
def test_danger_potential_loss_on_its_boundaries(loss, level):
    assert danger(0, loss).level == level  # 1亿元 = 10000万元 is 特大型
    assert danger(0, loss - CENT).level == BELOW[level]


def test_labels_are_the_sizes_of_the_plan():
    assert [disaster(d, 0).label for d in (0, 3, 10, 30)] == ["小型", "中型", "大型", "特大型"]
    assert [danger(p, 0).label for p in (99, 100, 500, 1000)] == ["小型", "中型", "大型", "特大型"]
    grade = disaster(4, Decimal(600))
    assert (grade.level, grade.criterion) == ("II", "直接经济损失")  # the higher criterion decides
    assert grade.article == "《地质灾害防治条例》第四条" and "600 万元（500 万元以上）" in grade.basis
    assert "国家突发地质灾害应急预案" in danger(0, 0).article


def test_missing_persons_count_only_where_the_province_says_so(settings):
    assert disaster(2, 0, missing=1).level == "IV"  # Art. 4: 因灾死亡
    assert disaster(2, 0, missing=1, with_missing=True).level == "III"
    settings.ANLAN_GEO_COUNT_MISSING = True
    grade = disaster(25, 0, missing=5)
    assert grade.level == "I" and "死亡和失踪 30 人" in grade.basis


@given(st.integers(0, 60), st.decimals(0, 3000, places=2, allow_nan=False, allow_infinity=False))
def test_disaster_more_harm_never_lowers_the_grade(deaths, loss):
    base = grading.rank(disaster(deaths, loss).level)
    assert grading.rank(disaster(deaths + 1, loss).level) >= base
    assert grading.rank(disaster(deaths, loss + CENT).level) >= base
    assert disaster(deaths, loss).level == max(disaster(deaths, 0).level, disaster(0, loss).level, key=grading.rank)


@given(st.integers(0, 3000), st.decimals(0, 30000, places=2, allow_nan=False, allow_infinity=False))
def test_danger_more_threat_never_lowers_the_grade(people, loss):
    base = grading.rank(danger(people, loss).level)
    assert grading.rank(danger(people + 1, loss).level) >= base
    assert grading.rank(danger(people, loss + CENT).level) >= base
    assert danger(people, loss).level == max(danger(people, 0).level, danger(0, loss).level, key=grading.rank)


@pytest.mark.parametrize(
    ("call", "field"),
    [(lambda: disaster(-1, 0), "死亡人数"), (lambda: disaster(0, "很多"), "直接经济损失"),
     (lambda: danger(1.5, 0), "需转移人数"), (lambda: danger(0, -0.01), "潜在经济损失")],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese(call, field):
    with pytest.raises(DomainError, match=field):
        call()


def test_report_hours_by_grade_are_a_setting(settings):
    assert [report_hours(level) for level in ("I", "II", "III", "IV")] == [4, 4, 12, 12]
    assert report_hours("") is None
    settings.ANLAN_GEO_REPORT_HOURS = {"I": 1, "II": 1}  # 重庆 Art. 35
    assert [report_hours(level) for level in ("I", "II", "III", "IV")] == [1, 1, 12, 12]


# --- API ----------------------------------------------------------------------------------------------------


def post(client, body):
    return client.post("/api/v1/incidents/grade", body, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "level", "label"),
    [
        ({"kind": "geological_disaster", "deaths": 2, "direct_loss_10k_yuan": 99.99}, "IV", "小型"),
        ({"kind": "geological_disaster", "deaths": 3, "direct_loss_10k_yuan": 0}, "III", "中型"),
        ({"kind": "geological_disaster", "deaths": 0, "direct_loss_10k_yuan": 500}, "II", "大型"),
        ({"kind": "geological_disaster", "deaths": 29, "direct_loss_10k_yuan": "999.999"}, "II", "大型"),
        ({"kind": "geological_disaster", "deaths": 30, "direct_loss_10k_yuan": 0}, "I", "特大型"),
        ({"kind": "geological_danger", "people_to_relocate": 99, "potential_loss_10k_yuan": 499}, "IV", "小型"),
        ({"kind": "geological_danger", "people_to_relocate": 100, "potential_loss_10k_yuan": 0}, "III", "中型"),
        ({"kind": "geological_danger", "people_to_relocate": 0, "potential_loss_10k_yuan": 5000}, "II", "大型"),
        ({"kind": "geological_danger", "people_to_relocate": 999, "potential_loss_10k_yuan": 9999.99}, "II", "大型"),
        ({"kind": "geological_danger", "people_to_relocate": 1000, "potential_loss_10k_yuan": 0}, "I", "特大型"),
        ({"kind": "geological_danger", "people_to_relocate": 0, "potential_loss_10k_yuan": 10000}, "I", "特大型"),
    ],
)
def test_grade_api_geological(client, body, level, label):
    client.force_login(persona("viewer"))
    answer = post(client, body)
    assert answer.status_code == 200, answer.content
    assert (answer.json()["level"], answer.json()["label"]) == (level, label)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "geological_disaster", "deaths": -1, "direct_loss_10k_yuan": 0}, "deaths"),
        ({"kind": "geological_disaster", "deaths": 0, "direct_loss_10k_yuan": "x"}, "direct_loss_10k_yuan"),
        ({"kind": "geological_disaster", "deaths": 0, "direct_loss_10k_yuan": None}, "direct_loss_10k_yuan"),
        ({"kind": "geological_danger", "people_to_relocate": -5, "potential_loss_10k_yuan": 0}, "people_to_relocate"),
        ({"kind": "geological_danger", "people_to_relocate": 1, "potential_loss_10k_yuan": -1}, "potential_loss"),
        ({"kind": "geological_danger", "people_to_relocate": 1, "potential_loss_10k_yuan": "NaN"}, "potential_loss"),
    ],
)
def test_grade_api_refuses_bad_input_in_chinese(client, body, field):
    client.force_login(persona("viewer"))
    answer = post(client, body)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert field in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.django_db
def test_grade_api_counts_a_criterion_left_out_as_zero_but_wants_one(client):
    client.force_login(persona("viewer"))
    assert post(client, {"kind": "geological_disaster", "direct_loss_10k_yuan": 100}).json()["label"] == "中型"
    assert post(client, {"kind": "geological_danger", "people_to_relocate": 1000}).json()["label"] == "特大型"
    empty = post(client, {"kind": "geological_danger"})
    assert empty.status_code == 400 and "需转移人数" in empty.content.decode()


# --- the incident -------------------------------------------------------------------------------------------


def landslide(tree, at, **facts) -> Incident:
    return services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="早阳村山体滑坡",
            kind=IncidentKind.objects.get(name="地质灾害"),
            region=tree.village,
            occurred_at=at - dt.timedelta(minutes=10),
            received_at=at,
            description="坡体开裂",
            **facts,
        ),
    )


@pytest.mark.django_db
def test_an_incident_is_graded_as_a_danger_until_it_does_harm(tree):
    at = timezone.now()
    threat = landslide(tree, at, people_to_relocate=120)
    assert threat.level == "III" and "中型地质灾害险情" in threat.level_basis
    services.facts_update(actor=persona("county_operator"), incident=threat, deaths=10, note="二次滑坡")
    threat.refresh_from_db()
    assert threat.level == "II" and "大型地质灾害灾情" in threat.level_basis  # deaths: now a 灾情
    named = landslide(tree, at, geo_stage="danger", deaths=1, people_to_relocate=1000)
    assert named.level == "I" and "险情" in named.level_basis  # as recorded
    entry = named.timeline.filter(kind="grade").get()
    assert entry.title == "定级：特大型（I级）"  # the size the plan names


@pytest.mark.django_db
def test_the_first_report_clock_follows_the_grade_when_it_is_stricter(tree, settings):
    at = timezone.now()
    big = landslide(tree, at, people_to_relocate=600)  # 大型: 4 h, later than the kind's 120 minutes
    clock = services.report_clock(big, at)
    assert clock.due_at == at + dt.timedelta(minutes=120) and clock.basis == ""
    settings.ANLAN_GEO_REPORT_HOURS = {"I": 1, "II": 1}  # a stricter province
    clock = services.report_clock(big, at)
    assert clock.due_at == at + dt.timedelta(hours=1) and "地质灾害速报（大型）" in clock.basis
    small = landslide(tree, at, people_to_relocate=10)
    assert services.report_clock(small, at).due_at == at + dt.timedelta(minutes=120)


@pytest.mark.django_db
def test_the_workspace_shows_the_stage_and_the_secondary_deadline(client, tree):
    install_county_plans(tree.county)
    case = landslide(tree, timezone.now(), people_to_relocate=150, potential_loss_10k_yuan=Decimal(800))
    client.force_login(persona("county_operator"))
    html = client.get(f"/incidents/{case.pk}/?tab=reports").content.decode()
    assert "险情（按情况判断）" in html and "需转移 150 人" in html
    case.refresh_from_db()
    assert services.report_draft(case)["loss"].endswith("；需转移 150 人，潜在经济损失 800.00 万元")
    assert "地质灾害速报（中型）" in html and "12 小时内" in html
    assert "参考值" in html and "ANLAN_GEO_REPORT_HOURS" in html  # a SECONDARY figure, said on screen
    assert 'name="people_to_relocate"' in html and 'name="burned_forest_ha"' not in html
    assert '<strong id="incident-level">中型（III级）</strong>' in html
    # The grade points to the response and the plan's rows it would start (the county plan: 3 at Ⅳ, 4 at Ⅲ).
    response_tab = client.get(f"/incidents/{case.pk}/?tab=response").content.decode()
    assert "按定级（中型（III级））对应Ⅲ级响应：启动后按预案下达措施 7 项" in response_tab
    services.response_set(actor=persona("county_operator"), incident=case, level="III", reason="险情")
    assert 'id="response-suggestion"' not in client.get(f"/incidents/{case.pk}/?tab=response").content.decode()
