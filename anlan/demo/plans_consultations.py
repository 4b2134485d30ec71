"""Demo 会商研判: the 汛期会商 of the storm, still sitting, and two closed sessions earlier this year
(森林防火 in spring, the monthly 安全生产 one), each with departments, conclusions and decisions.

The storm scenario (`anlan scenario`, demo/scenario.py) runs after the loader and replays the storm over the
eight hours before it runs; the flood session starts two hours before the load, inside that window when
the scenario follows the load. Its snapshot is taken from what exists when this part runs — usually the
registers (teams, shelters, hazards) and no storm yet; when the storm's warning and incident already exist
(a scenario played before), the session's decisions are linked to them. Earlier sessions keep the
registers' counts only: the alarms and rainfall of those days were not recorded in the demo.

Rows are written in bulk with the string actor (no user exists when the test county loads)."""

import datetime as dt

from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.consultations import snapshot as situation
from anlan.consultations.models import Consultation, Decision
from anlan.consultations.services import minutes_number
from anlan.core.services import objects_bulk_create
from anlan.incidents.models import Incident

STORM_WINDOW = dt.timedelta(hours=8)  # the recorded storm lasts 480 minutes (demo/data/storm.csv)
PAST_SECTIONS = ("alarms", "enterprise_alarms", "warnings", "incidents", "rainfall")
RECORDER = "县应急管理局指挥中心"  # who keeps the demo's minutes (the rows' audit actor stays `actor`)


def _past_snapshot(county, kind: str, at: dt.datetime) -> dict:
    """The registers' sections only: showing zero alarms or no rain for a day the demo never recorded would
    state something false, so those sections are left out of what the page and the minutes read."""
    taken = situation.take(region_code=county.code, kind=kind, now=at)
    for key in PAST_SECTIONS:
        taken.pop(key, None)
    taken["order"] = [key for key in taken["order"] if key in taken]
    return taken


def _dates(now: dt.datetime) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """Spring (March, or three days ago early in the year), the monthly safety session (nine days ago, after
    spring), and the storm's (two hours ago): in that order, so the minutes' numbers follow the calendar."""
    local = timezone.localtime(now)
    year_start = local.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    march = local.replace(month=3, day=20, hour=9, minute=30, second=0, microsecond=0)
    spring = max(min(march, local - dt.timedelta(days=3)), year_start + dt.timedelta(hours=9))
    nine_days_ago = (local - dt.timedelta(days=9)).replace(hour=9, minute=30, second=0, microsecond=0)
    safety = max(nine_days_ago, spring + dt.timedelta(hours=2))
    storm = (local - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    return spring, safety, storm


def load(*, actor, county, townships, departments) -> dict[str, int]:
    now = timezone.now()
    dept = {d.kind: d for d in departments}
    spring, safety, storm = _dates(now)
    town = townships[0].name if townships else "各乡镇"
    year = spring.year
    sessions = [
        Consultation(
            title=f"{spring.month}月{spring.day}日春季森林防火形势会商",
            kind=Consultation.Kind.FOREST_FIRE,
            region=county,
            started_at=spring,
            ended_at=spring + dt.timedelta(hours=1, minutes=20),
            chair="县应急管理局局长",
            place="县应急指挥中心",
            attendees="县林业局、县气象局、县消防救援大队、县公安局分管负责人；各乡镇（街道）分管负责人视频参会",
            snapshot=_past_snapshot(county, Consultation.Kind.FOREST_FIRE, spring),
            forecast="未来一周以晴为主，气温偏高、湿度偏低，森林火险气象等级四级（高度危险）。",
            conclusions="清明前后祭祀用火集中，森林火险等级高，全县进入森林防火紧要期。\n"
            "重点区域为林区周边村落和墓地，需加强野外用火管控和巡山护林。",
            status=Consultation.Status.CLOSED,
            recorded_by=RECORDER,
            minutes_year=year,
            minutes_seq=1,
            minutes_number=minutes_number(year, 1),
            synthetic=True,
        ),
        Consultation(
            title=f"{safety.month}月安全生产形势分析会商",
            kind=Consultation.Kind.SAFETY,
            region=county,
            started_at=safety,
            ended_at=safety + dt.timedelta(hours=1),
            chair="县应急管理局分管副局长",
            place="县应急管理局三楼会议室",
            attendees="县经济和信息化委员会、县市场监督管理局、县交通运输局、县住房和城乡建设委员会负责同志",
            snapshot=_past_snapshot(county, Consultation.Kind.SAFETY, safety),
            conclusions="本月全县安全生产形势总体平稳。危险化学品企业重大危险源监测报警均已处置，"
            "岁末年初建筑施工、道路运输和冬季用火用电风险上升。",
            status=Consultation.Status.CLOSED,
            recorded_by=RECORDER,
            minutes_year=year,
            minutes_seq=2,
            minutes_number=minutes_number(year, 2),
            synthetic=True,
        ),
        Consultation(
            title=f"{storm.month}月{storm.day}日强降雨过程防汛会商",
            kind=Consultation.Kind.FLOOD,
            region=county,
            started_at=storm,
            chair="县防汛抗旱指挥部常务副指挥长",
            place="县应急指挥中心",
            attendees="县气象局、县水利局、县规划和自然资源局、县交通运输局负责同志；各乡镇（街道）视频参会",
            snapshot=situation.take(region_code=county.code, kind=Consultation.Kind.FLOOD, now=storm),
            forecast="县气象局：未来 6 小时全县有中到大雨，局地暴雨，小时雨强可达 30 毫米以上。\n"
            "县水利局：中小河流水位将持续上涨，部分水库接近汛限水位。",
            conclusions=f"强降雨集中在{town}一带，地质灾害和山洪风险高。\n"
            "立即发布预警，做好受威胁群众转移准备，视雨情和险情启动响应。",
            recorded_by=RECORDER,
            synthetic=True,
        ),
    ]
    sessions = objects_bulk_create(actor=actor, model=Consultation, instances=sessions)
    fire, monthly, flood = sessions

    present = {
        fire.pk: ["emergency", "forestry", "meteorology", "fire_rescue", "public_security"],
        monthly.pk: ["emergency", "economy", "market", "transport", "housing"],
        flood.pk: ["emergency", "meteorology", "water", "natural_resources", "transport"],
    }
    through = Consultation.departments.through
    through.objects.bulk_create(
        [
            through(consultation_id=pk, department_id=dept[kind].pk)
            for pk, kinds in present.items()
            for kind in kinds
            if kind in dept
        ]
    )

    # The storm's own records, when a scenario already played: link the session's decisions to them.
    since = storm - STORM_WINDOW
    warning = Warning.objects.filter(status=Warning.Status.ISSUED, sent__gte=since, exercise__isnull=True).first()
    incident = Incident.objects.filter(received_at__gte=since, exercise__isnull=True).order_by("received_at").first()

    def decision(session, kind, text, department, *, after, due=None, **links):
        return Decision(
            consultation=session,
            kind=kind,
            text=text,
            department=dept.get(department),
            due_at=session.started_at + due if due else None,
            created_at=session.started_at + after,
            recorded_by=RECORDER,
            **links,
        )

    minute = dt.timedelta(minutes=1)
    decisions = [
        decision(fire, "task", "各乡镇（街道）落实护林员巡山和入山路口值守，清明期间每日报告", "forestry",
                 after=40 * minute, due=dt.timedelta(days=15)),
        decision(fire, "warning", "发布森林火险橙色预警，通过广播和短信提示群众禁止野外用火", "meteorology",
                 after=50 * minute, due=dt.timedelta(hours=2)),
        decision(fire, "other", "消防救援大队和森林消防专业队前置备勤，物资库检查风力灭火机和水泵", "fire_rescue",
                 after=60 * minute, due=dt.timedelta(days=1)),
        decision(monthly, "task", "对危险化学品企业重大危险源开展一次专项检查，月底前报送检查情况", "emergency",
                 after=30 * minute, due=dt.timedelta(days=20)),
        decision(monthly, "task", "开展岁末年初道路运输和建筑施工安全隐患排查", "transport",
                 after=45 * minute, due=dt.timedelta(days=25)),
        decision(flood, "warning", f"对{town}发布暴雨和地质灾害红色预警", "meteorology",
                 after=20 * minute, due=dt.timedelta(hours=1), warning=warning),
        decision(flood, "response", "视险情启动防汛Ⅳ级应急响应", "emergency",
                 after=30 * minute, due=dt.timedelta(hours=2), incident=incident),
        decision(flood, "task", "水利局对中小水库和河道加密巡查，每 2 小时报告一次水位", "water",
                 after=35 * minute, due=dt.timedelta(hours=6)),
        decision(flood, "task", "自然资源局组织地质灾害隐患点群测群防员 24 小时值守，发现险情立即转移群众",
                 "natural_resources", after=40 * minute, due=dt.timedelta(hours=3)),
    ]  # fmt: skip
    objects_bulk_create(actor=actor, model=Decision, instances=decisions)
    return {"consultations": len(sessions), "consultation_decisions": len(decisions)}
