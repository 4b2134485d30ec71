"""The regional risk index (一图、一指数): one documented number per township and village.

    index = Σ risk points × grade weight             (red 10, orange 5, yellow 2, blue 0.5)
          + Σ major hazard units × level weight      (一级 10, 二级 6, 三级 3, 四级 1)
          + Σ open hidden hazards × level weight     (major 5, general 1), doubled when overdue
          + Σ active hazard sites × (1 + threatened people ÷ 50, at most 5 per site)

Why these weights: a red risk point or a 一级 major hazard source is, on its own, the kind of danger the
seeds put first (002 三(五)1); a major hidden hazard weighs like an orange risk point until closed, and
an overdue one counts twice, so the index falls as the loop closes (动态销号); hazard sites count by the
people they threaten, capped so one large site does not hide the rest. A village holds only its own
objects; a township holds its whole subtree.

Colours (four-colour map) compare the index with thresholds per level. The defaults suit a mountain
county like 巫山 (≈3 hazard sites per village) and are settings (ANLAN_RISK_INDEX_THRESHOLDS), because
no standard fixes them.
"""

from dataclasses import dataclass, field

GRADE_WEIGHTS = {"red": 10.0, "orange": 5.0, "yellow": 2.0, "blue": 0.5}
MAJOR_HAZARD_WEIGHTS = {1: 10.0, 2: 6.0, 3: 3.0, 4: 1.0}
HIDDEN_HAZARD_WEIGHTS = {"major": 5.0, "general": 1.0}
OVERDUE_FACTOR = 2.0
PEOPLE_PER_POINT = 50
SITE_CAP = 5.0

DEFAULT_THRESHOLDS = {
    "village": {"red": 30, "orange": 18, "yellow": 8},
    "township": {"red": 200, "orange": 120, "yellow": 60},
}
COLOURS = {"red": "#e02020", "orange": "#f28c28", "yellow": "#f5d000", "blue": "#2f7fd8"}
LABELS = {"red": "高风险（红）", "orange": "较高风险（橙）", "yellow": "中风险（黄）", "blue": "低风险（蓝）"}


@dataclass
class Components:
    risk_points: dict = field(default_factory=dict)  # grade -> count
    major_hazards: dict = field(default_factory=dict)  # level -> count
    hidden_hazards: dict = field(default_factory=dict)  # (level, overdue) -> count
    sites: int = 0
    site_score: float = 0.0
    threatened_people: int = 0

    def add(self, other: "Components") -> None:
        for mine, theirs in (
            (self.risk_points, other.risk_points),
            (self.major_hazards, other.major_hazards),
            (self.hidden_hazards, other.hidden_hazards),
        ):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        self.sites += other.sites
        self.site_score += other.site_score
        self.threatened_people += other.threatened_people


def site_score(threatened_people: int) -> float:
    return 1.0 + min(threatened_people / PEOPLE_PER_POINT, SITE_CAP - 1.0)


def score(c: Components) -> float:
    total = sum(GRADE_WEIGHTS.get(g, 0) * n for g, n in c.risk_points.items())
    total += sum(MAJOR_HAZARD_WEIGHTS.get(level, 0) * n for level, n in c.major_hazards.items())
    total += sum(
        HIDDEN_HAZARD_WEIGHTS.get(level, 0) * (OVERDUE_FACTOR if overdue else 1.0) * n
        for (level, overdue), n in c.hidden_hazards.items()
    )
    return round(total + c.site_score, 1)


def colour(index: float, level: str, thresholds: dict | None = None) -> str:
    t = (thresholds or DEFAULT_THRESHOLDS)[level]
    if index >= t["red"]:
        return "red"
    if index >= t["orange"]:
        return "orange"
    if index >= t["yellow"]:
        return "yellow"
    return "blue"
