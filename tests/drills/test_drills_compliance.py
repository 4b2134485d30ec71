"""The compliance rules (anlan/drills/compliance.py, pure): calendar years and halves, the rolling two years of
应急条例 Art. 8, and the statuses around every boundary (Dec 31/Jan 1, June 30/July 1, exactly two years)."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from anlan.drills import compliance as c
from anlan.drills.compliance import DUE, HALF_YEARLY, LATE, MET, OPEN, TWO_YEARS, YEARLY, Rule

D = dt.date
YEAR_RULE = (Rule(YEARLY, "办法第三十三条"),)
HALF_RULE = (Rule(HALF_YEARLY, "条例第八条"),)
LOCAL_RULES = (Rule(TWO_YEARS, "条例第八条"), Rule(YEARLY, "本县目标"))


def status(rules, held, year, today):
    return c.assess(category="x", name="x", rules=rules, held=held, year=year, today=today)


# ---------------------------------------------------------------- yearly (calendar year)


def test_a_drill_on_dec_31_counts_for_its_year_and_jan_1_for_the_next():
    assert status(YEAR_RULE, [D(2025, 12, 31)], 2025, D(2026, 3, 1)).status == MET
    assert status(YEAR_RULE, [D(2026, 1, 1)], 2025, D(2026, 3, 1)).status == LATE
    row = status(YEAR_RULE, [D(2026, 1, 1)], 2026, D(2026, 3, 1))
    assert (row.status, row.held, row.last_held) == (MET, 1, D(2026, 1, 1))


def test_the_yearly_deadline_is_due_in_the_last_quarter_and_late_after_dec_31():
    assert status(YEAR_RULE, [], 2026, D(2026, 9, 30)).status == OPEN  # Dec 31 is beyond this quarter
    row = status(YEAR_RULE, [], 2026, D(2026, 10, 1))
    assert (row.status, row.due_on) == (DUE, D(2026, 12, 31))
    assert status(YEAR_RULE, [], 2026, D(2026, 12, 31)).status == DUE
    assert status(YEAR_RULE, [], 2026, D(2027, 1, 1)).status == LATE  # the year 2026 read after it ended


def test_a_drill_after_the_day_read_does_not_count():
    assert status(YEAR_RULE, [D(2026, 11, 2)], 2026, D(2026, 11, 1)).status == DUE


# ---------------------------------------------------------------- half-yearly (calendar halves)


def test_june_30_is_the_first_half_and_july_1_the_second():
    assert status(HALF_RULE, [D(2026, 6, 30)], 2026, D(2026, 7, 1)).status == OPEN  # the second half to come
    assert status(HALF_RULE, [D(2026, 6, 30), D(2026, 7, 1)], 2026, D(2026, 7, 1)).status == MET
    row = status(HALF_RULE, [D(2026, 7, 1)], 2026, D(2026, 7, 1))
    assert (row.status, row.due_on) == (LATE, D(2026, 6, 30))  # the first half ended without a drill


def test_each_half_is_due_in_its_second_quarter():
    assert status(HALF_RULE, [], 2026, D(2026, 3, 31)).status == OPEN
    assert status(HALF_RULE, [], 2026, D(2026, 4, 1)).status == DUE
    assert status(HALF_RULE, [], 2026, D(2026, 6, 30)).status == DUE
    assert status(HALF_RULE, [D(2026, 5, 1)], 2026, D(2026, 9, 30)).status == OPEN
    row = status(HALF_RULE, [D(2026, 5, 1)], 2026, D(2026, 10, 1))
    assert (row.status, row.due_on) == (DUE, D(2026, 12, 31))


def test_a_past_year_needs_both_halves():
    assert status(HALF_RULE, [D(2025, 3, 1), D(2025, 8, 1)], 2025, D(2026, 2, 1)).status == MET
    assert status(HALF_RULE, [D(2025, 3, 1), D(2025, 5, 1)], 2025, D(2026, 2, 1)).status == LATE


# ---------------------------------------------------------------- every two years (rolling, Art. 8)


def test_exactly_two_years_after_the_last_drill_is_the_last_compliant_day():
    held = [D(2024, 6, 15)]
    assert c.rolling_status(held, D(2026, 6, 15)) == (DUE, D(2026, 6, 15))
    assert c.rolling_status(held, D(2026, 6, 16)) == (LATE, D(2026, 6, 15))
    assert c.rolling_status(held, D(2026, 3, 31)) == (MET, D(2026, 6, 15))  # due next quarter
    assert c.rolling_status(held, D(2026, 4, 1)) == (DUE, D(2026, 6, 15))


def test_feb_29_plus_two_years_is_feb_28():
    assert c.add_years(D(2024, 2, 29), 2) == D(2026, 2, 28)
    assert c.rolling_status([D(2024, 2, 29)], D(2026, 3, 1))[0] == LATE


def test_a_unit_that_never_drilled_is_late_under_the_two_year_rule():
    assert c.rolling_status([], D(2026, 1, 1)) == (LATE, None)


def test_local_units_take_the_worse_of_the_legal_rule_and_the_yearly_target():
    # Drilled last year: the law is met (until 2027), the county's yearly target not yet this year.
    row = status(LOCAL_RULES, [D(2025, 5, 10)], 2026, D(2026, 2, 1))
    assert (row.status, row.due_on) == (OPEN, D(2026, 12, 31))
    assert row.notes == ["每2年至少1次：达标", "每年至少1次：待组织"]
    # Without the yearly target the same unit is compliant.
    assert status(LOCAL_RULES[:1], [D(2025, 5, 10)], 2026, D(2026, 2, 1)).status == MET
    # Drilled two years and a day ago: late whatever this year's target says.
    assert status(LOCAL_RULES, [D(2024, 1, 31)], 2026, D(2026, 2, 1)).status == LATE


def test_quarter_end():
    assert [c.quarter_end(D(2026, m, 15)) for m in (1, 4, 8, 12)] == [
        D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31)
    ]  # fmt: skip


# ---------------------------------------------------------------- properties

days = st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31))


@given(held=st.lists(days, max_size=6), today=days)
def test_yearly_met_iff_a_drill_in_the_year_up_to_the_day(held, today):
    year = today.year
    row = status(YEAR_RULE, held, year, today)
    in_year = [d for d in held if d.year == year and d <= today]
    assert (row.status == MET) == bool(in_year)
    assert row.held == len(in_year)
    if not in_year:
        assert row.status == (DUE if today.month >= 10 else OPEN)


@given(held=st.lists(days, max_size=6), today=days)
def test_half_yearly_late_iff_an_ended_half_had_no_drill(held, today):
    row = status(HALF_RULE, held, today.year, today)
    first = [d for d in held if d.year == today.year and d.month <= 6 and d <= today]
    ended_without = today > D(today.year, 6, 30) and not first
    assert (row.status == LATE) == ended_without


@given(held=st.lists(days, min_size=1, max_size=6), today=days)
def test_rolling_met_or_due_iff_the_last_drill_is_at_most_two_years_old(held, today):
    state, due = c.rolling_status(held, today)
    past = [d for d in held if d <= today]
    fresh = bool(past) and c.add_years(max(past), 2) >= today
    assert (state in (MET, DUE)) == fresh
    if state == DUE:
        assert today <= due <= c.quarter_end(today)


@given(held=st.lists(days, max_size=6), today=days)
def test_a_drill_held_today_meets_every_rule(held, today):
    for rules in (LOCAL_RULES, YEAR_RULE):
        before = status(rules, held, today.year, today)
        after = status(rules, [*held, today], today.year, today)
        assert after.status == MET and c.SEVERITY[after.status] <= c.SEVERITY[before.status]
    if today.month in (6, 12) or today.month in (1, 7):  # a half-year rule is met by today's drill for this half
        assert status(HALF_RULE, [*held, today], today.year, today).status in (MET, LATE)
