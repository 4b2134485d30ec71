"""The ten enforcement documents (执法文书, standards.md §11.3) as Word files in the GB/T 9704 layout of
core.documents. Rendering only: a document's number comes from numbering.issue_document; its text from the
record it belongs to (the IssuedDocument's inspection or penalty case) and, for what only the document holds,
its `content` JSON (CONTENT_KEYS below: 询问笔录's questions and answers, the 复查 opinion, approvals …).

No official 应急管理部 template was found (§11.3 is SECONDARY): the layouts follow the documents' statutory
contents — the inspection record per 安全生产法 Art. 68 (time, place, content, problems and their handling,
signatures or the noted refusal), the decision book per 行政处罚法 Art. 59 (party; facts and evidence;
penalty and basis; how and by when to comply; review and lawsuit routes and deadlines; agency and date).

A document is never printed with blanks where its record lacks a part: REQUIRED lists what each kind needs,
and `render` (or `require_complete`, which callers may use before issuing) refuses with a Chinese message
naming the missing parts.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from docx.image.exceptions import UnrecognizedImageError
from docx.shared import Cm

from anlan.core.bureau import bureau_name
from anlan.core.documents import OfficialDocument
from anlan.core.errors import DomainError
from anlan.core.masking import visible_value
from anlan.core.regioncodes import county_of
from anlan.geo.models import Region

from .models import DocumentKind, Finding, InspectionAnswer, IssuedDocument, PenaltyCase, Signature

K = DocumentKind

# 行政处罚法 (2021) Arts. 67, 72 (standards.md §11.1, VERIFIED): pay within 15 days of receipt; 3 % of the
# fine a day late, never more than the fine.
PAYMENT_DAYS = 15
SURCHARGE_PERCENT = 3
# Art. 64: the party asks for a hearing within 5 days of the notice (Art. 85: working days); the agency
# notifies 7 days before the hearing.
HEARING_REQUEST_WORKING_DAYS = 5
HEARING_NOTICE_DAYS = 7
# The time for 陈述、申辩 is not fixed by the law; three working days is the customary wording of the
# notices we could read (SECONDARY). A case may set its own in content["statement_days"].
DEFAULT_STATEMENT_DAYS = 3
# Review and lawsuit routes (Art. 59 requires them on the decision): 行政复议法 (2023) Art. 20 — 60 days;
# 行政诉讼法 Art. 46 — 6 months. Not in standards.md: stated from the statutes' text, to be checked
# (docs/enforcement.md). The bodies default to the county's government and court and may be
# named in content["review_body"] / content["court"].
REVIEW_DAYS = 60
LAWSUIT_MONTHS = 6

TITLES = {
    K.INSPECTION_RECORD: "现场检查记录",
    K.ON_SPOT_DECISION: "现场处理措施决定书",
    K.RECTIFICATION_ORDER: "责令限期整改指令书",
    K.REINSPECTION_OPINION: "整改复查意见书",
    K.CASE_OPENING: "立案审批表",
    K.INTERROGATION: "询问笔录",
    K.PENALTY_NOTICE: "行政处罚告知书",
    K.HEARING_NOTICE: "听证告知书",
    K.PENALTY_DECISION: "行政处罚决定书",
    K.CASE_CLOSING: "结案审批表",
}

# What each kind reads from `IssuedDocument.content` (the rest comes from the inspection or case).
CONTENT_KEYS: dict[str, dict[str, str]] = {
    K.INSPECTION_RECORD: {
        "time_from": "检查开始时间（如“09:30”，可选）",
        "time_to": "检查结束时间（可选）",
    },
    K.ON_SPOT_DECISION: {
        "measures": "现场处理措施（文字列表；无此项时取处理措施不是“责令限期整改”的检查问题）",
        "basis": "处理依据（可选，默认《中华人民共和国安全生产法》第六十五条）",
    },
    K.RECTIFICATION_ORDER: {"basis": "整改依据（可选，默认《中华人民共和国安全生产法》第六十五条）"},
    K.REINSPECTION_OPINION: {
        "opinion": "复查意见（必填）",
        "reinspected_on": "复查日期 YYYY-MM-DD（可选，默认文书日期）",
        "results": "各问题整改情况：{检查问题id: 说明}（可选，默认取隐患状态）",
    },
    K.CASE_OPENING: {
        "source": "案件来源（可选，默认“执法检查”或“其他”）",
        "summary": "简要案情（无案件违法事实时必填）",
        "handler_opinion": "承办人意见（可选）",
        "approver_opinion": "审批意见（可选）",
    },
    K.INTERROGATION: {
        "person": "被询问人姓名（必填）",
        "person_role": "被询问人职务或与当事人关系（可选）",
        "place": "询问地点（可选）",
        "time_from": "询问开始时间（可选）",
        "time_to": "询问结束时间（可选）",
        "qa": '问答：[{"q": 问, "a": 答}, …]（必填，至少一问一答）',
    },
    K.PENALTY_NOTICE: {"statement_days": "陈述申辩期限（工作日，可选，默认3）"},
    K.HEARING_NOTICE: {},
    K.PENALTY_DECISION: {
        "evidence": "证据名称列表（可选）",
        "violated": "违反的规定（可选）",
        "payee": "罚款缴至（可选，默认“指定银行或者通过电子支付系统”）",
        "review_body": "行政复议机关（可选，默认县人民政府）",
        "court": "管辖法院（可选，默认县人民法院）",
    },
    K.CASE_CLOSING: {
        "execution": "执行情况（无已缴清的罚款记录时必填）",
        "handler_opinion": "承办人意见（可选）",
        "approver_opinion": "审批意见（可选）",
    },
}


@dataclass
class Need:
    """One part a kind of document cannot be printed without."""

    label: str
    present: Callable[[IssuedDocument], bool]


def _inspection(d: IssuedDocument) -> bool:
    return d.inspection_id is not None


def _case(d: IssuedDocument) -> bool:
    return d.case_id is not None


def _text(d: IssuedDocument, key: str) -> str:
    value = (d.content or {}).get(key)
    return value.strip() if isinstance(value, str) else ""


def _two_inspectors(d: IssuedDocument) -> bool:
    # 行政处罚法 Art. 42: no fewer than two officers, each named with a certificate.
    people = list(d.inspection.inspectors.all()) if d.inspection_id else []
    return len(people) >= 2 and all(p.certificate for p in people)


def _two_handlers(d: IssuedDocument) -> bool:
    people = list(d.case.handlers.all()) if d.case_id else []
    return len(people) >= 2 and all(p.certificate for p in people)


def _principal_or_refusal(d: IssuedDocument) -> bool:
    i = d.inspection
    return bool(i and (i.principal_refused or i.principal_name or i.enterprise.principal))


def _place(d: IssuedDocument) -> bool:
    i = d.inspection
    return bool(i and (i.place or i.enterprise.address))


def _inspection_content(d: IssuedDocument) -> bool:
    i = d.inspection
    return bool(i and (i.summary or i.answers.exists() or i.findings.exists()))


def _on_spot_measures(d: IssuedDocument) -> bool:
    return bool(_list(d, "measures")) or bool(d.inspection_id and _spot_findings(d))


def _ordered_findings(d: IssuedDocument) -> bool:
    return bool(d.inspection_id and _rectify_findings(d))


def _order_issued(d: IssuedDocument) -> bool:
    return bool(d.inspection_id and _order_of(d))


def _party(d: IssuedDocument) -> bool:
    return bool(d.case_id and d.case.party_name)


def _case_facts(d: IssuedDocument) -> bool:
    return bool(d.case_id and d.case.facts.strip())


def _case_basis(d: IssuedDocument) -> bool:
    return bool(d.case_id and d.case.legal_basis.strip())


def _penalty(d: IssuedDocument) -> bool:
    return bool(d.case_id and (d.case.fine_yuan or d.case.other_penalties.strip()))


def _qa(d: IssuedDocument) -> bool:
    pairs = (d.content or {}).get("qa")
    return (
        isinstance(pairs, list)
        and bool(pairs)
        and all(isinstance(p, dict) and str(p.get("q", "")).strip() and str(p.get("a", "")).strip() for p in pairs)
    )


def _decided(d: IssuedDocument) -> bool:
    return bool(d.case_id and (d.case.decided_on or _case_document(d, K.PENALTY_DECISION)))


def _execution(d: IssuedDocument) -> bool:
    return bool(_text(d, "execution")) or bool(d.case_id and _paid_in_full(d.case))


INSPECTION = Need("执法检查记录（文书须关联一次检查）", _inspection)
CASE = Need("处罚案件（文书须关联一个案件）", _case)
INSPECTORS = Need("执法人员（不少于两名，均有执法证号）", _two_inspectors)
HANDLERS = Need("承办人（不少于两名，均有执法证号）", _two_handlers)
PARTY = Need("当事人", _party)
FACTS = Need("违法事实", _case_facts)
BASIS = Need("处罚依据", _case_basis)
PENALTY = Need("处罚内容（罚款金额或其他处罚）", _penalty)

REQUIRED: dict[str, tuple[Need, ...]] = {
    K.INSPECTION_RECORD: (
        INSPECTION,
        INSPECTORS,
        Need("检查场所（检查场所或企业地址）", _place),
        Need("检查情况（检查情况、检查项结果或发现的问题）", _inspection_content),
        Need("被检查单位负责人或其拒绝签字的记录", _principal_or_refusal),
    ),
    K.ON_SPOT_DECISION: (
        INSPECTION,
        INSPECTORS,
        Need("现场处理措施（现场处理的问题或 content.measures）", _on_spot_measures),
    ),
    K.RECTIFICATION_ORDER: (INSPECTION, INSPECTORS, Need("责令限期整改的问题及期限", _ordered_findings)),
    K.REINSPECTION_OPINION: (
        INSPECTION,
        Need("已制作的责令限期整改指令书", _order_issued),
        Need("复查意见（content.opinion）", lambda d: bool(_text(d, "opinion"))),
    ),
    K.CASE_OPENING: (
        CASE,
        PARTY,
        HANDLERS,
        Need("简要案情（案件违法事实或 content.summary）", lambda d: _case_facts(d) or bool(_text(d, "summary"))),
    ),
    K.INTERROGATION: (
        CASE,
        HANDLERS,
        Need("被询问人（content.person）", lambda d: bool(_text(d, "person"))),
        Need("询问问答（content.qa，每条须有问有答）", _qa),
    ),
    K.PENALTY_NOTICE: (CASE, PARTY, FACTS, BASIS, PENALTY),
    K.HEARING_NOTICE: (CASE, PARTY, FACTS, BASIS, PENALTY),
    K.PENALTY_DECISION: (CASE, PARTY, FACTS, BASIS, PENALTY),
    K.CASE_CLOSING: (
        CASE,
        PARTY,
        Need("处罚决定（决定日期或已制作的行政处罚决定书）", _decided),
        Need("执行情况（罚款已缴清或 content.execution）", _execution),
    ),
}


def missing_parts(document: IssuedDocument) -> list[str]:
    """The labels of the parts `document`'s kind needs and its record lacks (empty: it can be printed)."""
    return [need.label for need in REQUIRED[document.kind] if not need.present(document)]


def require_complete(document: IssuedDocument) -> None:
    missing = missing_parts(document)
    if missing:
        raise DomainError(
            "document.incomplete",
            f"《{TITLES[document.kind]}》{document.number or ''}无法生成，缺少：{'；'.join(missing)}",
        )


# ---------------------------------------------------------------- formatting


def cn_date(day) -> str:
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day) if timezone.is_aware(day) else day
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(moment: dt.datetime) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{cn_date(local)}{local.hour}时{local.minute:02d}分"


def yuan(amount) -> str:
    """20000 → "20,000.00 元"."""
    return f"{Decimal(amount):,.2f} 元"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def _four(n: int) -> str:
    out, zero = "", False
    for i in range(3, -1, -1):
        digit = n // 10**i % 10
        if digit:
            if zero and out:
                out += "零"
            out += _DIGITS[digit] + _UNITS[i]
            zero = False
        else:
            zero = True
    return out


def yuan_capital(amount) -> str:
    """The amount in capital figures as financial documents write it (20000 → 贰万元整,
    1234.5 → 壹仟贰佰叁拾肆元伍角)."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    whole, cents = int(value), int(value * 100) % 100
    if not 0 <= whole < 10**12:
        raise ValueError(f"amount out of range: {amount}")
    groups = []  # groups of four digits, lowest first
    rest = whole
    while rest:
        groups.append(rest % 10000)
        rest //= 10000
    text, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(text)
            continue
        if text and (pending_zero or group < 1000):
            text += "零"
        text += _four(group) + _SECTIONS[index]
        pending_zero = False
    if not cents:
        return (text or "零") + "元整"
    text = text + "元" if text else ""
    jiao, fen = divmod(cents, 10)
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    return text


def _list(d: IssuedDocument, key: str) -> list[str]:
    value = (d.content or {}).get(key)
    if isinstance(value, str):
        value = [value]
    return [str(v).strip() for v in value or [] if str(v).strip()] if isinstance(value, list | str) else []


def _county(document: IssuedDocument) -> str:
    return Region.objects.filter(code=county_of(document.region_id)).values_list("name", flat=True).first() or ""


def issuer(document: IssuedDocument) -> str:
    """The agency in whose name the document goes out: an industry department for its own documents, else
    the emergency bureau."""
    department = document.department
    if department is not None and department.kind != "emergency":
        return department.name
    county = _county(document)
    return f"{county}应急管理局" if county else bureau_name()


def _spot_findings(d: IssuedDocument) -> list[Finding]:
    return [f for f in d.inspection.findings.all() if f.measure != Finding.Measure.DEADLINE]


def _rectify_findings(d: IssuedDocument) -> list[Finding]:
    return [f for f in d.inspection.findings.all() if f.measure != Finding.Measure.ON_SPOT]


def _order_of(d: IssuedDocument) -> IssuedDocument | None:
    return (
        IssuedDocument.objects.filter(inspection_id=d.inspection_id, kind=K.RECTIFICATION_ORDER)
        .order_by("issued_on", "seq")
        .first()
    )


def _case_document(d: IssuedDocument, kind: str) -> IssuedDocument | None:
    return IssuedDocument.objects.filter(case_id=d.case_id, kind=kind).order_by("issued_on", "seq").first()


def _paid_in_full(case: PenaltyCase) -> bool:
    payments = list(case.payments.all())
    if not case.fine_yuan:
        return False
    paid = sum((p.paid_yuan or Decimal(0)) for p in payments if p.paid_on)
    return paid >= case.fine_yuan


def _people(inspectors) -> str:
    return "、".join(f"{p}（执法证号：{p.certificate}）" for p in inspectors)


def _penalty_text(case: PenaltyCase) -> str:
    parts = []
    if case.fine_yuan:
        parts.append(f"罚款人民币{yuan(case.fine_yuan)}（{yuan_capital(case.fine_yuan)}）")
    if case.other_penalties.strip():
        parts.append(case.other_penalties.strip())
    return "；".join(parts)


def _party_lines(doc: OfficialDocument, case: PenaltyCase, user) -> None:
    if case.party_kind == PenaltyCase.Party.PERSON:
        doc.line(f"当事人：{case.party_name}", indent=False)
        if case.party_id_number:
            doc.line(f"身份证号码：{visible_value(user, 'id_number', case.party_id_number)}", indent=False)
        return
    e = case.enterprise
    doc.line(f"当事人：{case.party_name}", indent=False)
    if e is not None:
        doc.line(f"统一社会信用代码：{e.credit_code}", indent=False)
        if e.address:
            doc.line(f"地址：{e.address}", indent=False)
        if e.principal:
            doc.line(f"主要负责人：{e.principal}", indent=False)


def _addressee(case: PenaltyCase) -> str:
    return "你" if case.party_kind == PenaltyCase.Party.PERSON else "你单位"


def _closing(doc: OfficialDocument, document: IssuedDocument, day=None) -> None:
    doc.line(issuer(document), right=True)
    doc.line(cn_date(day or document.issued_on), right=True)


def _head(doc: OfficialDocument, document: IssuedDocument) -> None:
    doc.title(TITLES[document.kind])
    doc.centered(document.number)


def _signature_line(doc: OfficialDocument, label: str, signature: Signature | None) -> None:
    """A signature drawn on the phone, embedded as its picture; without one, the line is left for the pen."""
    if signature is None:
        doc.line(f"{label}：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日", indent=False)
        return
    doc.line(f"{label}：{signature.name}（{cn_datetime(signature.signed_at)}电子签名）", indent=False)
    try:
        with signature.image.open("rb") as handle:
            data = handle.read()
        doc.doc.add_paragraph().add_run().add_picture(io.BytesIO(data), width=Cm(3.5))
    except (OSError, ValueError, UnrecognizedImageError):
        # The stored picture is unreadable: the line above still records who signed and when.
        doc.line("（签名图像无法读取，以系统记录为准）", indent=False)


# ---------------------------------------------------------------- the inspection documents


def _inspection_record(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    i = d.inspection
    e = i.enterprise
    inspectors = list(i.inspectors.select_related("user").order_by("certificate"))
    time = cn_date(i.inspected_on)
    if _text(d, "time_from"):
        time += f" {_text(d, 'time_from')}" + (f" 至 {_text(d, 'time_to')}" if _text(d, "time_to") else "")
    rows = [
        ("被检查单位", e.name),
        ("地址", e.address or "—"),
        ("主要负责人", i.principal_name or e.principal or "—"),
        ("检查场所", i.place or e.address),
        ("检查时间", time),
        ("执法人员", _people(inspectors)),
        ("检查类型", i.get_kind_display()),
    ]
    if i.checklist_id:
        basis = f"（{i.checklist.standard_id}）" if i.checklist.standard_id else ""
        rows.append(("检查依据", f"{i.checklist.name}{basis}"))
    doc.table(rows)
    doc.line("检查情况：", indent=False, bold=True)
    if i.summary:
        doc.line(i.summary)
    answers = list(InspectionAnswer.objects.filter(inspection=i).select_related("item").order_by("item__position"))
    if answers:
        counts = {r: sum(1 for a in answers if a.result == r) for r in InspectionAnswer.Result.values}
        R = InspectionAnswer.Result
        doc.line(
            f"按检查表检查 {len(answers)} 项：符合 {counts[R.OK]} 项，不符合 {counts[R.PROBLEM]} 项，"
            f"不适用 {counts[R.NA]} 项。"
        )
        for n, a in enumerate((a for a in answers if a.result == R.PROBLEM), start=1):
            where = "".join(x for x in (a.item.standard_id, a.item.article and f"第{a.item.article}条") if x)
            where = f"（{where}）" if where else ""
            doc.line(f"不符合项{n}：{a.item.text}{where}{('；' + a.note) if a.note else ''}")
    findings = list(i.findings.order_by("id"))
    doc.line("发现的问题及处理情况：", indent=False, bold=True)
    if not findings:
        doc.line("未发现问题。")
    for n, f in enumerate(findings, start=1):
        text = f"{n}．{f.title}（{f.get_level_display()}）"
        if f.description:
            text += f"：{f.description}"
        text += f"。处理措施：{f.get_measure_display()}"
        if f.measure != Finding.Measure.ON_SPOT:
            text += f"，整改期限：{cn_date(f.deadline)}"
        doc.line(text + "。")
    signatures = list(i.signatures.select_related("inspector").order_by("signed_at"))
    doc.line("签字：", indent=False, bold=True)
    for inspector in inspectors:
        signed = next((s for s in signatures if s.inspector_id == inspector.pk), None)
        _signature_line(doc, f"执法人员 {inspector}（{inspector.certificate}）", signed)
    principal = next((s for s in signatures if s.signer == Signature.Signer.PRINCIPAL), None)
    if i.principal_refused and principal is None:
        # 安全生产法 Art. 68: the refusal is noted on the record and reported.
        note = f"：{i.refusal_note}" if i.refusal_note else ""
        doc.line(
            f"被检查单位负责人{i.principal_name or e.principal or ''}拒绝签字{note}。"
            "执法人员已在本记录上注明，并向本部门报告。",
            indent=False,
        )
    else:
        _signature_line(doc, f"被检查单位负责人 {i.principal_name or e.principal}", principal)


def _inspection_opening(doc: OfficialDocument, d: IssuedDocument) -> None:
    i = d.inspection
    doc.line(f"{i.enterprise.name}：", indent=False)
    doc.line(
        f"{cn_date(i.inspected_on)}，本机关执法人员{'、'.join(str(p) for p in i.inspectors.order_by('certificate'))}"
        f"在对你单位{('（' + i.place + '）') if i.place else ''}进行安全生产检查时，发现你单位存在下列问题："
    )


def _remedies(doc: OfficialDocument, d: IssuedDocument, whom: str = "你单位") -> None:
    county = _county(d)
    review_body = _text(d, "review_body") or (f"{county}人民政府" if county else "本级人民政府")
    court = _text(d, "court") or (f"{county}人民法院" if county else "有管辖权的人民法院")
    doc.line(
        f"{whom}如不服本决定，可以在收到本文书之日起{REVIEW_DAYS}日内依法向{review_body}申请行政复议，"
        f"或者在{LAWSUIT_MONTHS}个月内依法向{court}提起行政诉讼。"
    )


def _on_spot_decision(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    _inspection_opening(doc, d)
    findings = _spot_findings(d)
    for n, f in enumerate(findings, start=1):
        doc.line(f"{n}．{f.title}（{f.get_level_display()}）{('：' + f.description) if f.description else ''}。")
    basis = _text(d, "basis") or "《中华人民共和国安全生产法》第六十五条"
    doc.line(f"依据{basis}的规定，现作出如下现场处理决定：")
    measures = _list(d, "measures") or [f"{f.title}：{f.get_measure_display()}" for f in findings]
    for n, m in enumerate(measures, start=1):
        doc.line(f"（{n}）{m}")
    if any(f.measure in (Finding.Measure.SUSPEND, Finding.Measure.EVACUATE) for f in findings):
        # Art. 65(3): resumption only after the major hazard is removed and the department agrees.
        doc.line("重大事故隐患排除后，经审查同意，方可恢复生产经营和使用。")
    _remedies(doc, d)
    doc.line("申请行政复议或者提起行政诉讼期间，不停止本决定的执行。")
    doc.line(f"执法人员：{_people(d.inspection.inspectors.order_by('certificate'))}", indent=False)
    _closing(doc, d)
    doc.line("被检查单位负责人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)


def _rectification_order(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    _inspection_opening(doc, d)
    findings = _rectify_findings(d)
    doc.table(
        [
            (
                f"问题{n}",
                f"{f.title}（{f.get_level_display()}）{('：' + f.description) if f.description else ''}；"
                f"整改期限：{cn_date(f.deadline)}",
            )
            for n, f in enumerate(findings, start=1)
        ]
    )
    basis = _text(d, "basis") or "《中华人民共和国安全生产法》第六十五条"
    last = max(f.deadline for f in findings)
    doc.line(
        f"依据{basis}的规定，现责令你单位对上述问题按所列期限整改完毕（最迟于{cn_date(last)}前），"
        "整改期间落实安全防范措施，并将整改情况书面报告本机关。本机关将对整改情况进行复查。"
        "逾期未整改或者整改不到位的，本机关将依法处理。"
    )
    if any(f.level == Finding.Level.MAJOR for f in findings):
        doc.line(
            "其中的重大事故隐患，整改前或者整改过程中无法保证安全的，应当从危险区域内撤出作业人员，"
            "暂时停产停业或者停止使用相关设施、设备；排除后经审查同意，方可恢复生产经营和使用。"
        )
    _remedies(doc, d)
    doc.line(f"执法人员：{_people(d.inspection.inspectors.order_by('certificate'))}", indent=False)
    _closing(doc, d)
    doc.line("被检查单位负责人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)


def _reinspection_opinion(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    i = d.inspection
    order = _order_of(d)
    raw = _text(d, "reinspected_on")
    try:
        on = dt.date.fromisoformat(raw) if raw else d.issued_on
    except ValueError:
        raise DomainError(
            "document.incomplete", f"《整改复查意见书》{d.number}的复查日期“{raw}”不是有效日期（应为YYYY-MM-DD）"
        ) from None
    doc.line(f"{i.enterprise.name}：", indent=False)
    doc.line(
        f"本机关于{cn_date(order.issued_on)}以《责令限期整改指令书》（{order.number}）责令你单位限期整改。"
        f"{cn_date(on)}，本机关对整改情况进行了复查，情况如下："
    )
    results = (d.content or {}).get("results") or {}
    for n, f in enumerate(_rectify_findings(d), start=1):
        state = results.get(str(f.pk)) if isinstance(results, dict) else None
        if not state:
            state = f.hazard.get_status_display() if f.hazard_id else "未记录"
        doc.line(f"{n}．{f.title}（整改期限{cn_date(f.deadline)}）：{state}。")
    doc.line("复查意见：", indent=False, bold=True)
    doc.line(_text(d, "opinion"))
    doc.line(f"复查人员：{_people(i.inspectors.order_by('certificate'))}", indent=False)
    _closing(doc, d)
    doc.line("被复查单位负责人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)


# ---------------------------------------------------------------- the case documents


def _approval_rows(d: IssuedDocument) -> list[tuple[str, str]]:
    return [
        ("承办人意见", _text(d, "handler_opinion") or "（承办人签署）"),
        ("审批意见", _text(d, "approver_opinion") or "（负责人签署）"),
    ]


def _case_opening(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    source = _text(d, "source")
    if not source:
        source = f"执法检查（{cn_date(case.inspection.inspected_on)}）" if case.inspection_id else "其他"
    party = case.party_name
    if case.party_kind == PenaltyCase.Party.PERSON and case.party_id_number:
        party += f"（身份证号码：{visible_value(user, 'id_number', case.party_id_number)}）"
    elif case.enterprise_id:
        party += f"（统一社会信用代码：{case.enterprise.credit_code}）"
    doc.table(
        [
            ("案由", case.title),
            ("案件来源", source),
            ("当事人", party),
            ("当事人类别", case.get_party_kind_display()),
            ("简要案情", case.facts or _text(d, "summary")),
            ("立案日期", cn_date(case.opened_on)),
            ("承办人", _people(case.handlers.order_by("certificate"))),
            *_approval_rows(d),
        ]
    )
    doc.line(issuer(d), right=True)


def _interrogation(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    handlers = list(case.handlers.order_by("certificate"))
    time = cn_date(d.issued_on)
    if _text(d, "time_from"):
        time += f" {_text(d, 'time_from')}" + (f" 至 {_text(d, 'time_to')}" if _text(d, "time_to") else "")
    rows = [
        ("案由", case.title),
        ("询问时间", time),
        ("询问地点", _text(d, "place") or "—"),
        ("被询问人", _text(d, "person") + (f"（{_text(d, 'person_role')}）" if _text(d, "person_role") else "")),
        ("询问人", _people(handlers)),
    ]
    doc.table(rows)
    doc.line(
        f"问：我们是{issuer(d)}的执法人员，这是我们的执法证件（出示证件）。今天依法向你了解有关情况，"
        "你应当如实回答，有陈述和申辩的权利。你是否申请回避？",
    )
    for pair in d.content["qa"]:
        doc.line(f"问：{str(pair['q']).strip()}")
        doc.line(f"答：{str(pair['a']).strip()}")
    doc.line("以上笔录我看过（或向我宣读过），与我说的相符。", indent=False)
    doc.line("被询问人签字：＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日", indent=False)
    doc.line("询问人签字：＿＿＿＿＿＿　＿＿＿＿＿＿", indent=False)
    doc.line(f"第　页　共　页　（{d.number}）", right=True)


def _notice_body(doc: OfficialDocument, case: PenaltyCase) -> None:
    doc.line(f"{case.party_name}：", indent=False)
    doc.line(f"经调查，{_addressee(case)}{case.facts.strip().rstrip('。')}。")
    doc.line(
        f"依据{case.legal_basis.strip().rstrip('。')}的规定，本机关拟对{_addressee(case)}作出如下行政处罚：{_penalty_text(case)}。"
    )


def _penalty_notice(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    _notice_body(doc, case)
    days = (d.content or {}).get("statement_days")
    if not (isinstance(days, int) and not isinstance(days, bool) and 0 < days <= 30):
        days = DEFAULT_STATEMENT_DAYS  # absent or not a plausible count of working days: the customary three
    doc.line(
        f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，{_addressee(case)}有权进行陈述和申辩。"
        f"如需陈述、申辩，应当在收到本告知书之日起{days}个工作日内向本机关提出；逾期未提出的，视为放弃上述权利。"
        "本机关不因当事人陈述、申辩而给予更重的处罚。"
    )
    hearing = _case_document(d, K.HEARING_NOTICE)
    if hearing is not None:
        doc.line(f"{_addressee(case)}要求听证的权利，见《听证告知书》（{hearing.number}）。")
    _closing(doc, d)
    doc.line("当事人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)


def _hearing_notice(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    _notice_body(doc, case)
    doc.line(
        f"根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，{_addressee(case)}有权要求举行听证。"
        f"如要求听证，应当在收到本告知书之日起{HEARING_REQUEST_WORKING_DAYS}个工作日内向本机关提出；"
        "逾期未提出的，视为放弃听证权利。"
        f"本机关将在举行听证的{HEARING_NOTICE_DAYS}日前，通知{_addressee(case)}举行听证的时间、地点。"
    )
    _closing(doc, d)
    doc.line("当事人签收：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)


def _penalty_decision(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    who = _addressee(case)
    _party_lines(doc, case, user)
    doc.line(f"经查，{who}{case.facts.strip().rstrip('。')}。")
    evidence = _list(d, "evidence")
    if evidence:
        doc.line(f"以上事实有{'、'.join(evidence)}等证据为证。")
    notice = _case_document(d, K.PENALTY_NOTICE)
    if notice is not None:
        doc.line(
            f"本机关于{cn_date(notice.issued_on)}以《行政处罚告知书》（{notice.number}）告知{who}拟作出行政处罚的"
            "事实、理由、依据及依法享有的陈述、申辩权利"
            + ("，并告知了听证权利" if _case_document(d, K.HEARING_NOTICE) else "")
            + "。"
        )
    violated = _text(d, "violated")
    if violated:
        doc.line(f"{who}的上述行为违反了{violated.rstrip('。')}的规定。")
    doc.line(f"依据{case.legal_basis.strip().rstrip('。')}的规定，本机关决定给予{who}以下行政处罚：")
    doc.line(f"{_penalty_text(case)}。")
    if case.fine_yuan:
        payee = _text(d, "payee") or "指定银行或者通过电子支付系统"
        doc.line(
            f"罚款限{who}自收到本决定书之日起{PAYMENT_DAYS}日内缴至{payee}。"
            f"到期不缴纳罚款的，本机关依据《中华人民共和国行政处罚法》第七十二条的规定，每日按罚款数额的"
            f"百分之{SURCHARGE_PERCENT}加处罚款，加处罚款的数额不超出罚款的数额。"
        )
    _remedies(doc, d, who)
    doc.line("申请行政复议或者提起行政诉讼期间，行政处罚不停止执行，法律另有规定的除外。")
    _closing(doc, d, case.decided_on)


def _case_closing(doc: OfficialDocument, d: IssuedDocument, user) -> None:
    case = d.case
    decision = _case_document(d, K.PENALTY_DECISION)
    decided = case.decided_on or decision.issued_on
    paid = [p for p in case.payments.all() if p.paid_on]
    execution = _text(d, "execution")
    if not execution:
        total = sum((p.paid_yuan or Decimal(0)) for p in paid)
        surcharge = sum((p.surcharge_yuan or Decimal(0)) for p in paid)
        execution = f"罚款已缴清：实缴罚款 {yuan(total)}" + (f"，加处罚款 {yuan(surcharge)}" if surcharge else "")
        execution += f"（{len(paid)} 笔，最后一笔缴于{cn_date(max(p.paid_on for p in paid))}）"
    rows = [
        ("案由", case.title),
        ("当事人", case.party_name),
        ("立案日期", cn_date(case.opened_on)),
        ("处罚决定", (f"{decision.number}，" if decision else "") + f"{cn_date(decided)}作出"),
        ("处罚内容", _penalty_text(case) or "—"),
        ("送达日期", cn_date(case.served_on) if case.served_on else "—"),
        ("执行情况", execution),
        ("承办人", _people(case.handlers.order_by("certificate")) or "—"),
        *_approval_rows(d),
    ]
    doc.table(rows)
    doc.line(issuer(d), right=True)


RENDERERS = {
    K.INSPECTION_RECORD: _inspection_record,
    K.ON_SPOT_DECISION: _on_spot_decision,
    K.RECTIFICATION_ORDER: _rectification_order,
    K.REINSPECTION_OPINION: _reinspection_opinion,
    K.CASE_OPENING: _case_opening,
    K.INTERROGATION: _interrogation,
    K.PENALTY_NOTICE: _penalty_notice,
    K.HEARING_NOTICE: _hearing_notice,
    K.PENALTY_DECISION: _penalty_decision,
    K.CASE_CLOSING: _case_closing,
}


def render(document: IssuedDocument, user=None) -> bytes:
    """The Word file of an issued document. `user` decides what personal data appears unmasked (an ID
    number: county administrators only, as on every page). Refuses an incomplete record (DomainError)."""
    require_complete(document)
    doc = OfficialDocument()
    _head(doc, document)
    RENDERERS[document.kind](doc, document, user)
    return doc.bytes()


def filename(document: IssuedDocument) -> str:
    party = document.enterprise.name if document.enterprise_id else ""
    if not party and document.case_id:
        party = document.case.party_name
    return f"{TITLES[document.kind]}_{document.number}{('_' + party) if party else ''}.docx"
