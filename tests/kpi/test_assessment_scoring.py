"""kpi.scoring at its boundaries: an indicator met, just missed, far missed (deduction floors at 0), the
proportional rule for floors and ceilings, no value; tasks done by their deadline; final points; ranking ties."""

import datetime as dt
from decimal import Decimal as D

from anlan.kpi import scoring
from anlan.kpi.scoring import TaskFact

DAY = dt.date(2026, 6, 30)


def test_indicator_met_exactly_gets_full_points():
    r = scoring.indicator_points(points=D("10"), value=D("95"), target=D("95"), direction="gte", deduct_per_unit=D("2"))
    assert r.points == D("10.00")
    assert "达到目标得满分" in r.explanation


def test_indicator_each_unit_short_costs_the_deduction_and_floors_at_zero():
    one_short = scoring.indicator_points(
        points=D("10"), value=D("94"), target=D("95"), direction="gte", deduct_per_unit=D("2"), unit="%"
    )
    assert one_short.points == D("8.00")
    assert "差 1%" in one_short.explanation
    far = scoring.indicator_points(
        points=D("10"), value=D("50"), target=D("95"), direction="gte", deduct_per_unit=D("2")
    )
    assert far.points == D("0.00")


def test_ceiling_indicator_over_target_loses_points():
    at = scoring.indicator_points(points=D("5"), value=D("0.01"), target=D("0.01"), direction="lte")
    assert at.points == D("5.00")
    over = scoring.indicator_points(points=D("5"), value=D("0.02"), target=D("0.01"), direction="lte")
    assert over.points == D("2.50")  # proportional: 5 × 0.01 ÷ 0.02
    below = scoring.indicator_points(points=D("5"), value=D("0"), target=D("0.01"), direction="lte")
    assert below.points == D("5.00")


def test_proportional_floor_and_no_value():
    r = scoring.indicator_points(points=D("10"), value=D("80"), target=D("100"), direction="gte")
    assert r.points == D("8.00")
    assert scoring.indicator_points(points=D("10"), value=None, target=D("95"), direction="gte").points is None
    assert scoring.indicator_points(points=D("10"), value=D("3"), target=None, direction="gte").points is None


def test_tasks_done_by_deadline_count_late_and_cancelled_do_not():
    tasks = [
        TaskFact(DAY, "done", DAY),  # on the deadline: counts
        TaskFact(DAY, "done", DAY + dt.timedelta(days=1)),  # a day late
        TaskFact(DAY, "in_progress", None),
        TaskFact(DAY, "cancelled", None),  # not counted at all
    ]
    r = scoring.tasks_points(points=D("9"), tasks=tasks)
    assert r.points == D("3.00")
    assert r.explanation == "按期完成 1 项，共 3 项"
    assert scoring.tasks_points(points=D("9"), tasks=[]).points is None
    assert scoring.tasks_points(points=D("9"), tasks=[TaskFact(DAY, "cancelled", None)]).points is None


def test_final_points_prefer_review_then_self_then_computed():
    assert scoring.final_points(computed=D("5"), self_points=D("6"), review=D("4")) == D("4")
    assert scoring.final_points(computed=D("5"), self_points=D("6"), review=None) == D("6")
    assert scoring.final_points(computed=D("5"), self_points=None, review=None) == D("5")
    assert scoring.final_points(computed=None, self_points=None, review=D("0")) == D("0")
    assert scoring.total([D("1.005"), None, D("2")]) == D("3.01")


def test_ranking_ties_share_a_rank_and_skip_the_next():
    assert scoring.ranks({"a": D("90"), "b": D("95"), "c": D("90"), "d": D("80")}) == {"b": 1, "a": 2, "c": 2, "d": 4}
