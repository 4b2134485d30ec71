import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError
from anlan.core.testing.personas import persona
from anlan.risk import gb18218, lec, matrix


def test_lec_boundaries_follow_the_contract():
    assert lec.evaluate(10, 10, 4).D == 400 and lec.evaluate(10, 10, 4).grade == "red"
    assert lec.grade_for(320) == "orange" and lec.grade_for(320.01) == "red"
    assert lec.grade_for(160) == "yellow" and lec.grade_for(161) == "orange"
    assert lec.grade_for(70) == "blue" and lec.grade_for(71) == "yellow"
    assert lec.evaluate(1, 10, 7).D == 70 and lec.evaluate(1, 10, 7).label == "低风险"  # 70 occurs in the tables
    with pytest.raises(ValueError, match="L 应为正数"):
        lec.evaluate(0, 1, 1)


def test_lec_table_gives_103_distinct_values():
    values = {round(L * E * C, 6) for L, E, C in itertools.product(lec.L_VALUES, lec.E_VALUES, lec.C_VALUES)}
    assert len(values) == 103  # reference §7.1: 252 combinations, 103 distinct D


@given(
    st.sampled_from(sorted(lec.L_VALUES)), st.sampled_from(sorted(lec.E_VALUES)), st.sampled_from(sorted(lec.C_VALUES))
)
def test_lec_grade_never_drops_when_a_factor_rises(L, E, C):
    order = ["blue", "yellow", "orange", "red"]
    base = order.index(lec.evaluate(L, E, C).grade)
    assert order.index(lec.evaluate(L * 2, E, C).grade) >= base


def test_matrix_defaults_and_editable_thresholds():
    assert matrix.evaluate(5, 4).grade == "red" and matrix.evaluate(4, 4).grade == "orange"
    assert matrix.evaluate(3, 3).grade == "yellow" and matrix.evaluate(2, 4).grade == "blue"
    assert matrix.evaluate(4, 4, {"red": 16}).grade == "red"
    with pytest.raises(ValueError, match="1–5"):
        matrix.evaluate(6, 1)


def test_gb18218_tables_are_complete():
    t = gb18218.tables()
    assert len(t.substances) == 85 and len(t.classes) == 24 and len(t.toxic_beta) == 14
    assert gb18218.lookup("7782-50-5").name == "氯" and gb18218.lookup("液氯").name == "氯"
    assert gb18218.lookup("光气").critical_t == 0.3
    assert gb18218.lookup("硝化纤维素").critical_t == 1  # several rows: the strictest applies
    assert gb18218.lookup("硝化纤维素（含乙醇≥25%）").critical_t == 10
    assert [gb18218.alpha(n) for n in (0, 1, 29, 30, 49, 50, 99, 100)] == [0.5, 1.0, 1.0, 1.2, 1.2, 1.5, 1.5, 2.0]
    assert [gb18218.level_for(r) for r in (100, 99.999, 50, 49.999, 10, 9.999)] == [1, 2, 2, 3, 3, 4]


@pytest.mark.parametrize(
    ("items", "people", "major", "s", "r", "level"),
    [
        ([("name", "氯", 5), ("name", "氨", 5)], 0, True, 1.5, 2.5, 4),  # reference §1.6 A
        ([("name", "氯", 2.5), ("name", "氨", 5)], 0, True, 1.0, 1.5, 4),  # A′: S = 1 counts
        ([("name", "液氨", 30), ("name", "液氯", 2)], 120, True, 3.4, 15.2, 3),  # B
        ([("name", "甲烷", 500)], 60, True, 10, 22.5, 3),  # C
        ([("cas", "75-44-5", 10)], 10, True, 33.333333, 666.666667, 1),  # D
        ([("name", "氯", 4.9)], 0, False, 0.98, None, None),  # E
        ([("name", "氯", 250)], 100, True, 50, 400, 1),  # F
    ],
)
def test_worked_examples(items, people, major, s, r, level):
    result = gb18218.evaluate([{key: value, "quantity_t": q} for key, value, q in items], people)
    assert result.is_major_hazard is major
    assert result.sum_ratio == pytest.approx(s, abs=1e-6)
    assert (result.R is None) if r is None else pytest.approx(r, abs=1e-6) == result.R
    assert result.level == level


def test_category_items_and_overrides():
    w51 = gb18218.evaluate([{"category": "W5.1", "quantity_t": 3}], 60)
    assert not w51.is_major_hazard and w51.items[0].critical_t == 10
    ethanol = gb18218.evaluate([{"name": "乙醇", "category": "W5.1", "quantity_t": 600}], 0)
    assert ethanol.items[0].critical_t == 500 and ethanol.items[0].beta == 1.5
    with pytest.raises(DomainError, match="没有该物质：不存在的化学品"):
        gb18218.evaluate([{"name": "不存在的化学品", "quantity_t": 1}], 0)
    with pytest.raises(DomainError, match="不能为负数"):
        gb18218.evaluate([{"name": "氯", "quantity_t": -1}], 0)


names = [s.full_name for s in gb18218.tables().substances]


@given(
    st.lists(st.tuples(st.sampled_from(names), st.floats(0, 5000)), min_size=1, max_size=5),
    st.integers(0, 500),
    st.integers(0, 4),
    st.floats(0.01, 1000),
)
def test_more_substance_never_lowers_the_grade(items, people, which, extra):
    which %= len(items)
    base = gb18218.evaluate([{"name": n, "quantity_t": q} for n, q in items], people)
    more = [(n, q + extra if i == which else q) for i, (n, q) in enumerate(items)]
    bigger = gb18218.evaluate([{"name": n, "quantity_t": q} for n, q in more], people)
    assert bigger.sum_ratio >= base.sum_ratio
    if base.is_major_hazard:
        assert bigger.is_major_hazard and bigger.level <= base.level  # level 1 is the most severe


@pytest.mark.django_db
def test_calculator_endpoints_follow_the_contract(client):
    client.force_login(persona("viewer"))
    response = client.post("/api/v1/risk/lec/evaluate", {"L": 6, "E": 6, "C": 15}, content_type="application/json")
    assert response.json() == {"D": 540, "grade": "red", "label": "重大风险"}
    response = client.post(
        "/api/v1/risk/major-hazard/evaluate",
        {
            "substances": [{"cas": "7782-50-5", "quantity_t": 10}, {"category": "W5.1", "quantity_t": 3}],
            "exposed_people": 60,
        },
        content_type="application/json",
    )
    data = response.json()
    assert data["is_major_hazard"] and data["sum_ratio"] == pytest.approx(2.3)
    assert data["R"] == pytest.approx(1.5 * (4 * 2 + 1.5 * 0.3)) and data["level"] == 3
    assert data["items"][0] | {} == data["items"][0] and {"name", "cas", "critical_t", "ratio", "beta"} <= set(
        data["items"][0]
    )
    unknown = client.post(
        "/api/v1/risk/major-hazard/evaluate",
        {"substances": [{"name": "水", "quantity_t": 1}], "exposed_people": 0},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "水" in unknown.json()["substances"][0]
    client.logout()
    assert (
        client.post("/api/v1/risk/lec/evaluate", {"L": 1, "E": 1, "C": 1}, content_type="application/json").status_code
        == 401
    )
