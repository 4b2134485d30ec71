"""LS risk matrix: R = L × S with L, S in 1–5 (reference §7.2). The thresholds are not normative
nationally, so they are settings the bureau edits (RiskMatrixSetting); the defaults are the common
set 20–25 重大, 15–16 较大, 9–12 一般, 1–8 低."""

from dataclasses import dataclass

DEFAULT_THRESHOLDS = {"red": 20, "orange": 15, "yellow": 9}  # R ≥ value gives that grade


@dataclass(frozen=True)
class MatrixResult:
    R: int
    grade: str


def evaluate(L: int, S: int, thresholds: dict | None = None) -> MatrixResult:
    for name, value in (("L", L), ("S", S)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            raise ValueError(f"{name} 应为 1–5 的整数")
    t = {**DEFAULT_THRESHOLDS, **(thresholds or {})}
    if not t["red"] > t["orange"] > t["yellow"] > 1:
        raise ValueError("阈值应满足 重大 > 较大 > 一般 > 1")
    r = L * S
    grade = "red" if r >= t["red"] else "orange" if r >= t["orange"] else "yellow" if r >= t["yellow"] else "blue"
    return MatrixResult(r, grade)
