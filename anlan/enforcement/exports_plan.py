"""The 年度监督检查计划 as an Excel sheet a bureau prints: a title, the approval line, one row per department
and sector group with the twelve months as columns, the month totals and the random-draw minimum. A4
landscape, fitted to one page wide, the header rows repeated on every printed page."""

import io

import openpyxl
from django.utils import timezone
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from . import plan

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)


def plan_workbook(plan_obj, rows, month_totals: list[int], total: int) -> bytes:
    """`rows` are views_plan.TableRow (department, group, twelve month cells)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = f"{plan_obj.year}年度检查计划"
    headers = ["序号", "执法部门", "行业组", *(f"{m}月" for m in plan.MONTHS), "全年合计"]
    width = len(headers)
    last = get_column_letter(width)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = plan_obj.name
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    approved = (
        f"审批：{plan_obj.approved_by} {timezone.localtime(plan_obj.approved_at):%Y-%m-%d}"
        if plan_obj.approved_at and plan_obj.approved_by
        else "未审批"
    )
    ws["A2"] = (
        f"状态：{plan_obj.get_status_display()}　{approved}　单位：家次　"
        f"全年计划 {total} 家次，其中双随机抽查不少于 {plan.random_minimum(total, plan_obj.random_share)} 家次"
        f"（{plan_obj.random_share}%）"
    )
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = 22
    ws.append(headers)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[3]:
        cell.font, cell.alignment, cell.border, cell.fill = Font(bold=True), CENTER, BOX, fill
    for i, row in enumerate(rows, start=1):
        ws.append([i, row.department, row.group, *((cell[0] if cell else 0) for cell in row.months), row.total])
    ws.append(["合计", "", "", *month_totals, total])
    for line in ws.iter_rows(min_row=4, max_row=ws.max_row):
        for cell in line:
            cell.border, cell.alignment = BOX, CENTER
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=3)
    widths = {1: 6, 2: 22, 3: 20, width: 10}
    for col in range(1, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(col, 6.5)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.freeze_panes = "D4"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
