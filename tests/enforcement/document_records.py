"""Records the document tests render from: an inspection with checklist results, findings and signatures,
a penalty case with its handlers and payments, each built directly (not through the inspection or case
services, which are other parts' work), and the documents issued for them through the real numbering."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document
from PIL import Image

from anlan.enforcement.models import (
    CasePayment,
    Checklist,
    ChecklistItem,
    DocumentKind,
    Finding,
    Inspection,
    InspectionAnswer,
    PenaltyCase,
    Signature,
)
from anlan.enforcement.numbering import issue_document
from anlan.registry.models import Enterprise

# Years no demo data issues documents in, so the tests own their numbers whatever the demo holds.
YEAR = 2030
INSPECTED_ON = dt.date(YEAR, 3, 5)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 16), (20, 20, 120)).save(buffer, "PNG")
    return buffer.getvalue()


def enterprise_in(region) -> Enterprise:
    enterprise = Enterprise.objects.filter(region=region).order_by("pk").first()
    enterprise.principal = "王建国"
    enterprise.address = "巫山县龙门街道工业园区8号"
    enterprise.save(update_fields=["principal", "address"])
    return enterprise


def make_inspection(enterprise, inspectors, *, refused: bool = False, signed: bool = True) -> Inspection:
    inspection = Inspection.objects.create(
        enterprise=enterprise,
        region=enterprise.region,
        department=inspectors[0].department,
        inspected_on=INSPECTED_ON,
        place="危化品仓库及装卸区",
        summary="检查了安全生产责任制落实、危险化学品储存和特种作业人员持证情况。",
        principal_name="王建国",
        principal_refused=refused,
        refusal_note="称负责人不在现场，无权签字" if refused else "",
        status=Inspection.Status.SIGNED,
    )
    inspection.inspectors.set(inspectors[:2])
    checklist = Checklist.objects.create(
        name="危险化学品企业通用检查表", kind=Checklist.Kind.HAZCHEM, standard_id="安监总管三〔2017〕121号"
    )
    items = [
        ChecklistItem.objects.create(checklist=checklist, position=n, text=text, article=str(n), major=n == 2)
        for n, text in enumerate(["主要负责人经考核合格", "涉及重点监管危险化工工艺的装置实现自动化控制"], 1)
    ]
    inspection.checklist = checklist
    inspection.save(update_fields=["checklist"])
    InspectionAnswer.objects.create(inspection=inspection, item=items[0], result=InspectionAnswer.Result.OK)
    InspectionAnswer.objects.create(
        inspection=inspection, item=items[1], result=InspectionAnswer.Result.PROBLEM, note="氯化釜未设联锁"
    )
    Finding.objects.create(
        inspection=inspection,
        title="氯化釜未设置自动化控制联锁",
        description="氯化工艺装置温度、压力未与进料联锁。",
        level=Finding.Level.MAJOR,
        measure=Finding.Measure.SUSPEND,
        deadline=dt.date(YEAR, 4, 30),
        checklist_item=items[1],
    )
    Finding.objects.create(
        inspection=inspection,
        title="消防通道堆放杂物",
        level=Finding.Level.GENERAL,
        measure=Finding.Measure.DEADLINE,
        deadline=dt.date(YEAR, 3, 20),
    )
    if signed:
        at = timezone.make_aware(dt.datetime(YEAR, 3, 5, 11, 20))
        for inspector in inspectors[:2]:
            Signature.objects.create(
                inspection=inspection,
                signer=Signature.Signer.INSPECTOR,
                inspector=inspector,
                name=str(inspector),
                image=SimpleUploadedFile("sign.png", png(), "image/png"),
                signed_at=at,
            )
        if not refused:
            Signature.objects.create(
                inspection=inspection,
                signer=Signature.Signer.PRINCIPAL,
                name="王建国",
                image=SimpleUploadedFile("sign.png", png(), "image/png"),
                signed_at=at,
            )
    return inspection


def make_case(enterprise, inspectors, *, inspection=None, fine="20000") -> PenaltyCase:
    case = PenaltyCase.objects.create(
        title="未对重点监管危险化工工艺装置实现自动化控制案",
        party_kind=PenaltyCase.Party.ORGANISATION,
        enterprise=enterprise,
        party_name=enterprise.name,
        region=enterprise.region,
        department=inspectors[0].department,
        inspection=inspection,
        opened_on=dt.date(YEAR, 3, 8),
        facts="涉及重点监管危险化工工艺的氯化装置未实现自动化控制，系统未设置联锁",
        legal_basis="《中华人民共和国安全生产法》第九十九条第（二）项",
        fine_yuan=Decimal(fine) if fine else None,
        decided_on=dt.date(YEAR, 4, 20),
        served_on=dt.date(YEAR, 4, 21),
    )
    case.handlers.set(inspectors[:2])
    return case


def pay_in_full(case: PenaltyCase) -> None:
    CasePayment.objects.create(
        case=case,
        due_on=dt.date(YEAR, 5, 6),
        amount_yuan=case.fine_yuan,
        paid_on=dt.date(YEAR, 5, 4),
        paid_yuan=case.fine_yuan,
    )


def issue(kind, actor, *, inspection=None, case=None, content=None, on=None):
    record = inspection or case
    return issue_document(
        actor=actor,
        kind=kind,
        region=record.region,
        issued_on=on or dt.date(YEAR, 3, 6),
        inspection=inspection,
        case=case,
        enterprise=record.enterprise,
        department=record.department,
        content=content,
    )


INTERROGATION_CONTENT = {
    "person": "李明",
    "person_role": "生产部经理",
    "place": "企业会议室",
    "time_from": "14:00",
    "time_to": "15:10",
    "qa": [
        {"q": "氯化装置是否设置了自动化控制联锁？", "a": "没有设置，计划今年改造。"},
        {"q": "装置投用多长时间？", "a": "两年左右。"},
    ],
}

K = DocumentKind


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line (opened with python-docx: a broken file fails)."""
    document = Document(io.BytesIO(data))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)
