"""SL 252 classes at every boundary (lower bound included), completeness texts, §20.2 default seasons and the
stage a day falls in, the two-level threshold checks."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.flood import rules


@pytest.mark.parametrize(
    ("storage", "expected"),
    [
        ("100000", "large1"),  # 10 亿m³ exactly: 大(1)型
        ("99999.99", "large2"),
        ("10000", "large2"),  # 1 亿m³
        ("9999.99", "medium"),
        ("1000", "medium"),  # 1000 万m³
        ("999.99", "small1"),
        ("100", "small1"),  # 100 万m³ 以上（含本数）
        ("99.99", "small2"),
        ("10", "small2"),  # 10 万m³
        ("9.99", rules.BELOW_SMALL2),
        ("0", rules.BELOW_SMALL2),
    ],
)
def test_reservoir_class_includes_its_lower_bound(storage, expected):
    assert rules.reservoir_class(Decimal(storage)) == expected


def test_labels_and_grades_of_the_classes():
    assert rules.CLASS_LABELS["small1"] == "小(1)型" and rules.project_grade("small1") == "Ⅳ"
    assert rules.project_grade("large1") == "Ⅰ" and rules.project_grade("medium") == "Ⅲ"
    with pytest.raises(ValueError):
        rules.reservoir_class(-1)


@given(st.decimals(min_value=10, max_value=10**7, places=2))
def test_classes_are_monotone_in_storage(storage):
    order = [c for c, _, _, _ in rules.CLASSES]
    smaller = rules.reservoir_class(storage)
    larger = rules.reservoir_class(storage + Decimal("0.01"))
    assert order.index(larger) <= order.index(smaller)


def test_completeness_names_what_is_missing():
    assert rules.completeness_text("reservoir", ["admin", "technical", "patrol"]) == "责任人完整"
    assert rules.completeness_text("reservoir", ["admin"]) == "缺技术、巡查"
    assert rules.completeness_text("reservoir", []) == "缺行政、技术、巡查"
    assert rules.completeness_text("site", ["admin", "monitor"]) == "责任人完整"
    assert rules.completeness_text("site", ["admin", "patrol"]) == "缺监测"


def test_default_season_and_its_stages():
    south = rules.default_season(2026)
    assert (south["start"], south["end"]) == (dt.date(2026, 4, 1), dt.date(2026, 10, 31))
    north = rules.default_season(2026, rules.NORTH)
    assert (north["main_start"], north["main_end"]) == (dt.date(2026, 7, 1), dt.date(2026, 8, 31))
    assert rules.season_phase(south, dt.date(2026, 4, 1)) == ("汛期", 1, 213)  # to 10-31
    assert rules.season_phase(south, dt.date(2026, 6, 3))[:2] == ("主汛期", 3)
    assert rules.season_phase(south, dt.date(2026, 7, 16))[:2] == ("防汛关键期", 1)
    assert rules.season_phase(south, dt.date(2026, 3, 31)) is None
    assert rules.season_phase(south, dt.date(2026, 11, 1)) is None


def test_threshold_checks():
    assert rules.threshold_errors({"1h": (30, 45), "3h": (None, None), "24h": (None, None)}) == []
    assert "至少填写" in rules.threshold_errors({"1h": (None, None)})[0]
    assert "同时填写" in rules.threshold_errors({"1h": (30, None)})[0]
    assert "应高于准备转移" in rules.threshold_errors({"3h": (50, 50)})[0]
