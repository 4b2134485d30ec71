"""Excel in the national table layouts (openpyxl, through core.excel's cell rules):

- the 自然灾害损失情况统计快报表 of a process from its current figures (per township the latest report
  listing it, selectors.township_figures): title, 填报单位, 报送阶段 and 时间, the indicator groups as
  column groups with a label row and a unit row, one row per township and a 合计 row, and the footer
  单位负责人 / 统计负责人 / 填表人 / 报出日期;
- the 因灾死亡失踪人口一览表 (应急统表8 style) and the 因灾倒塌损坏住房户一览表 (应急统表9 style), names and
  ID numbers as the reader may see them (core.masking; a full ID number shown is audited).

The field lists of tables 8 and 9 are UNVERIFIED (reference/standards.md §15.1): the columns follow the
models, which follow table 10's verified household fields and the definitions of §15.2.
While the 核报 materials are incomplete, every workbook says so under its title (completeness.notice).
"""

import io
from decimal import Decimal

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from anlan.core.audit import actor_name
from anlan.core.excel import _append
from anlan.core.masking import visible_field_value
from anlan.core.regioncodes import township_of
from anlan.geo.models import Region

from . import completeness
from .indicators import GROUPS, INDICATORS
from .models import DamagedHouse, DisasterReport, Victim
from .selectors import township_figures

__all__ = ["houses_workbook", "quick_report_workbook", "victims_workbook"]

TITLE_FONT = Font(bold=True, size=16)
HEAD_FONT = Font(bold=True)
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _unit_name(process) -> str:
    return f"{process.region.name}应急管理局"


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _title(ws, text: str, width: int, row: int = 1) -> None:
    ws.cell(row=row, column=1, value=text).font = TITLE_FONT
    ws.cell(row=row, column=1).alignment = CENTRE
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.row_dimensions[row].height = 30


def _boxed(ws, first_row: int, last_row: int, width: int) -> None:
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=width):
        for cell in row:
            cell.border = BOX


def _latest_report(process):
    return DisasterReport.objects.filter(process=process).select_related("submitted_by").order_by("-number").first()


def _value(indicator, value):
    if indicator.integer:
        return int(value or 0)
    return float(Decimal(value or 0).quantize(Decimal("0.01")))


def quick_report_workbook(process) -> bytes:
    """The 快报表 of the process's current figures: every township the process hit (and any other a
    report listed), zeros where a township has not reported yet."""
    figures = township_figures(process)
    townships = {r.code: r.name for r in process.regions.all()}
    others = set(figures) - set(townships)
    if others:
        townships.update(dict(Region.objects.filter(code__in=others).values_list("code", "name")))
    report = _latest_report(process)
    width = 2 + len(INDICATORS)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "自然灾害损失情况统计快报表"
    _title(ws, "自然灾害损失情况统计快报表", width)
    stage = report.get_stage_display() if report else "尚未报送"
    at = timezone.localtime(report.submitted_at).strftime("%Y年%m月%d日 %H时%M分") if report else ""
    ws.cell(row=2, column=1, value=f"填报单位：{_unit_name(process)}（盖章）")
    ws.cell(row=2, column=5, value=f"报送阶段：{stage}")
    ws.cell(row=2, column=9, value=f"时间：{at}")
    started = timezone.localtime(process.started_at).strftime("%Y-%m-%d %H:%M")
    ws.cell(
        row=3, column=1, value=f"灾害过程：{process.name}　灾种：{process.get_hazard_display()}　发生时间：{started}"
    )
    ws.cell(row=3, column=9, value=completeness.notice(process))

    head = 4  # group row; labels on head+1, units on head+2
    for column, text in ((1, "乡镇（街道）"), (2, "区划代码")):
        ws.cell(row=head, column=column, value=text)
        ws.merge_cells(start_row=head, start_column=column, end_row=head + 2, end_column=column)
    column = 3
    for group in GROUPS:
        members = [i for i in INDICATORS if i.group == group]
        ws.cell(row=head, column=column, value=group)
        ws.merge_cells(start_row=head, start_column=column, end_row=head, end_column=column + len(members) - 1)
        for offset, indicator in enumerate(members):
            ws.cell(row=head + 1, column=column + offset, value=indicator.label)
            ws.cell(row=head + 2, column=column + offset, value=indicator.unit)
            ws.column_dimensions[get_column_letter(column + offset)].width = 12
        column += len(members)
    for row in ws.iter_rows(min_row=head, max_row=head + 2, max_col=width):
        for cell in row:
            cell.font, cell.alignment = HEAD_FONT, CENTRE
    ws.row_dimensions[head + 1].height = 48
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 14

    first = head + 3
    totals = {i.name: 0 for i in INDICATORS}
    for code in sorted(townships):
        row = figures.get(code, {})
        values = [_value(i, row.get(i.name)) for i in INDICATORS]
        for indicator, value in zip(INDICATORS, values, strict=True):
            totals[indicator.name] += value
        _append(ws, [townships[code], code, *values])
    _append(ws, ["合计", "", *[_value(i, totals[i.name]) for i in INDICATORS]])
    last = ws.max_row
    ws.cell(row=last, column=1).font = HEAD_FONT
    for row in ws.iter_rows(min_row=first, max_row=last, min_col=3, max_col=width):
        for cell, indicator in zip(row, INDICATORS, strict=True):
            cell.number_format = "0" if indicator.integer else "0.00"
    _boxed(ws, head, last, width)
    ws.freeze_panes = ws.cell(row=first, column=3)

    footer = last + 2
    filler = actor_name(report.submitted_by) if report and report.submitted_by else ""
    reported = timezone.localtime(report.submitted_at).date() if report else timezone.localdate()
    ws.cell(row=footer, column=1, value="单位负责人：")
    ws.cell(row=footer, column=5, value="统计负责人：")
    ws.cell(row=footer, column=9, value=f"填表人：{filler}")
    ws.cell(row=footer, column=13, value=f"报出日期：{reported:%Y年%m月%d日}")
    return _save(wb)


def _register_sheet(ws, *, title: str, process, headers: list[str]) -> int:
    """Title, unit line and header of a register; returns the first data row."""
    width = len(headers)
    _title(ws, title, width)
    ws.cell(row=2, column=1, value=f"填报单位：{_unit_name(process)}（盖章）")
    ws.cell(row=2, column=max(4, width // 2), value=f"灾害过程：{process.name}（{process.get_hazard_display()}）")
    ws.cell(row=3, column=1, value=completeness.notice(process))
    for column, text in enumerate(headers, start=1):
        cell = ws.cell(row=4, column=column, value=text)
        cell.font, cell.alignment = HEAD_FONT, CENTRE
        ws.column_dimensions[get_column_letter(column)].width = max(8, len(text) * 2 + 2)
    ws.freeze_panes = "A5"
    return 5


def _register_footer(ws, user) -> None:
    row = ws.max_row + 2
    ws.cell(row=row, column=1, value="单位负责人：")
    ws.cell(row=row, column=4, value=f"填表人：{actor_name(user)}")
    ws.cell(row=row, column=7, value=f"报出日期：{timezone.localdate():%Y年%m月%d日}")


def _shown(user, obj, name: str) -> str:
    return visible_field_value(user, obj, type(obj)._meta.get_field(name))


VICTIM_HEADERS = [
    "序号",
    "乡镇（街道）",
    "村（社区）",
    "姓名",
    "性别",
    "年龄",
    "身份证号",
    "类别",
    "遇难（失踪）日期",
    "遇难（失踪）地点",
    "致灾原因",
    "是否常住人口",
    "备注",
]


def victims_workbook(process, victims, user) -> bytes:
    """因灾死亡失踪人口一览表 of the rows given (already restricted to what the user may read)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "因灾死亡失踪人口一览表"
    _register_sheet(ws, title="因灾死亡失踪人口一览表", process=process, headers=VICTIM_HEADERS)
    names = _township_names(v.region_id for v in victims)
    for number, v in enumerate(victims, start=1):
        _append(
            ws,
            [
                number,
                names.get(township_of(v.region_id), ""),
                v.region.name,
                _shown(user, v, "name"),
                v.get_sex_display() if v.sex else "",
                v.age,
                _shown(user, v, "id_number"),
                v.get_outcome_display(),
                v.occurred_on,
                v.place,
                v.cause,
                "是" if v.resident else "否",
                v.note,
            ],
        )
    dead = sum(1 for v in victims if v.outcome == Victim.Outcome.DEAD)
    _append(ws, ["合计", "", "", f"死亡 {dead} 人，失踪 {len(victims) - dead} 人"])
    _boxed(ws, 4, ws.max_row, len(VICTIM_HEADERS))
    ws.cell(row=ws.max_row, column=1).font = HEAD_FONT
    _register_footer(ws, user)
    return _save(wb)


HOUSE_HEADERS = [
    "序号",
    "乡镇（街道）",
    "村（社区）",
    "户主姓名",
    "户主身份证号",
    "联系电话",
    "家庭人口（人）",
    "住址",
    "结构",
    "倒塌（间）",
    "严重损坏（间）",
    "一般损坏（间）",
    "备注",
]
DEGREE_COLUMNS = (DamagedHouse.Degree.COLLAPSED, DamagedHouse.Degree.SEVERE, DamagedHouse.Degree.GENERAL)


def houses_workbook(process, houses, user) -> bytes:
    """因灾倒塌损坏住房户一览表: one row per household, its rooms in the column of its degree."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "因灾倒塌损坏住房户一览表"
    _register_sheet(ws, title="因灾倒塌损坏住房户一览表", process=process, headers=HOUSE_HEADERS)
    names = _township_names(h.region_id for h in houses)
    sums = dict.fromkeys(DEGREE_COLUMNS, 0)
    members = 0
    for number, h in enumerate(houses, start=1):
        sums[h.degree] += h.rooms
        members += h.members
        _append(
            ws,
            [
                number,
                names.get(township_of(h.region_id), ""),
                h.region.name,
                _shown(user, h, "head_name"),
                _shown(user, h, "head_id_number"),
                _shown(user, h, "phone"),
                h.members,
                h.address,
                h.get_structure_display() if h.structure else "",
                *[h.rooms if h.degree == degree else None for degree in DEGREE_COLUMNS],
                h.note,
            ],
        )
    _append(ws, ["合计", f"{len(houses)} 户", "", "", "", "", members, "", "", *sums.values()])
    _boxed(ws, 4, ws.max_row, len(HOUSE_HEADERS))
    ws.cell(row=ws.max_row, column=1).font = HEAD_FONT
    _register_footer(ws, user)
    return _save(wb)


def _township_names(codes) -> dict[str, str]:
    wanted = {township_of(code) for code in codes}
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
