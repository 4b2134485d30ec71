"""Forest-fire grades (森林防火条例 Art. 40: "以上包括本数，以下不包括本数", any one criterion) on every boundary, the
fires reported to the national level (Art. 32), the API, and a forest fire's incident graded and clocked by them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError
from anlan.incidents import clocks, grading, services
from anlan.incidents.grading_forest import forest_fire, national_report
from anlan.incidents.models import Incident
from anlan.plans.defaults import install_county_plans
from anlan.plans.models import IncidentKind
from anlan.plans.services import actions_for_response
from anlan.testing.personas import persona

AREA_BOUNDS = [(Decimal(1), "III"), (Decimal(100), "II"), (Decimal(1000), "I")]
DEATH_BOUNDS = [(3, "III"), (10, "II"), (30, "I")]
INJURY_BOUNDS = [(10, "III"), (50, "II"), (100, "I")]
BELOW = {"III": "IV", "II": "III", "I": "II"}


@pytest.mark.parametrize(("area", "level"), AREA_BOUNDS)
def test_burned_area_on_its_boundaries(area, level):
    assert forest_fire(area, 0, 0).level == level  # the bound itself: 以上包括本数
    assert forest_fire(area - Decimal("0.0001"), 0, 0).level == BELOW[level]  # 以下不包括本数
    assert forest_fire(float(area) - 1e-9, 0, 0).level == BELOW[level]


@pytest.mark.parametrize(("deaths", "level"), DEATH_BOUNDS)
def test_deaths_on_their_boundaries(deaths, level):
    assert forest_fire(0, deaths, 0).level == level
    assert forest_fire(0, deaths - 1, 0).level == BELOW[level]


@pytest.mark.parametrize(("injuries", "level"), INJURY_BOUNDS)
def test_serious_injuries_on_their_boundaries(injuries, level):
    assert forest_fire(0, 0, injuries).level == level
    assert forest_fire(0, 0, injuries - 1).level == BELOW[level]


def test_labels_criterion_and_article():
    grade = forest_fire(Decimal("0.5"), 0, 0)
    assert (grade.level, grade.label, grade.criterion) == ("IV", "一般", "")
    assert grade.article == "《森林防火条例》第四十条"
    grade = forest_fire(150, 12, 0)  # area and deaths both reach 重大
    assert (grade.level, grade.label) == ("II", "重大")
    assert grade.criterion == "受害森林面积、死亡人数"
    assert "受害森林面积 150 公顷（100 公顷以上）" in grade.basis and "死亡 12 人（10 人以上）" in grade.basis
    assert forest_fire(2, 0, 100).label == "特别重大"  # the highest criterion decides ("或者")


def test_a_fire_on_other_woodland_is_general_by_area_but_not_by_casualties():
    assert forest_fire(5000, 0, 0, other_woodland=True).level == "IV"
    assert "其他林地起火" in forest_fire(5000, 0, 0, other_woodland=True).basis
    assert forest_fire(5000, 3, 0, other_woodland=True).level == "III"
    assert forest_fire(0, 0, 100, other_woodland=True).level == "I"


@given(
    st.decimals(0, 3000, places=4, allow_nan=False, allow_infinity=False),
    st.integers(0, 60),
    st.integers(0, 200),
    st.booleans(),
)
def test_more_harm_never_lowers_the_grade(area, deaths, injuries, other):
    base = grading.rank(forest_fire(area, deaths, injuries, other_woodland=other).level)
    assert grading.rank(forest_fire(area + 1, deaths, injuries, other_woodland=other).level) >= base
    assert grading.rank(forest_fire(area, deaths + 1, injuries, other_woodland=other).level) >= base
    assert grading.rank(forest_fire(area, deaths, injuries + 1, other_woodland=other).level) >= base
    # Other woodland never grades higher than the same fire in forest.
    assert base <= grading.rank(forest_fire(area, deaths, injuries).level)


@given(st.decimals(0, 3000, places=4, allow_nan=False, allow_infinity=False), st.integers(0, 60), st.integers(0, 200))
def test_the_grade_is_the_highest_of_the_three_criteria(area, deaths, injuries):
    alone = [forest_fire(area, 0, 0), forest_fire(0, deaths, 0), forest_fire(0, 0, injuries)]
    assert forest_fire(area, deaths, injuries).level == max((g.level for g in alone), key=grading.rank)


@pytest.mark.parametrize(
    ("args", "field"),
    [((-1, 0, 0), "受害森林面积"), (("x", 0, 0), "受害森林面积"), ((float("nan"), 0, 0), "受害森林面积"),
     ((0, -1, 0), "死亡人数"), ((0, 1.5, 0), "死亡人数"), ((0, 0, None), "重伤人数"), ((True, 0, 0), "受害森林面积")],
)  # fmt: skip
def test_bad_input_is_refused_in_chinese_naming_the_field(args, field):
    with pytest.raises(DomainError, match=field):
        forest_fire(*args)


def test_fires_reported_to_the_national_level():
    assert not national_report("III", 2, 9).required
    assert "第三十二条第二项" in national_report("II", 0, 0).reasons[0]
    assert "第三十二条第三项" in national_report("IV", 3, 0).reasons[0]  # ≥ 3 deaths, inclusive
    assert national_report("IV", 0, 10).required and not national_report("IV", 0, 9).required
    assert national_report("IV", 0, 0, burning_for_hours=24).required  # not out within 24 h
    assert not national_report("IV", 0, 0, burning_for_hours=23.9).required


def test_national_report_hours_and_minutes_are_settings(settings):
    settings.ANLAN_FOREST_FIRE_BURNING_HOURS = 12  # 河南 Art. 33
    settings.ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES = 30
    report = national_report("IV", 0, 0, burning_for_hours=12)
    assert report.required and report.minutes == 30 and "12 小时" in report.reasons[0]


# --- API ----------------------------------------------------------------------------------------------------


def grade(client, **body):
    return client.post("/api/v1/incidents/grade", {"kind": "forest_fire", **body}, content_type="application/json")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "level", "label"),
    [
        ({"burned_forest_ha": 0.99, "deaths": 0, "serious_injuries": 0}, "IV", "一般"),
        ({"burned_forest_ha": 1, "deaths": 0, "serious_injuries": 0}, "III", "较大"),
        ({"burned_forest_ha": "99.9999", "deaths": 0, "serious_injuries": 0}, "III", "较大"),
        ({"burned_forest_ha": 100, "deaths": 0, "serious_injuries": 0}, "II", "重大"),
        ({"burned_forest_ha": 1000, "deaths": 0, "serious_injuries": 0}, "I", "特别重大"),
        ({"burned_forest_ha": 0, "deaths": 30, "serious_injuries": 0}, "I", "特别重大"),
        ({"burned_forest_ha": 0, "deaths": 0, "serious_injuries": 50}, "II", "重大"),
        ({"burned_forest_ha": 2000, "other_woodland": True, "deaths": 0, "serious_injuries": 0}, "IV", "一般"),
        ({"burned_forest_ha": 2000, "other_woodland": True, "deaths": 10, "serious_injuries": 0}, "II", "重大"),
    ],
)
def test_grade_api_forest_fire(client, body, level, label):
    client.force_login(persona("viewer"))
    answer = grade(client, **body)
    assert answer.status_code == 200, answer.content
    assert (answer.json()["level"], answer.json()["label"]) == (level, label)
    assert answer.json()["article"] == "《森林防火条例》第四十条"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"burned_forest_ha": -1, "deaths": 0, "serious_injuries": 0}, "burned_forest_ha"),
        ({"burned_forest_ha": "abc", "deaths": 0, "serious_injuries": 0}, "burned_forest_ha"),
        ({"burned_forest_ha": 1, "deaths": -1, "serious_injuries": 0}, "deaths"),
        ({"burned_forest_ha": 1, "deaths": 0, "serious_injuries": "两人"}, "serious_injuries"),
        ({"burned_forest_ha": 1, "deaths": 0, "serious_injuries": 0, "other_woodland": "也许"}, "other_woodland"),
        ({"burned_forest_ha": None, "deaths": 0, "serious_injuries": 0}, "burned_forest_ha"),
    ],
)
def test_grade_api_refuses_bad_input_in_chinese(client, body, field):
    client.force_login(persona("viewer"))
    answer = grade(client, **body)
    assert answer.status_code == 400
    text = answer.content.decode()
    assert field in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)  # names the field, in Chinese


@pytest.mark.django_db
def test_grade_api_counts_a_criterion_left_out_as_zero_but_wants_one(client):
    client.force_login(persona("viewer"))
    assert grade(client, burned_forest_ha=100).json()["level"] == "II"
    assert grade(client, deaths=3).json()["level"] == "III"
    empty = grade(client, other_woodland=True)
    assert empty.status_code == 400
    assert "请至少填写一项：受害森林面积（公顷）、死亡人数、重伤人数" in empty.content.decode()


@pytest.mark.django_db
def test_grade_api_refuses_an_unknown_kind_and_keeps_production_safety(client):
    client.force_login(persona("viewer"))
    unknown = client.post("/api/v1/incidents/grade", {"kind": "flood"}, content_type="application/json")
    assert unknown.status_code == 400 and "分级类别" in unknown.content.decode()
    body = {"kind": "production_safety", "deaths": 10, "serious_injuries": 0, "direct_loss_10k_yuan": 0}
    kept = client.post("/api/v1/incidents/grade", body, content_type="application/json").json()
    assert (kept["level"], kept["label"]) == ("II", "重大")


# --- the incident -------------------------------------------------------------------------------------------


def fire(tree, at, **facts) -> Incident:
    return services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="大昌镇林区火情",
            kind=IncidentKind.objects.get(name="森林草原火灾"),
            region=tree.village,
            occurred_at=at - dt.timedelta(minutes=20),
            received_at=at,
            description="山林起火，明火蔓延",
            **facts,
        ),
    )


@pytest.mark.django_db
def test_a_forest_fire_is_graded_from_its_facts_and_regraded_as_they_change(tree):
    at = timezone.now()
    case = fire(tree, at, burned_forest_ha=Decimal("0.5"))
    assert case.level == "IV" and case.level_basis.startswith("《森林防火条例》第四十条：一般森林火灾")
    services.facts_update(actor=persona("county_operator"), incident=case, burned_forest_ha=Decimal(120))
    case.refresh_from_db()
    assert case.level == "II"
    regraded = case.timeline.filter(kind="grade").last()
    assert regraded.data == {"before": "IV", "after": "II"} and "受害森林面积 120 公顷" in regraded.detail
    with pytest.raises(DomainError, match="自动定级"):  # not graded by hand
        services.grade_set(actor=persona("county_operator"), incident=case, level="I", basis="研判")


@pytest.mark.django_db
def test_a_fire_reported_to_the_national_level_owes_its_first_report_sooner(tree, settings):
    at = timezone.now()
    small = fire(tree, at, burned_forest_ha=Decimal("0.5"))
    clock = services.report_clock(small, at)
    assert clock.due_at == at + dt.timedelta(minutes=120) and clock.basis == ""  # the kind's limit
    big = fire(tree, at, burned_forest_ha=Decimal(100))  # 重大: Art. 32 item 2
    clock = services.report_clock(big, at)
    assert clock.due_at == at + dt.timedelta(minutes=60) and "第三十二条" in clock.basis
    settings.ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES = 30
    assert services.report_clock(big, at).due_at == at + dt.timedelta(minutes=30)
    deadly = fire(tree, at, deaths=3)  # 较大 by deaths, but Art. 32 item 3 sends it up
    assert services.report_clock(deadly, at).due_at == at + dt.timedelta(minutes=30)


@pytest.mark.django_db
def test_a_fire_still_burning_after_24_hours_is_owed_to_the_national_level(tree, settings):
    now = timezone.now()
    case = fire(tree, now - dt.timedelta(hours=23), burned_forest_ha=Decimal("0.5"))  # burning since 23 h 20 min
    (pending,) = clocks.deadlines(case, now)
    assert pending.conditional and pending.label.startswith("如至 ") and "仍未扑灭" in pending.label
    assert pending.due_at == case.occurred_at + dt.timedelta(hours=24, minutes=60)
    later = now + dt.timedelta(hours=1)
    (owed,) = clocks.deadlines(case, later)
    assert not owed.conditional and owed.label.startswith("燃烧超过 24 小时") and "第五项" in owed.basis
    settings.ANLAN_FOREST_FIRE_BURNING_HOURS = 12  # a stricter province: owed already
    assert not clocks.deadlines(case, now)[0].conditional
    services.response_set(actor=persona("county_operator"), incident=case, level="IV", reason="扑救")
    services.response_end(actor=persona("county_operator"), incident=case, summary="明火扑灭")
    case.refresh_from_db()
    assert clocks.deadlines(case, later) == []  # put out: nothing owed for item 5


@pytest.mark.django_db
def test_the_workspace_shows_the_area_the_grade_rule_and_the_national_deadline(client, tree):
    install_county_plans(tree.county)
    at = timezone.now()
    case = fire(tree, at, burned_forest_ha=Decimal(150))
    client.force_login(persona("county_operator"))
    html = client.get(f"/incidents/{case.pk}/").content.decode()
    assert "受害森林面积" in html and "150 公顷" in html
    assert "按受害森林面积和伤亡人数自动定级" in html and 'id="grade-form"' not in html
    assert "报告国家森林防火指挥机构" in html and "未规定分钟数" in html  # the setting is said to be one
    assert 'name="burned_forest_ha"' in html  # the facts form asks for the area
    case.refresh_from_db()
    assert services.report_draft(case)["loss"] == "0.00 万元（初步估算）；受害森林面积 150 公顷"
    expected = actions_for_response(kind=case.kind, level="II", region_code=case.region_id).count()
    response_tab = client.get(f"/incidents/{case.pk}/?tab=response").content.decode()
    assert f"按定级（重大（II级））对应Ⅱ级响应：启动后按预案下达措施 {expected} 项" in response_tab
    moved = client.post(
        f"/incidents/{case.pk}/",
        {"step": "facts", "deaths": 0, "missing": 0, "injured": 0, "serious_injuries": 0, "trapped": 0,
         "direct_loss_10k_yuan": "0", "burned_forest_ha": "1200", "note": "航测面积"},
    )  # fmt: skip
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.level == "I" and case.burned_forest_ha == Decimal(1200)
