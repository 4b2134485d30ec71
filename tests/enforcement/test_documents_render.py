"""The ten enforcement documents: each renders from its record into a Word file that python-docx opens, with
its number, title and the key facts in words (names not codes, Chinese dates, amounts in 元); a record
lacking a required part is refused with a Chinese message naming it."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from docx import Document

from anlan.core.errors import DomainError
from anlan.enforcement import documents
from anlan.enforcement.documents import render, yuan_capital
from anlan.enforcement.models import DocumentKind, Finding, PenaltyCase
from anlan.testing.personas import persona

from .document_records import (
    INTERROGATION_CONTENT,
    K,
    enterprise_in,
    issue,
    make_case,
    make_inspection,
    pay_in_full,
    text_of,
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # signature pictures of the test, not in the data directory


@pytest.fixture
def actor(db):
    return persona("county_operator")


@pytest.fixture
def enterprise(tree):
    return enterprise_in(tree.township)


@pytest.fixture
def inspection(enterprise, inspectors):
    return make_inspection(enterprise, inspectors)


@pytest.fixture
def case(enterprise, inspectors, inspection):
    return make_case(enterprise, inspectors, inspection=inspection)


def _render(document, user=None) -> str:
    text = text_of(render(document, user))
    assert documents.TITLES[document.kind] in text
    assert document.number in text
    assert document.number.startswith("（巫山）应急") and document.number.endswith("号")
    return text


def test_every_kind_has_a_title_renderer_and_required_parts():
    assert set(documents.TITLES) == set(DocumentKind.values)
    assert set(documents.RENDERERS) == set(DocumentKind.values)
    assert set(documents.REQUIRED) == set(DocumentKind.values)
    assert set(documents.CONTENT_KEYS) == set(DocumentKind.values)


def test_inspection_record_names_the_people_the_checklist_findings_and_embeds_signatures(actor, inspection, inspectors):
    document = issue(
        K.INSPECTION_RECORD, actor, inspection=inspection, content={"time_from": "09:30", "time_to": "11:10"}
    )
    data = render(document, actor)
    text = _render(document)
    assert "（巫山）应急检记〔2030〕" in document.number
    for expected in (
        inspection.enterprise.name,
        "巫山县龙门街道工业园区8号",
        "王建国",
        "危化品仓库及装卸区",
        "2030年3月5日 09:30 至 11:10",
        f"{inspectors[0]}（执法证号：{inspectors[0].certificate}）",
        inspectors[1].certificate,
        "危险化学品企业通用检查表（安监总管三〔2017〕121号）",
        "按检查表检查 2 项：符合 1 项，不符合 1 项，不适用 0 项",
        "氯化釜未设联锁",
        "氯化釜未设置自动化控制联锁（重大隐患）",
        "责令暂时停产停业，整改期限：2030年4月30日",
        "消防通道堆放杂物（一般隐患）",
        "2030年3月20日",
        "2030年3月5日11时20分电子签名",
        "双随机抽查" if inspection.kind == "random" else inspection.get_kind_display(),
    ):
        assert expected in text, expected
    assert "hazchem" not in text and "suspend" not in text and "2030-" not in text
    # Two inspectors and the principal signed on the phone: their pictures are in the file.
    assert len(Document(io.BytesIO(data)).inline_shapes) == 3


def test_an_unreadable_signature_picture_is_said_so_the_signer_still_named(actor, inspection):
    principal = inspection.signatures.get(signer="principal")
    principal.image.storage.delete(principal.image.name)
    text = _render(issue(K.INSPECTION_RECORD, actor, inspection=inspection))
    assert "被检查单位负责人 王建国：王建国（2030年3月5日11时20分电子签名）" in text
    assert "签名图像无法读取" in text


def test_inspection_record_notes_the_principals_refusal(actor, enterprise, inspectors):
    inspection = make_inspection(enterprise, inspectors, refused=True)
    text = _render(issue(K.INSPECTION_RECORD, actor, inspection=inspection))
    assert "被检查单位负责人王建国拒绝签字：称负责人不在现场，无权签字。执法人员已在本记录上注明" in text


def test_inspection_record_without_signatures_leaves_lines_for_the_pen(actor, enterprise, inspectors):
    inspection = make_inspection(enterprise, inspectors, signed=False)
    text = _render(issue(K.INSPECTION_RECORD, actor, inspection=inspection))
    assert "被检查单位负责人 王建国：＿＿" in text


def test_on_spot_decision_lists_the_measures_and_the_review_routes(actor, inspection):
    text = _render(issue(K.ON_SPOT_DECISION, actor, inspection=inspection))
    assert "《中华人民共和国安全生产法》第六十五条" in text
    assert "氯化釜未设置自动化控制联锁：责令暂时停产停业" in text
    assert "消防通道堆放杂物：" not in text  # ordered to rectify by a deadline: not an on-the-spot measure
    assert "60日内依法向巫山县人民政府申请行政复议" in text and "6个月内依法向巫山县人民法院提起行政诉讼" in text
    assert "巫山县应急管理局" in text and "2030年3月6日" in text
    assert "重大事故隐患排除后，经审查同意，方可恢复生产经营和使用" in text  # a suspension was ordered


def test_on_spot_decision_takes_measures_from_its_content(actor, inspection):
    content = {"measures": ["查封3号仓库违规存放的液氯钢瓶12只"]}
    text = _render(issue(K.ON_SPOT_DECISION, actor, inspection=inspection, content=content))
    assert "（1）查封3号仓库违规存放的液氯钢瓶12只" in text


def test_rectification_order_lists_problems_with_deadlines(actor, inspection):
    text = _render(issue(K.RECTIFICATION_ORDER, actor, inspection=inspection))
    assert "消防通道堆放杂物（一般隐患）；整改期限：2030年3月20日" in text
    assert "最迟于2030年4月30日前" in text
    assert "重大事故隐患" in text


def test_reinspection_opinion_cites_the_order_and_says_the_opinion(actor, inspection):
    order = issue(K.RECTIFICATION_ORDER, actor, inspection=inspection)
    fire = inspection.findings.get(title="消防通道堆放杂物")
    content = {
        "opinion": "消防通道已清理；联锁改造仍在进行，继续停用氯化装置。",
        "reinspected_on": "2030-03-21",
        "results": {str(fire.pk): "已整改"},
    }
    text = _render(
        issue(K.REINSPECTION_OPINION, actor, inspection=inspection, content=content, on=dt.date(2030, 3, 21))
    )
    assert f"本机关于2030年3月6日以《责令限期整改指令书》（{order.number}）责令你单位限期整改" in text
    assert "2030年3月21日，本机关对整改情况进行了复查" in text
    assert "消防通道堆放杂物（整改期限2030年3月20日）：已整改" in text
    assert "未记录" in text  # the other finding has neither a result nor a hazard
    assert "继续停用氯化装置" in text


def test_case_opening_form(actor, case, inspectors):
    content = {"handler_opinion": "建议立案调查。", "approver_opinion": "同意立案。"}
    text = _render(issue(K.CASE_OPENING, actor, case=case, content=content))
    for expected in (
        case.title,
        "执法检查（2030年3月5日）",
        f"统一社会信用代码：{case.enterprise.credit_code}",
        "单位",
        "2030年3月8日",
        inspectors[0].certificate,
        "建议立案调查。",
        "同意立案。",
    ):
        assert expected in text, expected


def test_interrogation_record_holds_the_questions_and_answers(actor, case):
    text = _render(issue(K.INTERROGATION, actor, case=case, content=INTERROGATION_CONTENT))
    assert "李明（生产部经理）" in text and "企业会议室" in text and "14:00 至 15:10" in text
    assert "问：氯化装置是否设置了自动化控制联锁？" in text and "答：没有设置，计划今年改造。" in text
    assert "以上笔录我看过（或向我宣读过），与我说的相符。" in text


def test_penalty_notice_states_the_rights_and_their_deadline(actor, case):
    hearing = issue(K.HEARING_NOTICE, actor, case=case)
    text = _render(issue(K.PENALTY_NOTICE, actor, case=case))
    assert "经调查，你单位涉及重点监管危险化工工艺的氯化装置未实现自动化控制" in text
    assert "罚款人民币20,000.00 元（贰万元整）" in text
    assert "3个工作日内向本机关提出" in text and "第四十四条、第四十五条" in text
    assert f"《听证告知书》（{hearing.number}）" in text


@pytest.mark.parametrize(("days", "shown"), [(5, "5个工作日内"), ("三", "3个工作日内"), (400, "3个工作日内")])
def test_penalty_notice_takes_the_cases_statement_days_when_plausible(actor, case, days, shown):
    text = _render(issue(K.PENALTY_NOTICE, actor, case=case, content={"statement_days": days}))
    assert f"应当在收到本告知书之日起{shown}向本机关提出" in text


def test_hearing_notice_gives_five_working_days_and_seven_days_notice(actor, case):
    text = _render(issue(K.HEARING_NOTICE, actor, case=case))
    assert "5个工作日内向本机关提出" in text and "7日前" in text and "第六十三条、第六十四条" in text


def test_penalty_decision_has_the_contents_of_article_59(actor, case):
    notice = issue(K.PENALTY_NOTICE, actor, case=case, on=dt.date(2030, 4, 1))
    content = {
        "evidence": ["现场检查记录", "询问笔录", "现场照片"],
        "violated": "《中华人民共和国安全生产法》第三十六条",
    }
    text = _render(issue(K.PENALTY_DECISION, actor, case=case, content=content, on=dt.date(2030, 4, 20)))
    for expected in (
        f"当事人：{case.party_name}",  # party
        f"统一社会信用代码：{case.enterprise.credit_code}",
        "地址：巫山县龙门街道工业园区8号",
        "主要负责人：王建国",
        "经查，你单位涉及重点监管危险化工工艺",  # facts
        "以上事实有现场检查记录、询问笔录、现场照片等证据为证",  # evidence
        f"《行政处罚告知书》（{notice.number}）",
        "违反了《中华人民共和国安全生产法》第三十六条的规定",
        "依据《中华人民共和国安全生产法》第九十九条第（二）项的规定",  # basis
        "罚款人民币20,000.00 元（贰万元整）",  # penalty
        "自收到本决定书之日起15日内",  # how and by when
        "每日按罚款数额的百分之3加处罚款，加处罚款的数额不超出罚款的数额",
        "60日内依法向巫山县人民政府申请行政复议",  # routes
        "6个月内依法向巫山县人民法院提起行政诉讼",
        "巫山县应急管理局",  # agency
        "2030年4月20日",  # date
    ):
        assert expected in text, expected


def test_penalty_decision_for_a_person_masks_the_id_number_for_roles_that_do_not_see_it(actor, case):
    case.party_kind = PenaltyCase.Party.PERSON
    case.party_name = "张三"
    case.party_id_number = "500237198801012345"
    case.save()
    document = issue(K.PENALTY_DECISION, actor, case=case)
    assert "身份证号码：500237********2345" in text_of(render(document, actor))
    assert "身份证号码：500237198801012345" in text_of(render(document, persona("county_admin")))
    assert "你如不服本决定" in text_of(render(document, actor))


def test_case_closing_reports_the_execution(actor, case):
    decision = issue(K.PENALTY_DECISION, actor, case=case, on=dt.date(2030, 4, 20))
    pay_in_full(case)
    text = _render(issue(K.CASE_CLOSING, actor, case=case, on=dt.date(2030, 5, 10)))
    assert f"{decision.number}，2030年4月20日作出" in text
    assert "罚款已缴清：实缴罚款 20,000.00 元（1 笔，最后一笔缴于2030年5月4日）" in text
    assert "2030年4月21日" in text


@pytest.mark.parametrize(
    ("kind", "breaks", "message"),
    [
        (K.INSPECTION_RECORD, "one_inspector", "执法人员（不少于两名，均有执法证号）"),
        (K.INSPECTION_RECORD, "no_principal", "被检查单位负责人或其拒绝签字的记录"),
        (K.RECTIFICATION_ORDER, "on_spot_only", "责令限期整改的问题及期限"),
        (K.REINSPECTION_OPINION, "no_order", "已制作的责令限期整改指令书；复查意见（content.opinion）"),
        (K.INTERROGATION, "half_qa", "询问问答（content.qa，每条须有问有答）"),
        (K.PENALTY_NOTICE, "no_facts", "违法事实"),
        (K.PENALTY_DECISION, "no_penalty", "处罚内容（罚款金额或其他处罚）"),
        (K.CASE_CLOSING, "unpaid", "执行情况（罚款已缴清或 content.execution）"),
        (K.CASE_OPENING, "no_record", "处罚案件（文书须关联一个案件）"),
    ],
)
def test_a_record_lacking_a_part_is_refused_in_chinese(actor, inspection, case, inspectors, kind, breaks, message):
    content = {}
    if breaks == "one_inspector":
        inspection.inspectors.set(inspectors[:1])
    elif breaks == "no_principal":
        inspection.principal_name = ""
        inspection.save()
        inspection.enterprise.principal = ""
        inspection.enterprise.save()
    elif breaks == "on_spot_only":
        inspection.findings.update(measure=Finding.Measure.ON_SPOT)
    elif breaks == "half_qa":
        content = {"person": "李明", "qa": [{"q": "装置投用多长时间？", "a": " "}]}
    elif breaks == "no_facts":
        PenaltyCase.objects.filter(pk=case.pk).update(facts="")
        case.refresh_from_db()
    elif breaks == "no_penalty":
        PenaltyCase.objects.filter(pk=case.pk).update(fine_yuan=None, other_penalties="")
        case.refresh_from_db()
    on_inspection = kind in (K.INSPECTION_RECORD, K.RECTIFICATION_ORDER, K.REINSPECTION_OPINION)
    if breaks == "no_record":
        document = issue(kind, actor, inspection=inspection)  # a case document issued against an inspection
    elif on_inspection:
        document = issue(kind, actor, inspection=inspection, content=content)
    else:
        document = issue(kind, actor, case=case, content=content)
    with pytest.raises(DomainError) as refused:
        render(document, actor)
    assert refused.value.code == "document.incomplete"
    assert refused.value.message.startswith(f"《{documents.TITLES[kind]}》{document.number}无法生成，缺少：")
    assert message in refused.value.message


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("20000", "贰万元整"),
        ("200", "贰佰元整"),
        ("3000.5", "叁仟元伍角"),
        ("10500", "壹万零伍佰元整"),
        ("1005.07", "壹仟零伍元零柒分"),
        ("100010000", "壹亿零壹万元整"),
        ("1200000", "壹佰贰拾万元整"),
    ],
)
def test_amounts_in_capital_figures(amount, words):
    assert yuan_capital(Decimal(amount)) == words
