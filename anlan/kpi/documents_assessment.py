"""考核评分表 in Word: what a county prints for the unit's leader and the assessment group to sign. The same rows
as the sheet page and its Excel export (views_assessment.sheet_rows), one line per item, the totals and the rank,
then the two signature blocks customary on such forms."""

from decimal import Decimal

from anlan.core.documents import OfficialDocument

from .models import Assessment

HEADERS = ["序号", "考核内容", "分值", "自评", "评审", "得分", "计分依据"]
WIDTHS_CM = [1.1, 4.6, 1.3, 1.3, 1.3, 1.3, 4.7]


def points(value) -> str:
    """12.50 → "12.5"; missing → "—" (the unit of the column header is 分)."""
    if value is None:
        return "—"
    return f"{Decimal(value):.2f}".rstrip("0").rstrip(".")


def sheet_document(sheet: Assessment, rows: list[dict]) -> bytes:
    doc = OfficialDocument()
    doc.title(f"{sheet.scheme.title}评分表")
    doc.centered(f"被考核单位：{sheet.unit_name}")
    max_total = sum((r["item"].points for r in rows), Decimal(0))
    summary = [f"满分 {points(max_total)} 分"]
    if sheet.self_total is not None:
        summary.append(f"自评 {points(sheet.self_total)} 分")
    if sheet.final_total is not None:
        summary.append(f"考核得分 {points(sheet.final_total)} 分")
    if sheet.rank:
        summary.append(f"第 {sheet.rank} 名")
    summary.append(f"状态：{sheet.get_status_display()}")
    doc.line("，".join(summary) + "。", indent=False)
    cells = []
    for n, r in enumerate(rows, start=1):
        score, item = r["score"], r["item"]
        title = f"{item.category}：{item.title}" if item.category else item.title
        parts = [r["explanation"], *(link["label"] for link in r["links"])]
        parts.append(f"佐证：{score.evidence_name}" if score.evidence_name else "")
        parts.append(f"自评说明：{score.self_note}" if score.self_note else "")
        parts.append(f"评审意见：{score.review_note}" if score.review_note else "")
        basis = "；".join(part for part in parts if part) or "—"
        cells.append([
            str(n), title, points(item.points), points(score.self_points), points(score.review_points),
            points(r["final_points"]), basis,
        ])  # fmt: skip
    doc.grid(HEADERS, cells, WIDTHS_CM)
    doc.line("")
    doc.line("被考核单位负责人（签字）：                日期：", indent=False)
    doc.line("考核组组长（签字）：                      日期：", indent=False)
    return doc.bytes()
