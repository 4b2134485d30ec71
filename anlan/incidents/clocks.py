"""Report deadlines that follow from an incident's kind and grade, beside the kind's own 首报 limit (pure: reads
the incident, its kind and the settings).

- Geological hazards (reference §21.2, SECONDARY): the county department's 速报 within 4 h for 特大型 and 大型,
  12 h for 中型 and 小型, from 接报 (setting ANLAN_GEO_REPORT_HOURS).
- Forest fires (§19.5, 森林防火条例 Art. 32, VERIFIED): a 重大 or 特别重大 fire, one with ≥ 3 deaths or ≥ 10 serious
  injuries, or one not out after 24 h is reported to the national command 立即; the text sets no minutes, so the
  platform's deadline is a setting (ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES, default 60) counted from 接报, or
  from the moment the fire has burned 24 h (ANLAN_FOREST_FIRE_BURNING_HOURS) for that item.

The 首报 clock (services.reports) takes the earliest of the kind's limit and these deadlines; the incident page
lists them with their basis and says which numbers are settings.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from anlan.plans.models import IncidentKind

from . import grading_forest, grading_geo, workflow

OPEN = (workflow.RECEIVED, workflow.RESPONDING)  # a fire is taken as still burning while its response is open


@dataclass(frozen=True)
class Deadline:
    label: str  # what is owed, e.g. 地质灾害速报（大型）
    due_at: dt.datetime
    basis: str  # the article and why it applies
    note: str  # where the number comes from, said on the page
    conditional: bool = False  # owed only if something still happens (the fire still burns then): not a clock


def deadlines(incident, now: dt.datetime) -> list[Deadline]:
    """The deadlines the incident's grade and facts set, earliest first (none for other kinds)."""
    kind = incident.kind.grading
    if kind == IncidentKind.Grading.GEOLOGICAL:
        return _geological(incident)
    if kind == IncidentKind.Grading.FOREST_FIRE:
        return _forest(incident, now)
    return []


def _geological(incident) -> list[Deadline]:
    hours = grading_geo.report_hours(incident.level)
    if hours is None:
        return []
    label = grading_geo.LABELS[incident.level]
    return [
        Deadline(
            f"地质灾害速报（{label}）",
            incident.received_at + dt.timedelta(hours=hours),
            f"{grading_geo.REPORT_BASIS}：{label}地质灾害 {hours} 小时内报告县人民政府和上一级自然资源主管部门",
            "参考值：时限据单一二手资料（国家突发地质灾害应急预案转载），"
            "可按本地规定在设置 ANLAN_GEO_REPORT_HOURS 中调整",
        )
    ]


def _forest(incident, now) -> list[Deadline]:
    """Art. 32 items 2 and 3 from the grade and casualties (owed from 接报); item 5 once the fire has burned the
    set hours while the response is open, and until then the moment it will be owed (conditional)."""
    report = grading_forest.national_report(incident.level, incident.deaths, incident.serious_injuries)
    minutes = dt.timedelta(minutes=report.minutes)
    note = (
        f"条例要求“立即”报告，未规定分钟数：{report.minutes} 分钟为本平台设置"
        "（ANLAN_FOREST_FIRE_NATIONAL_REPORT_MINUTES），可按本地规定调整"
    )
    out = []
    if report.required:
        out.append(
            Deadline(
                "报告国家森林防火指挥机构（经省级）",
                incident.received_at + minutes,
                f"{grading_forest.ART_32}：{'；'.join(report.reasons)}",
                note,
            )
        )
    if incident.status in OPEN and incident.occurred_at:
        hours = report.burning_hours
        since = incident.occurred_at + dt.timedelta(hours=hours)
        burning = now >= since
        out.append(
            Deadline(
                f"燃烧超过 {hours} 小时：报告国家森林防火指挥机构（经省级）"
                if burning
                else f"如至 {timezone.localtime(since):%m-%d %H:%M} 仍未扑灭：报告国家森林防火指挥机构（经省级）",
                since + minutes,
                f"{grading_forest.ART_32}第五项：发生后 {hours} 小时尚未扑灭",
                note + f"；{hours} 小时可在设置 ANLAN_FOREST_FIRE_BURNING_HOURS 中按本省规定调整",
                conditional=not burning,
            )
        )
    return sorted(out, key=lambda d: d.due_at)
