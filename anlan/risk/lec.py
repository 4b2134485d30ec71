"""LEC (作业条件危险性评价法): D = L × E × C, and the four colours (CONTRACT.md).

Factor tables are pinned to reference/standards.md §7.1 (the UI offers these values). The colour
mapping is the one CONTRACT.md publishes: D > 320 red, 160 < D ≤ 320 orange, 70 < D ≤ 160 yellow,
D ≤ 70 blue (the classic five tiers' boundaries, with 20–70 and < 20 both "low").
"""

from dataclasses import dataclass

L_VALUES = {
    10: "完全可以预料",
    6: "相当可能",
    3: "可能，但不经常",
    1: "可能性小，完全意外",
    0.5: "很不可能，可以设想",
    0.2: "极不可能",
    0.1: "实际不可能",
}
E_VALUES = {
    10: "连续暴露",
    6: "每天工作时间内暴露",
    3: "每周一次或偶然暴露",
    2: "每月一次暴露",
    1: "每年几次暴露",
    0.5: "非常罕见地暴露",
}
C_VALUES = {
    100: "大灾难，许多人死亡",
    40: "灾难，数人死亡",
    15: "非常严重，一人死亡",
    7: "严重，重伤",
    3: "重大，致残",
    1: "引人注目，需要救护",
}

GRADES = {
    "red": "重大风险",
    "orange": "较大风险",
    "yellow": "一般风险",
    "blue": "低风险",
}


@dataclass(frozen=True)
class LecResult:
    D: float
    grade: str

    @property
    def label(self) -> str:
        return GRADES[self.grade]


def grade_for(d: float) -> str:
    if d > 320:
        return "red"
    if d > 160:
        return "orange"
    if d > 70:
        return "yellow"
    return "blue"


def evaluate(L: float, E: float, C: float) -> LecResult:
    for name, value in (("L", L), ("E", E), ("C", C)):
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0 or value != value:
            raise ValueError(f"{name} 应为正数")
    d = round(L * E * C, 6)
    d = int(d) if float(d).is_integer() else d
    return LecResult(d, grade_for(d))
