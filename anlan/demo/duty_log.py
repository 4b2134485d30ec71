"""Demo duty desk (the log, handovers, daily reports): the last day of calls at the county desk and a few
township desks, yesterday's daily / zero reports from most townships and departments (a few missing, so
the county 工作台 shows them), and handovers — confirmed ones for the past days and this morning's, written
and awaiting confirmation. Everything goes through the duty services, audited, as the officers would."""

import datetime as dt

from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.duty import daily, handover, log
from anlan.geo.models import Region
from anlan.plans.models import IncidentKind

# (hours before now, kind, unit, caller, phone, event kind, township index or None, content, action taken,
#  what was asked, done?) — the county desk's last 24 hours.
COUNTY_CALLS = [
    (
        23.5,
        "receive",
        "县气象局",
        "刘洋",
        "19900001001",
        "水旱灾害",
        None,
        "县气象局传真：预计今日夜间至明日白天我县有暴雨，局地大暴雨，发布暴雨橙色预警信号。",
        "已呈报带班领导，按预案转发各乡镇、县防指成员单位。",
        "请做好防范应对",
        True,
    ),
    (
        23.0,
        "relay",
        "县防汛抗旱指挥部办公室",
        "",
        "",
        "水旱灾害",
        None,
        "向各乡镇（街道）传达县防指《关于切实做好强降雨防范应对工作的紧急通知》。",
        "已通过值班电话逐一传达，各乡镇值班员签收。",
        "",
        True,
    ),
    (
        21.2,
        "receive",
        "",
        "王建国",
        "19900001002",
        "地质灾害",
        1,
        "群众报告道路塌方：村道约20米路面下沉开裂，车辆无法通行，暂无人员伤亡。",
        "已通知县交通运输局、镇应急办到场设置警示、封闭道路。",
        "请尽快派人处置",
        False,
    ),
    (
        19.0,
        "report",
        "市应急管理局",
        "张科长",
        "19900001003",
        "水旱灾害",
        None,
        "向市应急管理局报送我县强降雨防范工作开展情况（转移群众、值守力量、物资预置）。",
        "已通过政务网报送，市局值班室接收。",
        "",
        True,
    ),
    (
        16.4,
        "receive",
        "县水利局",
        "陈志刚",
        "19900001004",
        "水旱灾害",
        2,
        "县水利局报告：水库水位持续上涨，距汛限水位0.3米，已加密监测。",
        "已要求水利局每两小时报告一次水位，通知下游乡镇做好转移准备。",
        "请通报下游乡镇",
        False,
    ),
    (
        14.1,
        "follow",
        "",
        "",
        "",
        "地质灾害",
        1,
        "跟踪道路塌方处置进展：镇应急办报告现场已设置围挡，安排专人值守，交通运输局正在组织抢修。",
        "已记录，继续跟踪抢修进度。",
        "",
        True,
    ),
    (
        11.6,
        "receive",
        "",
        "李秀英",
        "19900001005",
        "地质灾害",
        0,
        "群众反映：村后山坡出现一条长约15米的裂缝，雨后有扩大迹象。",
        "",
        "请派人查看，是否需要转移",
        False,
    ),
    (
        8.2,
        "receive",
        "县公安局指挥中心",
        "赵伟",
        "19900001006",
        "道路交通事故",
        3,
        "县公安局指挥中心通报：国道一货车侧翻，驾驶员轻伤，现场无危化品泄漏。",
        "已了解情况，交警已到场处置，无需应急部门增援。",
        "",
        True,
    ),
    (
        3.5,
        "relay",
        "市应急管理局",
        "",
        "",
        "水旱灾害",
        None,
        "市应急管理局转发国家防总办公室关于做好新一轮强降雨防范工作的通知，已转发各乡镇、各成员单位。",
        "已转发，要求各乡镇今日12时前反馈落实情况。",
        "",
        False,
    ),
]
# Township desks: (township index, hours before now, kind, caller, content, action, done?)
TOWNSHIP_CALLS = [
    (
        0,
        20.0,
        "receive",
        "村支书周强",
        "村里河道水位上涨明显，低洼处两户村民需转移。",
        "已组织村干部协助转移两户5人至村委会。",
        True,
    ),
    (0, 6.0, "report", "", "向县应急管理局值班室报告：我镇已转移群众12户31人，无人员伤亡。", "已报县值班室。", True),
    (1, 9.5, "receive", "网格员吴敏", "三组道路塌方处已设置警示，夜间安排两人轮流值守。", "", False),
    (2, 15.0, "relay", "", "向各村传达县防指紧急通知，要求地灾隐患点落实监测员24小时值守。", "各村已回复收到。", True),
]


def _user(role: str, region_code: str) -> User | None:
    return User.objects.filter(role=role, region_id=region_code, is_active=True).order_by("pk").first()


def load_duty_log(*, county: Region, townships: list[Region]) -> dict[str, int]:
    """Load the demo desk (needs the demo users: a county operator and administrator, a township officer)."""
    operator = _user(Role.COUNTY_OPERATOR, county.code)
    admin = _user(Role.COUNTY_ADMIN, county.code)
    if operator is None or admin is None or len(townships) < 4:
        return {}
    now = timezone.now().replace(second=0, microsecond=0)
    kinds = {k.name: k for k in IncidentKind.objects.all()}
    counts = {"duty_log": 0, "daily_reports": 0, "handovers": 0}

    # Handovers of the past days (08:30 each morning), written and confirmed in turn.
    today_0830 = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time(8, 30)))
    if today_0830 > now:
        today_0830 -= dt.timedelta(days=1)
    pairs = [(operator, admin), (admin, operator)]
    for days_ago, (outgoing, incoming) in zip((3, 2, 1), [*pairs, pairs[0]], strict=True):
        at = today_0830 - dt.timedelta(days=days_ago)
        written = handover.handover_write(
            actor=outgoing, desk=county.code, notes="值班期间无重大突发事件，各乡镇值守正常。", at=at
        )
        handover.handover_confirm(actor=incoming, handover=written, note="已接班。", at=at + dt.timedelta(minutes=10))
        counts["handovers"] += 1

    follow_target = None
    for hours, kind, unit, caller, phone, event, t_index, content, action, asked, done in COUNTY_CALLS:
        region = townships[t_index] if t_index is not None else None
        entry = log.entry_create(
            actor=operator,
            desk=county.code,
            kind=kind,
            occurred_at=now - dt.timedelta(hours=hours),
            unit=unit,
            caller=caller,
            phone=phone,
            event_kind=kinds.get(event),
            region=region,
            place=f"{region.name}" if region else "",
            content=content,
            action_taken=action,
            requested=asked,
            follow_up_by=None if done else now + dt.timedelta(hours=4),
            related=follow_target if kind == "follow" else None,
        )
        if "道路塌方" in content and follow_target is None:
            follow_target = entry
        if done:
            log.entry_close(actor=operator, entry=entry)
        counts["duty_log"] += 1
    for t_index, hours, kind, caller, content, action, done in TOWNSHIP_CALLS:
        township = townships[t_index]
        officer = _user(Role.TOWNSHIP_OPERATOR, township.code) or operator
        entry = log.entry_create(
            actor=officer,
            desk=township.code,
            kind=kind,
            occurred_at=now - dt.timedelta(hours=hours),
            caller=caller,
            content=content,
            action_taken=action,
        )
        if done:
            log.entry_close(actor=officer, entry=entry)
        counts["duty_log"] += 1

    # Daily reports: the day before yesterday from everyone; yesterday from all but two townships and one
    # department (the county 工作台 and the 值班日报 list them).
    yesterday = timezone.localdate(now) - dt.timedelta(days=1)
    reporters = [
        (d, u)
        for d in daily.reporting_departments(county.code)
        if (u := User.objects.filter(is_active=True, role=Role.DEPARTMENT_OPERATOR, department=d).first())
    ]
    for day, skip in ((yesterday - dt.timedelta(days=1), 0), (yesterday, 1)):
        filed_at = min(now, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(8, 0))))
        for i, township in enumerate(townships[: len(townships) - 2 * skip]):
            officer = _user(Role.TOWNSHIP_OPERATOR, township.code) or operator
            rainy = i % 3 == 0
            summary = f"{township.name}累计降雨约{40 + 7 * i}毫米，巡查地灾隐患点{3 + i % 4}处，未发现新的险情。"
            daily.report_file(
                actor=officer,
                region=township.code,
                date=day,
                nothing_to_report=not rainy,
                summary=summary if rainy else "",
                at=filed_at,
            )
            counts["daily_reports"] += 1
        for _, reporter in reporters[: len(reporters) - skip]:
            daily.report_file(actor=reporter, date=day, nothing_to_report=True, at=filed_at)
            counts["daily_reports"] += 1

    # This morning's handover: written by the night officer, awaiting the day officer's confirmation.
    handover.handover_write(
        actor=operator,
        desk=county.code,
        notes="夜间强降雨持续，水库水位接近汛限；三组道路塌方抢修中；后山裂缝待核查。请继续跟踪。",
        at=max(now - dt.timedelta(minutes=30), today_0830),
    )
    counts["handovers"] += 1
    return counts
