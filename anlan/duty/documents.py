"""The county 值班日报 (Word, GB/T 9704 layout through core.documents): one day of the county desk — the
duty log of the county and its townships, the sections the apps above register (incidents, alarms,
warnings: sources.register_day_section), the townships' and departments' daily reports, and who has not
reported."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from anlan.core.documents import OfficialDocument
from anlan.geo.models import Region

from . import daily, log, sources
from .models import DailyReport, Handover

CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass
class Section:
    label: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (time, text)
    empty: str = "无。"


@dataclass
class DutyDay:
    desk: Region
    day: dt.date
    sections: list[Section]
    reported: list[DailyReport]
    missing: list[str]
    handovers: list[Handover]


def _hm(value) -> str:
    return timezone.localtime(value).strftime("%H:%M") if value else ""


def gather(desk: Region, day: dt.date) -> DutyDay:
    """Everything the 值班日报 of `desk` for `day` shows (the page previews it, the Word document prints it)."""
    entries = [
        (
            _hm(e.occurred_at),
            f"【{e.get_kind_display()[0]}】{'' if e.desk_id == desk.code else e.desk.name + '：'}"
            f"{e.unit or ''}{e.caller or ''}{'：' if (e.unit or e.caller) else ''}{e.content}"
            f"{'（' + e.action_taken + '）' if e.action_taken else ''}"
            f"{'，已转为事件 ' + e.incident_number if e.incident_number else ''}"
            f"；{e.get_status_display()}",
        )
        for e in log.day_entries(desk.code, day)
    ]
    sections = [Section("值班日志", entries, "当日无值班记录。")]
    for source in sources.day_sections():
        lines = [(_hm(line.at), line.text) for line in source.func(desk.code, day)]
        sections.append(Section(source.label, lines))
    reported = list(
        DailyReport.objects.filter(date=day, region__code__startswith=desk.code[:6])
        .select_related("region", "department", "submitted_by")
        .order_by("department", "region")
    )
    missing = [t.name for t in daily.missing_townships(desk.code, day)]
    missing += [d.name for d in daily.missing_departments(desk.code, day)]
    handovers = list(
        Handover.objects.filter(desk=desk, **sources.on_day("written_at", day))
        .select_related("outgoing", "incoming")
        .order_by("written_at")
    )
    return DutyDay(desk, day, sections, reported, missing, handovers)


def _name(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username()) if user else "—"


def duty_day_document(desk: Region, day: dt.date) -> bytes:
    data = gather(desk, day)
    doc = OfficialDocument()
    doc.title(f"{desk.name}值班日报")
    doc.centered(f"{day:%Y年%m月%d日}（{desk.name}应急管理局值班室）")
    n = 0
    for section in data.sections:
        doc.line(f"{CHINESE_NUMBERS[n]}、{section.label}", indent=False, bold=True)
        n += 1
        if not section.lines:
            doc.line(section.empty)
        for at, text in section.lines:
            doc.line(f"{at} {text}".strip())
    doc.line(f"{CHINESE_NUMBERS[n]}、日报报送情况", indent=False, bold=True)
    n += 1
    zero = sum(1 for r in data.reported if r.nothing_to_report)
    doc.line(
        f"已报送 {len(data.reported)} 个（其中零报告 {zero} 个）；"
        f"未报送 {len(data.missing)} 个{('：' + '、'.join(data.missing)) if data.missing else ''}。"
    )
    filed = [r for r in data.reported if not r.nothing_to_report]
    if filed:
        doc.table([(str(r.department or r.region.name), r.summary) for r in filed])
    doc.line(f"{CHINESE_NUMBERS[n]}、交接班", indent=False, bold=True)
    if not data.handovers:
        doc.line("当日无交接班记录。")
    for h in data.handovers:
        confirmed = f"{_name(h.incoming)} {_hm(h.confirmed_at)} 确认接班" if h.confirmed_at else "待接班确认"
        doc.line(f"{_hm(h.written_at)} {_name(h.outgoing)}交班，移交未结事项 {len(h.items)} 项；{confirmed}。")
    doc.line(f"制表时间：{timezone.localtime():%Y年%m月%d日%H时%M分}", right=True)
    return doc.bytes()
