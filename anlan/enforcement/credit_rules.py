"""The numbers of 一公开 and the 严重失信主体名单, as settings with their documented defaults (pure).

- ANLAN_ENFORCEMENT_PUBLISH_DAYS (20): random-inspection results are published within this many days of the
  inspection (standards.md §11.4: "within 20 days of the end of the inspection", SECONDARY, Fujian; whether
  working or calendar days is UNVERIFIED — counted here as calendar days, the stricter reading).
- ANLAN_ENFORCEMENT_CREDIT_TERM_YEARS (3): a listing is managed for this many years, then removed
  (standards.md §11.5, SECONDARY: Shanxi's implementing rule).
- ANLAN_ENFORCEMENT_REPAIR_AFTER_MONTHS (12): 信用修复 (early removal) may be applied for after this many
  months on the list (same source, SECONDARY).
"""

import datetime as dt

from django.conf import settings

__all__ = [
    "SOURCE_NOTE",
    "add_months",
    "credit_term_years",
    "listing_ends_on",
    "publish_days",
    "publish_deadline",
    "repair_after_months",
    "repair_allowed_from",
    "result_text",
]

SOURCE_NOTE = {
    "publish": "公示时限依据福建省做法（次级来源），工作日或自然日待核实，本系统按自然日计算，可配置。",
    "term": "管理期限 3 年及满 12 个月可申请信用修复依据山西省实施细则报道（次级来源），国家条款号待核实，可配置。",
}


def publish_days() -> int:
    return int(getattr(settings, "ANLAN_ENFORCEMENT_PUBLISH_DAYS", 20))


def credit_term_years() -> int:
    return int(getattr(settings, "ANLAN_ENFORCEMENT_CREDIT_TERM_YEARS", 3))


def repair_after_months() -> int:
    return int(getattr(settings, "ANLAN_ENFORCEMENT_REPAIR_AFTER_MONTHS", 12))


def publish_deadline(inspected_on: dt.date) -> dt.date:
    """The last day a random inspection's result may be published."""
    return inspected_on + dt.timedelta(days=publish_days())


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; a day the target month lacks (31st, 29 February) becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # unreachable: every month has 28 days


def listing_ends_on(listed_on: dt.date) -> dt.date:
    return add_months(listed_on, 12 * credit_term_years())


def repair_allowed_from(listed_on: dt.date) -> dt.date:
    return add_months(listed_on, repair_after_months())


def result_text(status: str, findings: int) -> str:
    """What the public reads about one inspection: no problem, problems ordered rectified, or rectified."""
    if not findings:
        return "未发现问题"
    if status == "closed":
        return f"发现问题 {findings} 项，整改完成"
    return f"发现问题 {findings} 项，已责令整改"
