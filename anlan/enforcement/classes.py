"""分类分级监督管理 (安全生产法 Art. 62(2)): the default class scheme as data and the rule that proposes an
enterprise's class (pure: reads attributes, no database).

The scheme. No national rule fixes classes or caps (standards.md §11.4). The default is Shanxi's 2025 scheme
(SECONDARY source, aqsx.sxkjnews.com itemid=5199), installed as rows of `SupervisionClass` that the county
edits on /enforcement/classes/:

    煤矿                     A/B/C/D           ≤ 2/4/6/4 inspections a year
    非煤矿山                 A/B/C/D           ≤ 1/1/2/4
    危险化学品、冶金         标准化一/二/三级/未达标 ≤ 2/4/8/12
    其他行业                 A/B/C/D           ≤ 1/2/4/6

The rule (which sector group, which class) is OUR decision where §11.4 says nothing:

1. Sector group, first match wins:
   - 煤矿: GB/T 4754 大类 06 (煤炭开采和洗选业);
   - 非煤矿山: the enterprise's 非煤矿山 flag, or 大类 07–12 (the rest of 门类 B 采矿业: oil and gas, metal and
     non-metal ores, auxiliary mining activities) — 非煤矿山 supervision covers them;
   - 危险化学品、冶金: the 危险化学品 flag, or 大类 25/26 (燃料加工, 化学原料和化学制品) or 31/32 (黑色/有色金属
     冶炼和压延加工); fireworks (烟花爆竹) stay in 其他行业, as the Shanxi text names only 危化 and 冶金;
   - 其他行业: everything else.
2. Class in 危险化学品、冶金: the 安全生产标准化 grade itself (Shanxi's rule): 一级 → "1", 二级 → "2",
   三级 → "3", 未达标 or 未评定 → "none".
3. Class in the other groups, a risk score (our decision):
   - 重大危险源: +2;
   - any other risk flag (危化, 粉尘涉爆, 有限空间, 涉氨制冷, 烟花爆竹): +1 (once, however many);
   - 标准化 一级/二级: +0; 三级 or 未评定: +1; 未达标: +2 (rated and failed is worse than never rated:
     most small enterprises are not required to be rated);
   score 0 → A, 1 → B, 2 → C, 3 or more → D (D is the most closely watched class).
"""

from dataclasses import dataclass

COAL, NON_COAL_MINE, HAZCHEM, OTHER = "coal", "non_coal_mine", "hazchem", "other"
GRADE_CODES = ("1", "2", "3", "none")
LETTERS = ("A", "B", "C", "D")

DEFAULT_SCHEME = "山西省2025年"
DEFAULT_SCHEME_LABEL = "默认方案（山西省2025年，参考资料 §11.4，可修改）"
DEFAULT_SOURCE = "参考资料 §11.4：山西省2025年分类分级监管（aqsx.sxkjnews.com，二手来源）"

# (sector group, code, name, yearly cap) of the default scheme, in display order.
DEFAULT_CLASSES: tuple[tuple[str, str, str, int], ...] = (
    *((COAL, letter, f"{letter}类", cap) for letter, cap in zip(LETTERS, (2, 4, 6, 4), strict=True)),
    *((NON_COAL_MINE, letter, f"{letter}类", cap) for letter, cap in zip(LETTERS, (1, 1, 2, 4), strict=True)),
    (HAZCHEM, "1", "标准化一级", 2),
    (HAZCHEM, "2", "标准化二级", 4),
    (HAZCHEM, "3", "标准化三级", 8),
    (HAZCHEM, "none", "未达标或未评定", 12),
    *((OTHER, letter, f"{letter}类", cap) for letter, cap in zip(LETTERS, (1, 2, 4, 6), strict=True)),
)

NON_COAL_DIVISIONS = frozenset({"07", "08", "09", "10", "11", "12"})
HAZCHEM_DIVISIONS = frozenset({"25", "26", "31", "32"})
OTHER_RISK_FLAGS = {
    "is_hazchem": "危险化学品",
    "is_dust_explosive": "粉尘涉爆",
    "has_confined_space": "有限空间作业",
    "has_ammonia_refrigeration": "涉氨制冷",
    "is_fireworks": "烟花爆竹",
}
GRADE_NAMES = {"1": "一级", "2": "二级", "3": "三级", "below": "未达标", "none": "未评定"}


@dataclass(frozen=True)
class Proposal:
    """The class the rule proposes: (sector group, class code) and why, in Chinese."""

    sector_group: str
    code: str
    reasons: tuple[str, ...]

    @property
    def reason_text(self) -> str:
        return "；".join(self.reasons)


def sector_group_of(enterprise) -> tuple[str, str]:
    """(sector group, why) of an enterprise (rule 1 of the module docstring)."""
    industry = getattr(enterprise, "industry", "") or ""
    if industry == "06":
        return COAL, "行业大类 06 煤炭开采和洗选业"
    if getattr(enterprise, "is_non_coal_mine", False):
        return NON_COAL_MINE, "标记为非煤矿山"
    if industry in NON_COAL_DIVISIONS:
        return NON_COAL_MINE, f"行业大类 {industry}（采矿业）"
    if getattr(enterprise, "is_hazchem", False):
        return HAZCHEM, "标记为危险化学品企业"
    if industry in HAZCHEM_DIVISIONS:
        return HAZCHEM, f"行业大类 {industry}（化工、冶金）"
    return OTHER, "其他行业"


def propose(enterprise) -> Proposal:
    """The class the rule proposes for `enterprise` (anything with the registry.Enterprise attributes)."""
    group, why = sector_group_of(enterprise)
    grade = getattr(enterprise, "standard_grade", "none") or "none"
    grade_name = GRADE_NAMES.get(grade, grade)
    if group == HAZCHEM:
        code = grade if grade in ("1", "2", "3") else "none"
        return Proposal(group, code, (why, f"按安全生产标准化等级定级：{grade_name}"))
    score, reasons = 0, [why]
    if getattr(enterprise, "has_major_hazard", False):
        score += 2
        reasons.append("有重大危险源 +2")
    flags = [label for name, label in OTHER_RISK_FLAGS.items() if getattr(enterprise, name, False)]
    if flags:
        score += 1
        reasons.append(f"{'、'.join(flags)} +1")
    grade_points = {"1": 0, "2": 0, "3": 1, "none": 1, "below": 2}.get(grade, 1)
    reasons.append(f"标准化{grade_name} +{grade_points}")
    score += grade_points
    code = LETTERS[min(score, 3)]
    reasons.append(f"合计 {score} 分 → {code}类")
    return Proposal(group, code, tuple(reasons))


def install(model) -> int:
    """Add the default scheme's missing classes (by scheme, sector group and code) to `model` (the real
    SupervisionClass, or the historical one in the data migration); edited rows are left alone, so running
    it again changes nothing. Returns how many were added."""
    existing = set(model.objects.filter(scheme=DEFAULT_SCHEME).values_list("sector_group", "code"))
    new = [
        model(scheme=DEFAULT_SCHEME, sector_group=group, code=code, name=name, yearly_cap=cap,
              note="默认值（参考资料 §11.4 山西省2025年），可修改")
        for group, code, name, cap in DEFAULT_CLASSES
        if (group, code) not in existing
    ]  # fmt: skip
    model.objects.bulk_create(new)
    return len(new)


__all__ = [
    "COAL",
    "DEFAULT_CLASSES",
    "DEFAULT_SCHEME",
    "DEFAULT_SCHEME_LABEL",
    "HAZCHEM",
    "NON_COAL_MINE",
    "OTHER",
    "Proposal",
    "install",
    "propose",
    "sector_group_of",
]
