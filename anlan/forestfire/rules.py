"""森林防火 rules (pure): danger levels and their signal colours, the approver of a field fire, the period a
day falls in. Sources: standards §19 (森林防火条例, 国务院令第541号; QX/T 77-2007; local regulations)."""

import datetime as dt

# §19.6 QX/T 77-2007 (SECONDARY): level → (name, colour name, hex); the met. signal only from level 3 (VERIFIED).
LEVELS = {
    1: ("一级 低火险", "绿色", "#2e9e44"),
    2: ("二级 较低火险", "蓝色", "#1f6fd1"),
    3: ("三级 较高火险", "黄色", "#f2c500"),
    4: ("四级 高火险", "橙色", "#f07c00"),
    5: ("五级 极高火险", "红色", "#d7191c"),
}
# The 森林火险 warning template (alerts) has blue/yellow/orange/red for levels 2–5.
WARNING_LEVEL = {2: "blue", 3: "yellow", 4: "orange", 5: "red"}

# Who approves (§19.3, Art. 25): special field fires the county government (which may delegate to a
# township — 广东 Art. 25, L3); live-fire drills and blasting the provincial forestry department.
COUNTY, TOWNSHIP, PROVINCE = "county", "township", "province"
APPROVER_LABELS = {
    COUNTY: "县级人民政府（森林防火指挥机构）",
    TOWNSHIP: "乡镇人民政府（街道办事处）",
    PROVINCE: "省级林业主管部门",
}
PROVINCIAL_PURPOSES = frozenset({"blasting", "live_fire"})


def level_name(level: int) -> str:
    return LEVELS[level][0]


def level_colour(level: int) -> str:
    return LEVELS[level][2]


def approver_for(purpose: str, delegated_to_township: bool) -> str:
    """The level that approves a permit for `purpose` (§19.3)."""
    if purpose in PROVINCIAL_PURPOSES:
        return PROVINCE
    return TOWNSHIP if delegated_to_township else COUNTY


def in_range(start: dt.date, end: dt.date, day: dt.date) -> bool:
    return start <= day <= end


def overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= b_end and b_start <= a_end


def dates_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
