"""The reward calculation of §25.2 at its boundaries (pure: no database)."""

from decimal import Decimal

import pytest

from anlan.rewards import rules
from anlan.rewards.rules import RewardRules, compute


def fine(amount, outcome="true", matter="illegal", **kw):
    return compute(outcome=outcome, matter=matter, fines=[amount], **kw)


@pytest.mark.parametrize(
    ("amount", "reward"),
    [
        (0, 3000),  # a verified report without a fine: the minimum
        (1, 3000),
        (19999, 3000),  # 15 % = 2,999.85 → 3,000 (rounded), and the minimum anyway
        (20000, 3000),  # 15 % is exactly the minimum
        (20007, 3001),  # 3,001.05 → 3,001
        (100000, 15000),
        (1999999, 300000),  # 299,999.85 → 300,000
        (2000000, 300000),  # exactly the maximum
        (2000001, 300000),  # above: capped
        (10_000_000, 300000),
    ],
)
def test_share_of_the_fine_between_minimum_and_maximum(amount, reward):
    assert fine(amount).amount == Decimal(reward)


def test_the_explanation_names_the_fine_the_rate_and_the_bound_that_applied():
    low = fine(10000)
    assert low.lines == ("案件罚款合计 1 万元 × 15% = 1,500 元", "不低于最低奖励 3,000 元：奖励 3,000 元")
    high = fine(3000000)
    assert high.lines[-1] == "不超过最高奖励 300,000 元：奖励 300,000 元"
    middle = compute(outcome="partly", matter="major_hazard", fines=[Decimal("50000"), Decimal("75000"), None])
    assert middle.amount == Decimal(18750) and middle.fine == Decimal(125000)
    assert middle.lines[0] == "2 起案件罚款合计 12.5 万元 × 15% = 18,750 元"
    assert "之间" in middle.lines[1]


def test_a_fraction_of_a_yuan_is_rounded_half_up_and_said_so():
    result = fine("33333.33")  # 4,999.9995
    assert result.amount == Decimal(5000) and "取整到元" in result.lines[0]


def test_no_fine_gives_the_minimum_with_its_reason():
    result = compute(outcome="true", matter="major_hazard", fines=[None])
    assert result.amount == Decimal(3000) and "未处罚款" in result.lines[0]


@pytest.mark.parametrize(
    ("grade", "deaths", "reward"),
    [
        ("general", 1, 30000),
        ("larger", 1, 40000),
        ("major", 1, 50000),
        ("especially_major", 1, 60000),
        ("general", 10, 300000),  # exactly the cap
        ("general", 11, 300000),  # 330,000 capped
        ("major", 6, 300000),
        ("especially_major", 4, 240000),
        ("especially_major", 5, 300000),
        ("larger", 8, 300000),  # 320,000 capped
    ],
)
def test_concealed_deaths_per_person_by_grade_up_to_the_cap(grade, deaths, reward):
    result = compute(outcome="true", matter="concealed", concealed_deaths=deaths, accident_grade=grade)
    assert result.amount == Decimal(reward)
    assert result.lines[0].startswith(rules.GRADES[grade])


def test_concealment_ignores_fines_and_needs_deaths():
    none = compute(outcome="true", matter="concealed", fines=[1_000_000], concealed_deaths=0)
    assert not none.due and "瞒报死亡人数" in none.lines[0]
    with pytest.raises(ValueError):
        compute(outcome="true", matter="concealed", concealed_deaths=2, accident_grade="")


def test_nothing_for_a_false_report_or_an_ordinary_matter_without_a_fine():
    assert not compute(outcome="false", matter="illegal", fines=[500000]).due
    ordinary = compute(outcome="true", matter="other", fines=[])
    assert not ordinary.due and "奖励范围" in ordinary.lines[0]
    # An ordinary matter that did lead to a fine is an illegal act punished: the share applies.
    assert compute(outcome="true", matter="other", fines=[40000]).amount == Decimal(6000)


def test_local_settings_change_rate_bounds_and_amounts():
    taizhou = RewardRules(rate=Decimal("0.20"), maximum=Decimal("500000"))
    assert compute(outcome="true", matter="illegal", fines=[3_000_000], rules=taizhou).amount == Decimal(500000)
    assert "20%" in compute(outcome="true", matter="illegal", fines=[100000], rules=taizhou).lines[0]


def test_settings_are_read_with_the_documented_defaults(settings):
    assert rules.rules_from_settings() == RewardRules()
    settings.ANLAN_REWARD_RATE = "0.2"
    settings.ANLAN_REWARD_PER_DEATH_YUAN = {"general": 35000}
    read = rules.rules_from_settings()
    assert read.rate == Decimal("0.2") and read.per_death["general"] == Decimal(35000)
    assert read.per_death["major"] == Decimal(50000)


def test_bad_input_is_refused():
    for kw in (
        {"outcome": "maybe", "matter": "illegal"},
        {"outcome": "true", "matter": "gossip"},
        {"outcome": "true", "matter": "illegal", "fines": [-1]},
        {"outcome": "true", "matter": "concealed", "concealed_deaths": -1, "accident_grade": "general"},
    ):
        with pytest.raises(ValueError):
            compute(**kw)


def test_amounts_are_written_in_yuan_with_separators():
    assert rules.yuan(Decimal("300000")) == "300,000 元"
    assert rules.yuan(Decimal("1234.5")) == "1,234.50 元"
    assert rules.wan(125000) == "12.5 万元"
