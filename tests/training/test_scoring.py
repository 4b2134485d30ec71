"""Exam scoring, each question type and the edge cases (training.scoring, pure)."""

from decimal import Decimal

from anlan.training.scoring import Key, earned, given_letters, score_sheet

SINGLE = Key("single", "B")
MULTI = Key("multiple", "ACD")
TF_TRUE = Key("truefalse", "对")


def test_a_single_choice_earns_only_its_answer():
    assert earned(SINGLE, "B") == 1
    assert earned(SINGLE, "b") == 1
    assert earned(SINGLE, "A") == 0
    assert earned(SINGLE, "AB") == 0  # two ticks on a single choice are wrong
    assert earned(SINGLE, "") == 0
    assert earned(SINGLE, None) == 0


def test_a_multiple_choice_needs_all_and_only_the_correct_options():
    assert earned(MULTI, ["D", "A", "C"]) == 1  # order does not matter
    assert earned(MULTI, "A,C,D") == 1
    assert earned(MULTI, "AC") == 0  # missing one: nothing by default
    assert earned(MULTI, "ABCD") == 0  # one too many
    assert earned(MULTI, "B") == 0


def test_partial_credit_gives_half_for_a_correct_part_and_nothing_with_a_wrong_option():
    assert earned(MULTI, "AC", partial_credit=True) == Decimal("0.5")
    assert earned(MULTI, "D", partial_credit=True) == Decimal("0.5")
    assert earned(MULTI, "ACD", partial_credit=True) == 1
    assert earned(MULTI, "AB", partial_credit=True) == 0  # B is wrong
    assert earned(MULTI, "ABCD", partial_credit=True) == 0
    assert earned(SINGLE, "A", partial_credit=True) == 0  # partial credit is for multiple choice only


def test_true_false_reads_only_对_or_错():
    assert earned(TF_TRUE, "对") == 1
    assert earned(TF_TRUE, "错") == 0
    assert earned(TF_TRUE, "A") == 0
    assert given_letters("truefalse", ["对"]) == "对"


def test_a_sheet_scores_out_of_100_to_one_decimal_and_passes_at_the_mark():
    keys = [SINGLE, MULTI, TF_TRUE]
    result = score_sheet(keys, ["B", "AC", "对"], pass_mark=60)
    assert (result.correct, result.score, result.passed) == (2, Decimal("66.7"), True)
    result = score_sheet(keys, ["B", "AC", "错"], pass_mark=60)
    assert (result.correct, result.score, result.passed) == (1, Decimal("33.3"), False)
    half = score_sheet(keys, ["B", "AC", "错"], pass_mark=50, partial_credit=True)
    assert (half.correct, half.score, half.passed) == (1, Decimal("50.0"), True)  # exactly the mark passes
    assert score_sheet(keys, [], pass_mark=60).score == 0  # nothing answered
    assert score_sheet([], [], pass_mark=60).passed is False
