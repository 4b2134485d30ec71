"""Statutory clocks of a penalty case: working days per 行政处罚法 Art. 85, calendar days otherwise.

The arithmetic runs on a given calendar (core.workdays.remembered), so it needs no database; the county's
holidays moving the clocks are in tests/core/test_workdays.py."""

import datetime as dt
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anlan.core import workdays
from anlan.enforcement import case_clocks as cc

FRI = dt.date(2026, 3, 6)


@pytest.fixture(autouse=True)
def plain_weeks():
    """Monday to Friday, no holiday entered: the clocks' own arithmetic, without the database."""
    with workdays.remembered(workdays.Calendar()):
        yield


def case(**kw):
    base = {"procedure": "ordinary", "opened_on": dt.date(2026, 3, 2), "decided_on": None, "served_on": None,
            "notified_on": None, "hearing_on": None, "hearing_notice_on": None, "hearing_requested_on": None,
            "hearing_waived_on": None, "served_on_spot": False}  # fmt: skip
    return SimpleNamespace(**{**base, **kw})


def test_working_days_skip_weekends():
    assert cc.add_working_days(FRI, 1) == dt.date(2026, 3, 9)  # Friday + 1 → Monday
    assert cc.add_working_days(FRI, 5) == dt.date(2026, 3, 13)
    assert cc.service_due(FRI) == dt.date(2026, 3, 17)  # 7 working days
    assert cc.hearing_request_due(dt.date(2026, 3, 7)) == dt.date(2026, 3, 13)  # from a Saturday
    assert cc.hearing_notice_latest(dt.date(2026, 3, 27)) == dt.date(2026, 3, 18)
    assert cc.decision_due(dt.date(2026, 3, 2)) == dt.date(2026, 5, 31)  # 90 calendar days


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(min_value=1, max_value=40))
def test_working_days_round_trip_and_land_on_weekdays(start, days):
    end = cc.add_working_days(start, days)
    assert end.weekday() < 5 and cc.working_days_between(start, end) == days
    assert cc.subtract_working_days(end, days) <= start
    assert cc.working_days_between(cc.subtract_working_days(end, days), end) == days


def test_clock_states_and_texts():
    opened = case()
    (decision,) = cc.clocks(opened, dt.date(2026, 5, 28))
    assert decision.key == "decision" and decision.state(dt.date(2026, 5, 28)) == "soon"
    assert decision.text(dt.date(2026, 5, 28)) == "剩 3 天"
    assert decision.state(dt.date(2026, 6, 2)) == "overdue" and decision.text(dt.date(2026, 6, 2)) == "已超期 2 天"
    assert decision.state(dt.date(2026, 4, 1)) == "running"
    late = cc.clocks(case(decided_on=dt.date(2026, 6, 1)), dt.date(2026, 6, 5))[0]
    assert late.state(dt.date(2026, 6, 5)) == "late" and "超期 1 天" in late.text(dt.date(2026, 6, 5))


def test_hearing_window_runs_only_when_the_hearing_qualifies():
    notified = case(notified_on=dt.date(2026, 3, 9))
    assert [c.key for c in cc.clocks(notified, dt.date(2026, 3, 10))] == ["decision"]
    window = next(c for c in cc.clocks(notified, dt.date(2026, 3, 10), hearing=True) if c.key == "hearing_request")
    assert window.due == dt.date(2026, 3, 16) and window.running and window.working
    closed = next(c for c in cc.clocks(notified, dt.date(2026, 3, 17), hearing=True) if c.key == "hearing_request")
    assert closed.done_on == dt.date(2026, 3, 16) and closed.state(dt.date(2026, 3, 17)) == "done"
    waived = case(notified_on=dt.date(2026, 3, 9), hearing_waived_on=dt.date(2026, 3, 10))
    assert next(c for c in cc.clocks(waived, dt.date(2026, 3, 10), hearing=True) if c.key == "hearing_request").done_on


def test_service_clock_not_when_served_on_the_spot_and_payment_clock_from_unpaid():
    decided = case(decided_on=dt.date(2026, 3, 6))
    assert "service" in [c.key for c in cc.clocks(decided, dt.date(2026, 3, 6))]
    assert "service" not in [c.key for c in cc.clocks(case(decided_on=FRI, served_on_spot=True), FRI)]
    summary = case(procedure="summary", decided_on=FRI, served_on=FRI, served_on_spot=True)
    keys = [c.key for c in cc.clocks(summary, FRI, [dt.date(2026, 3, 21), dt.date(2026, 4, 21)])]
    assert keys == ["payment"]  # no 90-day clock for an on-the-spot decision
    pay = cc.clocks(summary, FRI, [dt.date(2026, 4, 21), dt.date(2026, 3, 21)])[0]
    assert pay.due == dt.date(2026, 3, 21)
    assert [c.key for c in cc.pressing(summary, dt.date(2026, 3, 19), [dt.date(2026, 3, 21)])] == ["payment"]
    assert cc.pressing(summary, dt.date(2026, 3, 10), [dt.date(2026, 3, 21)]) == []
