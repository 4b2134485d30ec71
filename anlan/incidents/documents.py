"""Word documents of an incident: each information report (首报/续报/终报) in the customary layout, and the
态势简报 (situation brief) as things stand."""

from django.utils import timezone

from anlan.core.documents import DOCX_CONTENT_TYPE, OfficialDocument
from anlan.core.regioncodes import county_of
from anlan.geo.models import Region

from .models import DispatchOrder, Incident, InfoReport

DOCX = DOCX_CONTENT_TYPE


def _county_name(incident: Incident) -> str:
    county = Region.objects.filter(code=county_of(incident.region_id)).values_list("name", flat=True).first()
    return county or ""


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y年%m月%d日%H时%M分") if value else "—"


def report_document(report: InfoReport) -> bytes:
    incident = report.incident
    doc = OfficialDocument()
    doc.title(f"关于{incident.title}的{report}")
    doc.centered(f"{_county_name(incident)}应急管理局　　{_stamp(report.sent_at or report.created_at)}")
    doc.table(
        [
            ("事件编号", incident.number),
            ("事件类型", str(incident.kind)),
            ("事件等级", incident.get_level_display() or "尚未定级"),
            ("响应级别", incident.get_response_level_display() or "未启动"),
            ("签发人", report.signed_by or "—"),
            ("填报人", report.written_by),
        ]
    )
    for heading, text in (
        ("一、事件概况", report.situation),
        ("二、人员伤亡及失踪情况", report.casualties),
        ("三、直接经济损失", report.loss),
        ("四、已采取的措施", report.measures),
        ("五、其他情况", report.other),
    ):
        if text:
            doc.line(heading, indent=False, bold=True)
            doc.line(text)
    dispatches = list(report.dispatches.all())
    if dispatches:
        doc.line("报送记录", indent=False, bold=True)
        doc.table(
            [
                (d.recipient, f"{d.get_method_display()} {_stamp(d.sent_at)} 接收人：{d.received_by or '—'}")
                for d in dispatches
            ]
        )
    return doc.bytes()


def situation_brief(incident: Incident) -> bytes:
    """态势简报: the situation, the response, tasks, forces and evacuation at this moment."""
    doc = OfficialDocument()
    doc.title(f"{incident.title}态势简报")
    doc.centered(f"截至{_stamp(timezone.now())}")
    doc.line("一、基本情况", indent=False, bold=True)
    doc.line(
        f"{_stamp(incident.occurred_at)}，{incident.region.name}{incident.place}发生{incident.title}。"
        f"{incident.description}"
    )
    doc.line(
        f"目前死亡 {incident.deaths} 人、失踪 {incident.missing} 人、受伤 {incident.injured} 人（重伤 "
        f"{incident.serious_injuries} 人）、被困 {incident.trapped} 人，已转移 {incident.evacuated} 人，直接经济损失约 "
        f"{incident.direct_loss_10k_yuan} 万元。事件等级：{incident.get_level_display() or '尚未定级'}。"
    )
    doc.line("二、应急响应", indent=False, bold=True)
    doc.line(f"当前：{incident.get_response_level_display() or '未启动响应'}（{incident.get_status_display()}）。")
    for e in incident.timeline.filter(kind__in=["response", "grade"]):
        doc.line(f"{_stamp(e.at)} {e.title}（{e.actor_name}）{e.detail}")
    tasks = list(incident.tasks.select_related("department"))
    if tasks:
        doc.line("三、任务落实", indent=False, bold=True)
        done = sum(1 for t in tasks if t.status == "done")
        doc.line(f"共下达任务 {len(tasks)} 项，已完成 {done} 项。")
        doc.table([(str(t.department or "—"), f"{t.title}（{t.get_status_display()}）") for t in tasks])
    orders = list(incident.orders.all())
    if orders:
        doc.line("四、力量调度", indent=False, bold=True)
        counts = {s.label: sum(1 for o in orders if o.status == s) for s in DispatchOrder.Status}
        doc.line("，".join(f"{label} {n} 条" for label, n in counts.items() if n) + "。")
        doc.table([(o.get_kind_display(), f"{o.assignee_name}：{o.get_status_display()}") for o in orders])
    return doc.bytes()
