"""The pure parts of the plan: the class rule, the default scheme's data, the spreading arithmetic and the
plan's transition table (no database)."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError, NotAllowed
from anlan.core.roles import Role
from anlan.enforcement import classes, plan
from anlan.enforcement.workflow_plan import FLOW


def ent(**attrs):
    base = {
        "industry": "", "standard_grade": "none", "has_major_hazard": False, "is_hazchem": False,
        "is_dust_explosive": False, "has_confined_space": False, "has_ammonia_refrigeration": False,
        "is_fireworks": False, "is_non_coal_mine": False,
    }  # fmt: skip
    return SimpleNamespace(**{**base, **attrs})


# ---------------------------------------------------------------- the scheme


def test_the_default_scheme_is_shanxi_2025_as_in_the_reference():
    caps = {(g, c): cap for g, c, _, cap in classes.DEFAULT_CLASSES}
    assert [caps[("coal", c)] for c in "ABCD"] == [2, 4, 6, 4]
    assert [caps[("non_coal_mine", c)] for c in "ABCD"] == [1, 1, 2, 4]
    assert [caps[("hazchem", c)] for c in ("1", "2", "3", "none")] == [2, 4, 8, 12]
    assert [caps[("other", c)] for c in "ABCD"] == [1, 2, 4, 6]
    assert len(caps) == len(classes.DEFAULT_CLASSES) == 16


# ---------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    ("attrs", "group"),
    [
        ({"industry": "06"}, "coal"),
        ({"industry": "06", "is_hazchem": True}, "coal"),
        ({"is_non_coal_mine": True}, "non_coal_mine"),
        ({"industry": "10"}, "non_coal_mine"),
        ({"industry": "07"}, "non_coal_mine"),
        ({"is_hazchem": True, "industry": "51"}, "hazchem"),
        ({"industry": "26"}, "hazchem"),
        ({"industry": "31"}, "hazchem"),
        ({"industry": "32"}, "hazchem"),
        ({"is_fireworks": True, "industry": "52"}, "other"),
        ({"industry": "13"}, "other"),
        ({}, "other"),
    ],
)
def test_sector_group(attrs, group):
    assert classes.sector_group_of(ent(**attrs))[0] == group


@pytest.mark.parametrize(("grade", "code"), [("1", "1"), ("2", "2"), ("3", "3"), ("below", "none"), ("none", "none")])
def test_hazchem_and_metallurgy_are_classed_by_their_standardisation_grade(grade, code):
    proposal = classes.propose(ent(is_hazchem=True, standard_grade=grade, has_major_hazard=True))
    assert (proposal.sector_group, proposal.code) == ("hazchem", code)


@pytest.mark.parametrize(
    ("attrs", "code"),
    [
        ({"standard_grade": "1"}, "A"),
        ({"standard_grade": "2"}, "A"),
        ({"standard_grade": "3"}, "B"),
        ({"standard_grade": "none"}, "B"),
        ({"standard_grade": "below"}, "C"),
        ({"standard_grade": "2", "has_confined_space": True}, "B"),
        ({"standard_grade": "2", "has_confined_space": True, "is_dust_explosive": True}, "B"),  # flags count once
        ({"standard_grade": "none", "is_dust_explosive": True}, "C"),
        ({"standard_grade": "1", "has_major_hazard": True}, "C"),
        ({"standard_grade": "none", "has_major_hazard": True}, "D"),
        ({"standard_grade": "below", "has_major_hazard": True, "is_fireworks": True}, "D"),  # 5 points: still D
    ],
)
def test_other_groups_are_classed_by_the_risk_score(attrs, code):
    proposal = classes.propose(ent(industry="13", **attrs))
    assert proposal.code == code
    assert proposal.reason_text.endswith(f"→ {code}类")


def test_the_same_score_gives_the_same_letter_in_every_lettered_group():
    for industry in ("06", "08", "13"):
        assert classes.propose(ent(industry=industry, standard_grade="3", has_major_hazard=True)).code == "D"


# ---------------------------------------------------------------- arithmetic


@given(st.integers(min_value=0, max_value=100_000), st.integers(min_value=1, max_value=12))
def test_spreading_keeps_the_total_exact_and_even(total, first):
    months = plan.spread(total, first)
    assert sorted(months) == list(range(first, 13))
    assert sum(months.values()) == total
    n = 13 - first
    assert set(months.values()) <= {total // n, -(-total // n)}


def test_spreading_puts_the_extra_inspections_through_the_year_not_in_january():
    assert plan.spread(6) == {m: m % 2 for m in range(1, 13)}  # Jan, Mar … Nov
    assert plan.spread(1) == {m: int(m == 6) for m in range(1, 13)}  # mid-year, not December
    assert plan.spread(25) == {m: (3 if m == 6 else 2) for m in range(1, 13)}
    assert plan.spread(7, first_month=10) == {10: 2, 11: 3, 12: 2}


def test_spreading_refuses_nonsense():
    with pytest.raises(ValueError):
        plan.spread(-1)
    with pytest.raises(ValueError):
        plan.spread(3, first_month=13)


def test_lines_sum_caps_per_department_and_group_and_leave_out_empty_months():
    totals = plan.year_totals([(1, "other", 2), (1, "other", 4), (1, "hazchem", 12), (2, "other", 1)])
    assert totals == {(1, "other"): 6, (1, "hazchem"): 12, (2, "other"): 1}
    lines = plan.lines(totals)
    assert sum(lines.values()) == 19
    assert lines[(2, "other", 6)] == 1 and (2, "other", 1) not in lines
    assert all(lines[(1, "hazchem", m)] == 1 for m in range(1, 13))


def test_random_minimum_rounds_up_and_percent_rounds_half_up():
    assert plan.random_minimum(10, 70) == 7
    assert plan.random_minimum(11, 70) == 8  # 7.7 → at least 8
    assert plan.random_minimum(0, 70) == 0
    assert plan.percent(1, 8) == "13%"  # 12.5 → 13
    assert plan.percent(0, 0) == "—"


# ---------------------------------------------------------------- the transition table


class FakeLines:
    def __init__(self, n):
        self.n = n

    def filter(self, **kw):
        return self

    def exists(self):
        return self.n > 0


def fake_plan(status, lines=5):
    return SimpleNamespace(status=status, lines=FakeLines(lines))


ADMIN = SimpleNamespace(role=Role.COUNTY_ADMIN, is_superuser=False)
OPERATOR = SimpleNamespace(role=Role.COUNTY_OPERATOR, is_superuser=False)
DEPARTMENT = SimpleNamespace(role=Role.DEPARTMENT_OPERATOR, is_superuser=False)


def test_the_plan_goes_draft_submitted_approved_published():
    p = fake_plan("draft")
    FLOW.apply(OPERATOR, p, "submit")
    assert p.status == "submitted"
    FLOW.apply(ADMIN, p, "approve")
    assert p.status == "approved"
    FLOW.apply(OPERATOR, p, "publish")
    assert p.status == "published"


@pytest.mark.parametrize(
    ("status", "action"),
    [("draft", "approve"), ("draft", "publish"), ("submitted", "publish"), ("approved", "submit"),
     ("published", "approve"), ("published", "submit"), ("approved", "send_back")],
)  # fmt: skip
def test_no_step_is_skipped_or_repeated(status, action):
    with pytest.raises(DomainError) as refused:
        FLOW.apply(ADMIN, fake_plan(status), action, comment="x")
    assert refused.value.code == "plan.transition_not_allowed"


def test_only_the_county_admin_approves_or_sends_back():
    with pytest.raises(NotAllowed):
        FLOW.apply(OPERATOR, fake_plan("submitted"), "approve")
    with pytest.raises(NotAllowed):
        FLOW.apply(OPERATOR, fake_plan("submitted"), "send_back", comment="重做")
    with pytest.raises(NotAllowed):
        FLOW.apply(DEPARTMENT, fake_plan("draft"), "submit")


def test_an_empty_plan_is_not_submitted_and_a_send_back_needs_a_comment():
    with pytest.raises(DomainError) as refused:
        FLOW.apply(OPERATOR, fake_plan("draft", lines=0), "submit")
    assert refused.value.code == "plan.empty"
    with pytest.raises(DomainError) as refused:
        FLOW.apply(ADMIN, fake_plan("submitted"), "send_back", comment="  ")
    assert refused.value.code == "plan.comment_required"
    p = fake_plan("submitted")
    FLOW.apply(ADMIN, p, "send_back", comment="某部门月度分配不均")
    assert p.status == "draft"
