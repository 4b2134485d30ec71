"""隐患整改通知书: the notice a supervising unit serves on whoever must rectify a hazard."""

from django.utils import timezone

from anlan.core.documents import OfficialDocument
from anlan.core.regioncodes import county_of
from anlan.geo.models import Region

from .models import HiddenHazard

BASIS = "《安全生产事故隐患排查治理暂行规定》（国家安全生产监督管理总局令第16号）"


def _cn_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def notice_number(hazard: HiddenHazard) -> str:
    county = Region.objects.filter(code=county_of(hazard.region_id)).values_list("name", flat=True).first() or ""
    short = county.removesuffix("县").removesuffix("区").removesuffix("市")[:2]
    return f"{short}应急隐改〔{timezone.localtime(hazard.created_at):%Y}〕{hazard.pk}号"


def rectification_notice(hazard: HiddenHazard) -> bytes:
    county = Region.objects.filter(code=county_of(hazard.region_id)).first()
    issuer = f"{county.name}应急管理局" if county else "应急管理局"
    addressee = (
        hazard.enterprise.name
        if hazard.enterprise_id
        else f"{hazard.region.name}（{hazard.responsible or '责任单位'}）"
    )
    doc = OfficialDocument()
    doc.title("安全隐患整改通知书")
    doc.centered(notice_number(hazard))
    doc.line(f"{addressee}：", indent=False)
    found = _cn_date(timezone.localtime(hazard.created_at))
    doc.line(f"{found}经{hazard.get_source_display()}，发现你单位（辖区）存在以下{hazard.get_level_display()}：")
    doc.table(
        [
            ("隐患名称", hazard.title),
            ("隐患等级", hazard.get_level_display()),
            ("所在位置", hazard.region.name),
            ("隐患情况", hazard.description),
            ("整改责任人", hazard.responsible or "（由你单位确定）"),
            ("整改要求", hazard.measures or "立即采取措施消除隐患，整改期间落实安全防范措施"),
            ("整改期限", _cn_date(hazard.deadline)),
        ]
    )
    doc.line(
        f"根据{BASIS}，现责令你单位于{_cn_date(hazard.deadline)}前整改完毕，并将整改情况（附整改前后照片）书面报告我局。"
        "逾期未整改或整改不到位的，将依法处理。"
    )
    if hazard.level == HiddenHazard.Level.MAJOR:
        doc.line(
            f"该隐患为重大事故隐患，实行挂牌督办（督办单位：{hazard.supervising_unit or '——'}；"
            f"督办领导：{hazard.supervising_leader or '——'}）。"
            "整改前或整改过程中无法保证安全的，应当从危险区域内撤出作业人员，疏散可能危及的其他人员，设置警戒标志，暂时停产停业或者停止使用；整改完成后须经验收合格方可恢复。"
        )
    doc.line(issuer, right=True)
    doc.line(_cn_date(timezone.localdate()), right=True)
    doc.line("被通知单位签收人：＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日", indent=False)
    return doc.bytes()
