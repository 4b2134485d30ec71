"""会商纪要 in Word (GB/T 9704 layout through core.documents): number, time, place, chair, who attended,
the situation as the snapshot kept it, the forecast entered, the conclusions and the decisions with their
lead departments and time limits."""

from django.utils import timezone

from anlan.core.bureau import bureau_name
from anlan.core.documents import OfficialDocument

from .models import Consultation
from .snapshot import summary_lines


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日 %H:%M") if value else ""


def minutes_docx(consultation: Consultation) -> bytes:
    c = consultation
    doc = OfficialDocument()
    doc.title("会 商 纪 要")
    doc.centered(c.minutes_number or "（会商未结束，尚无纪要编号）")
    doc.centered(c.title)
    time = _when(c.started_at) + (f" 至 {timezone.localtime(c.ended_at):%H:%M}" if c.ended_at else "")
    departments = "、".join(d.name for d in c.departments.all()) or "—"
    doc.table(
        [
            ("会商类别", c.get_kind_display()),
            ("时间", time),
            ("地点", c.place or "—"),
            ("主持人", c.chair),
            ("参会部门", departments),
            ("参会人员", c.attendees or "—"),
            ("记录人", c.recorded_by),
        ]
    )
    doc.line("一、会商时态势", indent=False, bold=True)
    taken = c.snapshot.get("taken_at", "")
    doc.line(f"（{taken} 系统态势快照）" if taken else "（无态势快照）")
    for line in summary_lines(c.snapshot):
        doc.line(line)
    doc.line("二、气象水文预报", indent=False, bold=True)
    doc.line(c.forecast or "未录入。")
    doc.line("三、研判结论", indent=False, bold=True)
    for paragraph in (c.conclusions or "未填写。").splitlines():
        if paragraph.strip():
            doc.line(paragraph.strip())
    doc.line("四、会商决定", indent=False, bold=True)
    decisions = list(c.decisions.select_related("department").order_by("created_at", "pk"))
    if not decisions:
        doc.line("无。")
    for n, d in enumerate(decisions, start=1):
        lead = f"牵头部门：{d.department.name}" if d.department else "牵头部门：未指定"
        due = f"；完成时限：{_when(d.due_at)}" if d.due_at else ""
        doc.line(f"{n}. {d.text}（{d.get_kind_display()}；{lead}{due}）")
    doc.line(bureau_name(), right=True)
    doc.line(_when(c.ended_at or c.started_at)[:11], right=True)
    return doc.bytes()
