"""Forest-fire grades and the fires reported to the national level, as pure functions (reference §19.1, §19.5).

森林防火条例 (国务院令第541号) Art. 40 grades a fire "按照受害森林面积和伤亡人数" into 一般、较大、重大、特别重大; any
one criterion is enough ("或者") and "以上包括本数，以下不包括本数": 1 公顷 burned is 较大, 100 重大, 1000 特别重大;
3 deaths 较大, 10 重大, 30 特别重大; 10 serious injuries 较大, 50 重大, 100 特别重大. A fire of less than 1 公顷, or
any fire on 其他林地 (whatever its area), is 一般 by area — its casualties may still raise it. All VERIFIED in the
reference (L1), so they are code, not settings.

Art. 32 lists the fires the province reports to the national command 立即: items 2, 3 and 5 follow from the
figures (重大/特别重大; ≥ 3 deaths or ≥ 10 serious injuries, "以上" inclusive; not out within 24 h) and are computed
here; the others (near the border, threatening homes or important facilities, primeval forest, dangerous on a
provincial border, needing national help) are judgements the duty officer records. The text sets no minutes
for "立即": the platform's deadline for such a fire's report is a setting (`report_minutes`), and so is the
24 h (provinces set stricter ones, §19.5).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from anlan.core.errors import DomainError

from .grading import Band, Criterion, Grade, _non_negative, _plain, highest

ARTICLE = "《森林防火条例》第四十条"
ART_32 = "《森林防火条例》第三十二条"
LABELS = {"I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}

AREA = Criterion("受害森林面积", "受害森林面积", "公顷")
DEATHS = Criterion("死亡人数", "死亡", "人")
INJURIES = Criterion("重伤人数", "重伤", "人")
CRITERIA = (AREA, DEATHS, INJURIES)
# From the highest grade down: minimum burned forest area (公顷), deaths, serious injuries.
BANDS = (
    Band("I", (Decimal(1000), 30, 100)),
    Band("II", (Decimal(100), 10, 50)),
    Band("III", (Decimal(1), 3, 10)),
)
# A fire on 其他林地: the area reaches no band.
OTHER_WOODLAND_BANDS = tuple(Band(band.level, (None, *band.minimums[1:])) for band in BANDS)
BELOW = "受害森林面积 1 公顷以下（或其他林地起火）、死亡 3 人以下、重伤 10 人以下"

# Art. 32 item 3: reported to the national command from these casualties on ("以上" inclusive).
NATIONAL_DEATHS = 3
NATIONAL_SERIOUS_INJURIES = 10


def forest_fire(burned_forest_ha, deaths, serious_injuries, *, other_woodland: bool = False) -> Grade:
    """森林火灾等级 (Art. 40): the highest grade any of area, deaths and serious injuries reaches."""
    area = _non_negative("受害森林面积（公顷）", burned_forest_ha, whole=False)
    d = int(_non_negative("死亡人数", deaths, whole=True))
    s = int(_non_negative("重伤人数", serious_injuries, whole=True))
    if not isinstance(other_woodland, bool):
        raise DomainError("grading.bad_flag", "是否其他林地起火应为是或否")
    if other_woodland:  # 一般 by area whatever it is: only the casualties can raise the grade
        grade = highest(OTHER_WOODLAND_BANDS, CRITERIA, (area, d, s), LABELS, article=ARTICLE, below=BELOW)
        note = f"其他林地起火（面积 {_plain(area)} 公顷），按面积为一般森林火灾"
        return Grade(
            grade.level, grade.label, f"{grade.basis}；{note}" if grade.criterion else note, grade.criterion, ARTICLE
        )
    return highest(BANDS, CRITERIA, (area, d, s), LABELS, article=ARTICLE, below=BELOW)


@dataclass(frozen=True)
class NationalReport:
    """Whether Art. 32 sends the fire to the national level, why (items by number), and the deadline set here."""

    required: bool
    reasons: tuple[str, ...]
    minutes: int  # the platform's deadline for 立即 (setting)
    burning_hours: int  # item 5's hours (setting)


def report_minutes() -> int:
    """立即 has no minutes in Art. 31–32 (§19.5): the county's deadline for reporting such a fire upward. Setting
    ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES, default 60 (no source: the platform's choice, shown as such)."""
    return int(getattr(settings, "ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES", 60))


def burning_hours() -> int:
    """Art. 32 item 5: a fire not put out within 24 h (VERIFIED); provinces set stricter ones (广东 24, 河南 12,
    重庆 4: §19.5), so it is the setting ANLAN_FOREST_FIRE_BURNING_HOURS, default 24."""
    return int(getattr(settings, "ANLAN_FOREST_FIRE_BURNING_HOURS", 24))


def national_report(level: str, deaths: int, serious_injuries: int, *, burning_for_hours=None) -> NationalReport:
    """Art. 32 items 2, 3 and 5 from the grade, the casualties and how long the fire has burned (None: out, or
    not known)."""
    hours = burning_hours()
    reasons = []
    if level in ("I", "II"):
        reasons.append(f"{LABELS[level]}森林火灾（第三十二条第二项）")
    casualties = []
    if deaths >= NATIONAL_DEATHS:
        casualties.append(f"死亡 {deaths} 人（{NATIONAL_DEATHS} 人以上）")
    if serious_injuries >= NATIONAL_SERIOUS_INJURIES:
        casualties.append(f"重伤 {serious_injuries} 人（{NATIONAL_SERIOUS_INJURIES} 人以上）")
    if casualties:
        reasons.append(f"{'、'.join(casualties)}（第三十二条第三项）")
    if burning_for_hours is not None and burning_for_hours >= hours:
        reasons.append(f"燃烧超过 {hours} 小时尚未扑灭（第三十二条第五项）")
    return NationalReport(bool(reasons), tuple(reasons), report_minutes(), hours)
