"""防汛 rules (pure): the SL 252 class of a reservoir by total storage, the completeness of a work's 责任人,
the §20.2 default flood-season dates, and the day of the season. Sources: standards §20 (防汛条例; 水防〔2024〕89号;
SL 252-2000 Table 2.1.1; §20.5 三个责任人; §20.6 山洪 two-level thresholds)."""

import datetime as dt
from decimal import Decimal

# SL 252-2000 Table 2.1.1 (§20.4, VERIFIED): total storage in 万m³, lower bound included ("以上（含本数）").
# (class code, label, project grade, lower bound in 万m³), largest first.
CLASSES = [
    ("large1", "大(1)型", "Ⅰ", Decimal("100000")),  # ≥ 10 亿m³
    ("large2", "大(2)型", "Ⅱ", Decimal("10000")),  # 1.0 – 10 亿m³
    ("medium", "中型", "Ⅲ", Decimal("1000")),  # 0.10 – 1.0 亿m³
    ("small1", "小(1)型", "Ⅳ", Decimal("100")),  # 100 – 1000 万m³
    ("small2", "小(2)型", "Ⅴ", Decimal("10")),  # 10 – 100 万m³
]
CLASS_LABELS = {code: label for code, label, _, _ in CLASSES}
BELOW_SMALL2 = "below"  # under 10 万m³: not a reservoir of SL 252 (a 塘坝)


def reservoir_class(storage_wan_m3) -> str:
    """The SL 252 class code of a reservoir with total storage `storage_wan_m3` (万m³); each class includes
    its lower bound. Under 10 万m³ gives BELOW_SMALL2."""
    storage = Decimal(str(storage_wan_m3))
    if storage < 0:
        raise ValueError("总库容不能为负数")
    for code, _, _, lower in CLASSES:
        if storage >= lower:
            return code
    return BELOW_SMALL2


def project_grade(class_code: str) -> str:
    return next((grade for code, _, grade, _ in CLASSES if code == class_code), "")


# ---------------------------------------------------------------- 堤防级别

# GB 50286 堤防工程设计规范: a dike is of grade 1 to 5 (1 the highest), set by the 防洪标准 of what it protects.
# Standards §20 does not cover dikes (no table of GB 50286 was read): Anlan records the grade the water
# department assigned and names it "3 级"; it does not derive the grade from a return period.
DIKE_GRADES = [(n, f"{n} 级") for n in range(1, 6)]


# ---------------------------------------------------------------- 责任人

ADMIN, TECHNICAL, PATROL, MONITOR, GUARD = "admin", "technical", "patrol", "monitor", "guard"
POST_LABELS = {
    ADMIN: "行政责任人",
    TECHNICAL: "技术责任人",
    PATROL: "巡查责任人",
    MONITOR: "监测责任人（预防监测员）",
    GUARD: "包保责任人",
}
SHORT = {ADMIN: "行政", TECHNICAL: "技术", PATROL: "巡查", MONITOR: "监测", GUARD: "包保"}
# Posts each kind of object may have, and the posts that make it 完整. Reservoirs: the 三个责任人 (§20.5).
# Dikes: the same three (the national text for dikes was not found, §20.5 UNVERIFIED: the common local
# practice). Danger zones (山洪危险区, 易涝点): 行政 and 监测 (防汛条例 Art. 18 预防监测员), plus 巡查 and 包保.
POSTS = {
    "reservoir": (ADMIN, TECHNICAL, PATROL),
    "dike": (ADMIN, TECHNICAL, PATROL),
    "site": (ADMIN, PATROL, MONITOR, GUARD),
}
REQUIRED = {
    "reservoir": (ADMIN, TECHNICAL, PATROL),
    "dike": (ADMIN, TECHNICAL, PATROL),
    "site": (ADMIN, MONITOR),
}


def missing_posts(kind: str, posts) -> list[str]:
    """The required posts of an object of `kind` that `posts` (the posts it has) lack, in order."""
    have = set(posts)
    return [p for p in REQUIRED[kind] if p not in have]


def completeness_text(kind: str, posts) -> str:
    """ "责任人完整" or "缺行政、巡查" for a list."""
    missing = missing_posts(kind, posts)
    return "责任人完整" if not missing else "缺" + "、".join(SHORT[p] for p in missing)


# ---------------------------------------------------------------- 汛期

SOUTH, NORTH = "south", "north"
BASIN_LABELS = {SOUTH: "南方片（长江、珠江、太湖流域）", NORTH: "北方片（黄河、淮河、海河、松花江、辽河流域）"}
# 水防〔2024〕89号 (§20.2, VERIFIED): "generally" months; the first and last day of those months.
DEFAULT_SEASONS = {
    SOUTH: {"season": ((4, 1), (10, 31)), "main": ((6, 1), (8, 31))},
    NORTH: {"season": ((6, 1), (9, 30)), "main": ((7, 1), (8, 31))},
}
KEY_PERIOD = ((7, 16), (8, 15))  # 防汛关键期, both basins
DEFAULT_SOURCE = "水防〔2024〕89号（汛期一般为南方片4—10月、北方片6—9月；主汛期南方片6—8月、北方片7—8月）"


def default_season(year: int, basin: str = SOUTH) -> dict[str, dt.date]:
    """The §20.2 default dates of `year` for `basin`: season, main season, key period."""
    d = DEFAULT_SEASONS[basin]
    (sm, sd), (em, ed) = d["season"]
    (msm, msd), (mem, med) = d["main"]
    (km, kd), (kem, ked) = KEY_PERIOD
    return {
        "start": dt.date(year, sm, sd),
        "end": dt.date(year, em, ed),
        "main_start": dt.date(year, msm, msd),
        "main_end": dt.date(year, mem, med),
        "key_start": dt.date(year, km, kd),
        "key_end": dt.date(year, kem, ked),
    }


def month_day(day: dt.date) -> str:
    """ "5月1日": a date of the season as Chinese pages write it (no leading zeros)."""
    return f"{day.month}月{day.day}日"


def season_phase(dates: dict[str, dt.date], day: dt.date) -> tuple[str, int, int] | None:
    """(stage label, which day of it (1 = first), days left) of `day`, or None outside the 汛期. The
    narrowest stage wins: 防汛关键期 inside 主汛期 inside 汛期."""
    stages = [
        ("防汛关键期", dates.get("key_start"), dates.get("key_end")),
        ("主汛期", dates.get("main_start"), dates.get("main_end")),
        ("汛期", dates["start"], dates["end"]),
    ]
    for label, start, end in stages:
        if start and end and start <= day <= end:
            return label, (day - start).days + 1, (end - day).days
    return None


# ---------------------------------------------------------------- 山洪 thresholds

PREPARE, IMMEDIATE = "prepare", "immediate"
# The two levels as monitoring alarm levels: 准备转移 orange, 立即转移 red (the jb=2 / jb=1 of §20.6).
ALARM_LEVEL = {PREPARE: "orange", IMMEDIATE: "red"}
LEVEL_LABELS = {PREPARE: "准备转移", IMMEDIATE: "立即转移"}
DURATIONS = {"1h": 60, "3h": 180, "24h": 1440}
DURATION_LABELS = {"1h": "1小时", "3h": "3小时", "24h": "24小时"}


def threshold_errors(pairs: dict[str, tuple[float | None, float | None]]) -> list[str]:
    """Check {duration: (准备转移 mm, 立即转移 mm)}: at least one duration set, both levels set together,
    立即转移 above 准备转移, positive values."""
    errors, set_any = [], False
    for key, (prepare, immediate) in pairs.items():
        label = DURATION_LABELS[key]
        if prepare is None and immediate is None:
            continue
        set_any = True
        if prepare is None or immediate is None:
            errors.append(f"{label}雨量：准备转移和立即转移须同时填写")
            continue
        if prepare <= 0 or immediate <= 0:
            errors.append(f"{label}雨量：阈值应大于 0 毫米")
        elif immediate <= prepare:
            errors.append(f"{label}雨量：立即转移阈值（{immediate:g} 毫米）应高于准备转移（{prepare:g} 毫米）")
    if not set_any:
        errors.append("至少填写一个时段（1小时、3小时或24小时）的两级雨量阈值")
    return errors
