"""The bureau's own 重点任务分工 table in Excel: the template, the import (atomic, with a row-by-row Chinese
error report; units matched by name) and the export of the progress table.

Import columns (row 1): 序号, 任务, 具体要求, 牵头单位, 配合单位, 责任乡镇, 完成时限, 佐证材料要求, 节点. A row whose
序号 already exists for the year updates that task (its milestones replaced); a new 序号 adds one. Units are
departments of the county by name (or by the name without the county prefix, "县水利局" = "水利局"); a lead that
is the bureau itself ("县应急管理局", "县应急局") is kept as text; an unknown name is an error naming it.
Nothing is written unless every row is right.
"""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from anlan.core.excel import ImportRejected, RowError, check_upload, table_workbook
from anlan.core.excel import _read_rows as read_rows
from anlan.geo.models import Region, RegionLevel
from anlan.registry.models import Department

from . import services_tasks as services
from .models import KeyTask

HEADERS = ["序号", "任务", "具体要求", "牵头单位", "配合单位", "责任乡镇", "完成时限", "佐证材料要求", "节点"]
REQUIRED = ("序号", "任务", "牵头单位", "完成时限")
NOTES = {
    "序号": "分工表中的编号，如 3.2；同一年度已有的序号表示修改该任务",
    "任务": "任务名称",
    "具体要求": "可留空",
    "牵头单位": "部门全称或简称，如 县水利局；本局牵头填 县应急管理局",
    "配合单位": "可填多个，用；或、分隔",
    "责任乡镇": "可填多个，用；或、分隔；填 各乡镇（街道） 表示全部乡镇",
    "完成时限": "日期，如 2026-12-31 或 12月31日前",
    "佐证材料要求": "如 排查台账、整改销号单",
    "节点": "如 6月30日前 完成排查；9月30日前 完成整改",
}
EXPORT_HEADERS = ["序号", "任务", "牵头单位", "配合单位", "完成时限", "进度（%）", "状态", "最新进展", "是否逾期"]
SEPARATORS = re.compile(r"[;；,，、/\n]")
BUREAU_NAMES = {"县应急管理局", "县应急局", "应急管理局", "应急局", "县安委办", "县减灾委办公室", "县防指办"}
ALL_TOWNSHIPS = {"各乡镇（街道）", "各乡镇(街道)", "各乡镇", "各乡镇街道", "全部乡镇"}


def template() -> bytes:
    from anlan.core.excel import tables_workbook

    example = [
        "1.1", "开展自然灾害综合风险隐患排查", "对辖区地质灾害、洪涝风险点开展全面排查并建立台账", "县应急管理局",
        "县自然资源局；县水利局", "各乡镇（街道）", "12月31日前", "排查台账、整改销号单",
        "6月30日前 完成排查；9月30日前 完成整改",
    ]  # fmt: skip
    return tables_workbook(
        [("重点任务分工", HEADERS, [example]), ("填写说明", ["列名", "是否必填", "说明"], [
            [h, "是" if h in REQUIRED else "否", NOTES[h]] for h in HEADERS
        ])]
    )  # fmt: skip


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _names(text: str) -> list[str]:
    return [n.strip() for n in SEPARATORS.split(text or "") if n.strip()]


class _Units:
    """Department and township names of the county → rows, read once."""

    def __init__(self, county: Region):
        prefix = county.code[:6]
        county_name = county.name
        self.departments: dict[str, Department] = {}
        for d in Department.objects.filter(code__startswith=prefix):
            for name in {d.name, d.name.removeprefix(county_name), d.name.removeprefix("县")}:
                self.departments.setdefault(name, d)
                self.departments.setdefault("县" + name.removeprefix("县"), d)
        self.townships = {
            r.name: r
            for r in Region.objects.filter(code__startswith=prefix, level=RegionLevel.TOWNSHIP).order_by("code")
        }

    def department(self, name: str) -> Department | None:
        return self.departments.get(name) or self.departments.get(name.removeprefix("县"))

    def township(self, name: str) -> Region | None:
        return self.townships.get(name)


def import_tasks(uploaded, *, actor, county: Region, year: int) -> tuple[int, int]:
    """Import the division table for `year` in `county`: (created, updated). ImportRejected lists every error."""
    check_upload(uploaded)
    rows = read_rows(uploaded)
    if not rows:
        raise ImportRejected([RowError(0, "文件", "文件中没有工作表内容")])
    header = [_cell(h) for h in rows[0]]
    missing = [h for h in REQUIRED if h not in header]
    if missing:
        raise ImportRejected([RowError(1, h, "缺少此列（请使用下载的模板）") for h in missing])
    col = {h: header.index(h) for h in HEADERS if h in header}
    units = _Units(county)
    existing = {t.number: t for t in KeyTask.objects.filter(region=county, year=year)}
    errors, parsed, seen = [], [], {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(_cell(v) for v in values):
            continue

        def get(h, values=values):
            i = col.get(h)
            return values[i] if i is not None and i < len(values) else None

        row_errors = []
        for h in REQUIRED:
            if not _cell(get(h)):
                row_errors.append(RowError(number, h, "必填，不能为空"))
        code = _cell(get("序号"))
        if code and code in seen:
            row_errors.append(RowError(number, "序号", f"与第{seen[code]}行重复"))
        seen.setdefault(code, number)
        lead_text, lead = "", None
        lead_name = _cell(get("牵头单位"))
        if lead_name:
            lead = units.department(lead_name)
            if lead is None:
                if lead_name in BUREAU_NAMES:
                    lead_text = lead_name
                else:
                    row_errors.append(RowError(number, "牵头单位", f"未找到部门“{lead_name}”，请填写系统中的部门名称"))
        cooperating = []
        for name in _names(_cell(get("配合单位"))):
            d = units.department(name)
            if d is None:
                row_errors.append(RowError(number, "配合单位", f"未找到部门“{name}”"))
            elif d != lead and d not in cooperating:
                cooperating.append(d)
        townships = []
        for name in _names(_cell(get("责任乡镇"))):
            if name in ALL_TOWNSHIPS:
                townships = list(units.townships.values())
                continue
            r = units.township(name)
            if r is None:
                row_errors.append(RowError(number, "责任乡镇", f"本县没有乡镇（街道）“{name}”"))
            elif r not in townships:
                townships.append(r)
        deadline = None
        if _cell(get("完成时限")):
            try:
                deadline = services.parse_date(get("完成时限"), year)
            except ValueError as exc:
                row_errors.append(RowError(number, "完成时限", str(exc)))
        milestones = []
        try:
            milestones = services.parse_milestones(_cell(get("节点")), year)
        except ValueError as exc:
            row_errors.append(RowError(number, "节点", str(exc)))
        if deadline:
            for m in milestones:
                if m.due_on > deadline:
                    row_errors.append(RowError(number, "节点", f"节点“{m.title}”晚于完成时限 {deadline:%Y-%m-%d}"))
        title = _cell(get("任务"))
        if len(title) > 300:
            row_errors.append(RowError(number, "任务", "不能超过 300 字"))
        if len(code) > 20:
            row_errors.append(RowError(number, "序号", "不能超过 20 个字符"))
        errors += row_errors
        if not row_errors:
            task = existing.get(code) or KeyTask(region=county, year=year, number=code)
            task.title, task.description = title, _cell(get("具体要求"))
            task.lead_department, task.lead_text = lead, lead_text
            task.deadline, task.evidence_required = deadline, _cell(get("佐证材料要求"))[:300]
            parsed.append((task, cooperating, townships, milestones))
    if errors:
        raise ImportRejected(errors)
    if not parsed:
        raise ImportRejected([RowError(0, "文件", "文件中没有任务行")])
    created = sum(1 for t, *_ in parsed if t.pk is None)
    with transaction.atomic():
        for task, cooperating, townships, milestones in parsed:
            services.task_save(
                actor=actor, task=task, cooperating=cooperating, townships=townships, milestones=milestones
            )
    return created, len(parsed) - created


def export_rows(tasks, today: dt.date | None = None) -> list[list]:
    """The progress table's rows for `tasks` (loaded with tasks_for: lead, cooperating prefetched)."""
    today = today or timezone.localdate()
    tasks = services.sorted_tasks(tasks)
    latest = services.latest_reports(t.pk for t in tasks)
    rows = []
    for t in tasks:
        report = latest.get(t.pk)
        rows.append(
            [
                t.number,
                t.title,
                services.lead_name(t),
                "、".join(d.name for d in t.cooperating.all()),
                t.deadline,
                t.progress,
                t.get_status_display(),
                f"{timezone.localtime(report.reported_at):%Y-%m-%d} {report.unit_name}：{report.text}"
                if report
                else "",
                f"逾期 {(today - t.deadline).days} 天" if services.is_overdue(t, today) else "否",
            ]
        )
    return rows


def export(tasks, year: int) -> bytes:
    return table_workbook(f"{year}年重点任务进展", EXPORT_HEADERS, export_rows(tasks))
