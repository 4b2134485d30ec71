"""Evaluation indicators and the score (GB/T 46792-2025 突发事件应急演练评估指南, standards §13.4).

The standard's structure is verified — 评估准备 → 评估实施 (observe, record, analyse, conclude, report) →
总结、改进与存档; annex A live-drill indicators, annex B tabletop indicators, annex D score conversion — but its
text was not available. So the indicator sets below are OUR default items in that structure (data, edited on
the evaluation form per drill), and the conversion is a weighted sum with conclusion bands that are a setting
(ANLAN_DRILL_SCORE_BANDS, default 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格). The page says so.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

# (key, name, weight): weights add up to 100; each indicator is scored 0–100.
LIVE = [  # 附录A 实战演练评估指标（结构依标准，条目为本系统默认）
    ("scenario", "演练准备与情景设置", 10),
    ("report", "监测预警与信息报告", 10),
    ("command", "响应启动与指挥协调", 20),
    ("rescue", "现场处置与救援行动", 20),
    ("evacuation", "人员疏散与安置", 10),
    ("comms", "通信与信息保障", 10),
    ("resources", "应急队伍、物资与装备保障", 10),
    ("safety", "演练安全与后勤保障", 10),
]
TABLETOP = [  # 附录B 桌面演练评估指标（结构依标准，条目为本系统默认）
    ("situation", "情景理解与风险研判", 15),
    ("report", "信息报告与预警发布", 15),
    ("activation", "响应启动与分级", 15),
    ("command", "指挥协调与职责分工", 20),
    ("measures", "处置措施与资源调配", 20),
    ("plan_fit", "预案衔接与可操作性", 15),
]
DEFAULTS = {"live": LIVE, "tabletop": TABLETOP}

DEFAULT_BANDS = {"excellent": 90, "good": 80, "pass": 60}
BAND_ORDER = ("excellent", "good", "pass")


def default_indicators(form: str) -> list[dict]:
    return [{"key": key, "name": name, "weight": weight, "score": None} for key, name, weight in DEFAULTS[form]]


def bands() -> dict[str, int]:
    return {**DEFAULT_BANDS, **(getattr(settings, "ANLAN_DRILL_SCORE_BANDS", None) or {})}


def check(indicators: list[dict]) -> list[str]:
    """What is wrong with a filled indicator set (Chinese messages; empty when it can be scored)."""
    problems = []
    if not indicators:
        return ["请至少填写一项评估指标"]
    for i, row in enumerate(indicators, start=1):
        name = row.get("name") or f"第{i}项"
        weight, score = row.get("weight"), row.get("score")
        if not isinstance(weight, int | float) or weight <= 0:
            problems.append(f"{name}：权重应为正数")
        if not isinstance(score, int | float) or not 0 <= score <= 100:
            problems.append(f"{name}：得分应在 0–100 之间")
    return problems


def total(indicators: list[dict]) -> Decimal:
    """The weighted sum, normalised by the total weight (weights adding up to 100 give Σ weight × score / 100),
    to one decimal."""
    weight = sum(Decimal(str(row["weight"])) for row in indicators)
    summed = sum(Decimal(str(row["weight"])) * Decimal(str(row["score"])) for row in indicators)
    return (summed / weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def conclusion(score: Decimal) -> str:
    limits = bands()
    for band in BAND_ORDER:
        if score >= limits[band]:
            return band
    return "fail"
