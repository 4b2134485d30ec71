"""Exam scoring, pure (no database): what one answer earns and what a sheet scores.

Every question weighs the same; the score is out of 100, rounded half up to one decimal. A single-choice or
true/false answer earns the question when it is the answer. A multiple-choice answer earns it when it holds all
and only the correct options; when the exam allows partial credit, a non-empty part of the correct options with
no wrong one earns half, anything else nothing (a wrong option always earns nothing)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "truefalse"
HALF = Decimal("0.5")


@dataclass(frozen=True)
class Key:
    """What scoring needs of a question: its type and its answer (letters in order, or 对/错)."""

    kind: str
    answer: str


def given_letters(kind: str, given) -> str:
    """A candidate's answer as stored: a list of ticked options or a string, to letters in order (对/错 kept)."""
    if given is None:
        return ""
    if isinstance(given, (list, tuple)):
        given = "".join(str(x) for x in given)
    text = str(given).strip().upper()
    if kind == TRUE_FALSE:
        return text if text in ("对", "错") else ""
    return "".join(sorted({ch for ch in text if ch in "ABCDEF"}))


def earned(key: Key, given, *, partial_credit: bool = False) -> Decimal:
    """The share of one question earned: 1, 0.5 (partial credit on a multiple choice) or 0."""
    answer = given_letters(key.kind, given)
    if not answer:
        return Decimal(0)
    if answer == key.answer:
        return Decimal(1)
    if key.kind == MULTIPLE and partial_credit:
        chosen, correct = set(answer), set(key.answer)
        if chosen < correct:
            return HALF
    return Decimal(0)


@dataclass(frozen=True)
class Result:
    correct: int  # questions fully right
    score: Decimal  # out of 100, one decimal
    passed: bool


def score_sheet(keys: list[Key], answers: list, *, pass_mark: int, partial_credit: bool = False) -> Result:
    """Score the answers given to `keys` (same order; a missing answer earns nothing)."""
    if not keys:
        return Result(0, Decimal(0), False)
    shares = [
        earned(k, answers[i] if i < len(answers) else None, partial_credit=partial_credit) for i, k in enumerate(keys)
    ]
    total = sum(shares, Decimal(0))
    score = (total * 100 / len(keys)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Result(sum(1 for s in shares if s == 1), score, score >= pass_mark)
