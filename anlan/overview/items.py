"""The 工作台's items: for each role, what needs this user now, each a count that opens the list it counts.

An item names a registry list and the filter parameters of that list (`?status=review`, `?overdue=true`).
Its count is the list's own FilterSet over `restrict(user)` with those parameters, and its link is the list
URL with the same parameters, so the number on the 工作台 and the rows of the list it opens cannot drift
apart. The few items that open a page of their own (the supplies alerts) count with that page's function.

Every item costs a fixed number of queries (one COUNT; an item with a note counts in the note's own query,
plus one for the townships' names), so the page makes the same number of queries whatever the number of
rows: nothing here runs a query per row or per township.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import urlencode

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import Substr
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from anlan.alerts import tasks as warning_tasks
from anlan.alerts.models import Warning
from anlan.consultations.models import Consultation
from anlan.consultations.selectors import open_summary
from anlan.core.kit import config_for
from anlan.core.roles import Role
from anlan.core.views import filterset_for
from anlan.disasters import selectors as disaster_selectors
from anlan.disasters import transfer
from anlan.drills import services_drills as drills
from anlan.enforcement import selectors_cases
from anlan.enforcement import services_credit as enforcement_credit
from anlan.enforcement import services_plan as enforcement_plan
from anlan.geo.models import Region
from anlan.hazards.models import HiddenHazard
from anlan.incidents import selectors as incident_selectors
from anlan.incidents import services as incident_services
from anlan.incidents.models import DispatchOrder, Incident, ResponseTask
from anlan.kpi import services_assessment as kpi_assessment
from anlan.kpi import services_indicators as kpi_indicators
from anlan.kpi import services_tasks as kpi_tasks
from anlan.monitoring.models import Alarm, Sensor
from anlan.notify.models import Delivery
from anlan.plans import status as plan_status
from anlan.rewards.models import Reward, Tip
from anlan.risk.models import MajorHazardSource, RiskPoint
from anlan.sites import selectors as patrol_selectors
from anlan.sites.models import PatrolTask
from anlan.supplies import services as supply_services
from anlan.training import services as training
from anlan.training.models import Certificate

RED, ORANGE, ROUTINE = 0, 1, 2  # urgency: red items first
URGENCY_CLASS = {RED: "red", ORANGE: "orange", ROUTINE: "routine"}

COUNTY = frozenset({Role.COUNTY_ADMIN, Role.COUNTY_OPERATOR})
TOWNSHIP = frozenset({Role.TOWNSHIP_OPERATOR})
DEPARTMENT = frozenset({Role.DEPARTMENT_OPERATOR})
VILLAGE = frozenset({Role.VILLAGE_WORKER})
ENTERPRISE = frozenset({Role.ENTERPRISE_USER})
# Read-only roles act on nothing here; they see the situation they are asked about (see docs/overview.md).
WATCHERS = frozenset({Role.TEAM_LEADER, Role.VIEWER})


@dataclass(frozen=True)
class Moment:
    """The clock every item of one page reads, so all counts agree on what "today" and "now" are."""

    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def yesterday(self) -> dt.date:
        return self.today - dt.timedelta(days=1)


@dataclass(frozen=True)
class Part:
    """One line of an item's breakdown (overdue hazards of one township), itself a link to its list."""

    name: str
    count: int
    url: str


@dataclass
class Shown:
    """An item as one user sees it now."""

    key: str
    label: str
    action: str
    urgency: int
    count: int
    url: str
    note: str = ""
    parts: list[Part] = field(default_factory=list)

    @property
    def urgency_class(self) -> str:
        return URGENCY_CLASS[self.urgency]


@dataclass(frozen=True)
class Item:
    key: str
    label: str  # what is counted, short: 待签发预警
    action: str  # the one obvious next step: 去签发
    roles: frozenset[str]
    urgency: int
    model: type | None = None  # the registry list the item opens …
    params: Callable[[Moment], dict[str, str | list[str]]] | None = None  # … filtered with these parameters
    # A second line from the counted rows: the nearest report deadline, the townships with overdue hazards.
    # It reads the rows anyway, so it counts them in the same query: (count, note, parts).
    note: Callable[[QuerySet, Moment, dict], tuple[int, str, list[Part]]] | None = None
    # Items opening a page of their own instead of a registry list: its URL name and its own count.
    url_name: str = ""
    count: Callable | None = None
    # The list's filter reads who asks (下达给我的): its FilterSet is bound per user instead of shared.
    personal: bool = False

    def show(self, user, moment: Moment) -> Shown:
        if self.model is None:
            found = self.count(user)  # a count, or (count, note) for a page that explains its number
            count, note = found if isinstance(found, tuple) else (found, "")
            url = reverse(self.url_name)
            if self.params:  # a page of its own that filters like a list (?overdue=true)
                url = f"{url}?{urlencode(self.params(moment), doseq=True)}"
            return Shown(self.key, self.label, self.action, self.urgency, count, url, note)
        params = self.params(moment)
        rows = (personal_queryset if self.personal else list_queryset)(user, self.model, params)
        count, note, parts = self.note(rows, moment, params) if self.note else (rows.count(), "", [])
        return Shown(self.key, self.label, self.action, self.urgency, count, list_url(self.model, params), note, parts)


def list_queryset(user, model, params: dict) -> QuerySet:
    """The rows the registry list of `model` shows `user` with these filter parameters: the list's own
    FilterSet over the list's own queryset (`restrict(user)` and its selector)."""
    config = config_for(model)
    return _validated_filterset(model, _frozen(params)).filter_queryset(config.queryset(user, "view"))


def personal_queryset(user, model, params: dict) -> QuerySet:
    """As list_queryset, for a FilterSet whose filters read the requesting user (bound with him)."""
    config = config_for(model)
    filterset = filterset_for(config)(
        _query(_frozen(params)), queryset=config.queryset(user, "view"), request=SimpleNamespace(user=user)
    )
    return filterset.qs


def _query(params: tuple) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, value in params:
        data.setlist(name, list(value) if isinstance(value, tuple) else [value])
    return data


def _frozen(params: dict) -> tuple:
    return tuple(sorted((name, tuple(v) if isinstance(v, list) else v) for name, v in params.items()))


@lru_cache(maxsize=512)
def _validated_filterset(model, params: tuple):
    """The list's FilterSet bound to these parameters and validated once per process: building and
    validating its form is most of a FilterSet's cost and depends on the parameters only, while
    `filter_queryset` applies the same filters to each user's own queryset. (Parameters holding a date
    give a new entry each day; the cache's bound keeps that small.)"""
    filterset = filterset_for(config_for(model))(_query(params), queryset=model._default_manager.none())
    if not filterset.is_valid():  # the parameters are ours: a wrong one is a bug, not the user's input
        raise ValueError(f"{model.__name__} list parameters {dict(params)}: {filterset.errors}")
    return filterset


def list_url(model, params: dict) -> str:
    return f"{_list_path(model)}?{urlencode(params, doseq=True)}"


@lru_cache(maxsize=64)
def _list_path(model) -> str:
    return config_for(model).reverse("list")


# ---------------------------------------------------------------- notes (fixed queries each)


def _by_township(rows: QuerySet, moment: Moment, params: dict) -> tuple[int, str, list[Part]]:
    """Overdue hazards per township, most first: one grouped query and one for the townships' names; the
    count is their sum (every row has a township)."""
    counted = (
        rows.order_by()
        .annotate(township=Substr("region_id", 1, 9))
        .values("township")
        .annotate(n=Count("id"))
        .order_by("-n", "township")
    )
    counts = {row["township"].ljust(12, "0"): row["n"] for row in counted}
    names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name"))
    base = _list_path(HiddenHazard)
    parts = [
        # Hazards the county itself owns group under the county's code; its region filter is a subtree, so a
        # link would open every township's rows too: that line is named 县直 and opens nothing of its own.
        Part("县直（县级）", n, "")
        if code.endswith("000000")
        else Part(names.get(code, code), n, f"{base}?{urlencode({**params, 'region': code}, doseq=True)}")
        for code, n in counts.items()
    ]
    return sum(counts.values()), "", parts


def _nearest_report(rows: QuerySet, moment: Moment, params: dict) -> tuple[int, str, list[Part]]:
    """The report owed soonest among the incidents in hand, as time left (or overdue by); the count is the
    incidents read for their clocks (a handful: those being handled)."""
    clocks = [
        (incident_services.clock_from(incident, incident.sent_reports, moment.now), incident)
        # The list's selector joins the region for its column; its boundary is not needed for a clock.
        for incident in incident_selectors.with_sent_reports(rows.order_by().defer("region__boundary"))
    ]
    timed = [(clock, incident) for clock, incident in clocks if clock.due_at is not None]
    if not timed:
        return len(clocks), ("尚有终报待报" if clocks else ""), []
    clock, incident = min(timed, key=lambda pair: pair[0].due_at)
    return len(clocks), f"最近时限：{incident.title} {clock.label}{time_left(clock.due_at, moment.now)}", []


def time_left(due: dt.datetime, now: dt.datetime) -> str:
    minutes = int((due - now).total_seconds() // 60)
    if minutes < 0:
        return f"已逾期 {_duration(-minutes)}"
    return f"剩 {_duration(minutes)}"


def _duration(minutes: int) -> str:
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, rest = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} 小时" + (f" {rest} 分钟" if rest else "")
    return f"{hours // 24} 天"


def _nearest_deadline(rows: QuerySet, moment: Moment, params: dict) -> tuple[int, str, list[Part]]:
    found = rows.aggregate(n=Count("pk"), d=Min("deadline"))
    nearest = found["d"]
    if nearest is None:
        return found["n"], "", []
    days = (nearest - moment.today).days
    when = f"已逾期 {-days} 天" if days < 0 else ("今天到期" if days == 0 else f"还有 {days} 天")
    return found["n"], f"最近整改期限 {nearest:%m-%d}（{when}）", []


MAJOR_LEVEL_NAMES = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}


def _highest_grade(rows: QuerySet, moment: Moment, params: dict) -> tuple[int, str, list[Part]]:
    found = rows.aggregate(n=Count("pk"), top=Min("level"))  # 一级 is the highest grade
    level = found["top"]
    return found["n"], (f"最高等级：{MAJOR_LEVEL_NAMES.get(str(level), level)}重大危险源" if level else ""), []


def _latest(field_name: str, text: str):
    def note(rows: QuerySet, moment: Moment, params: dict) -> tuple[int, str, list[Part]]:
        found = rows.aggregate(n=Count("pk"), at=Max(field_name))
        latest = found["at"]
        return found["n"], (f"{text} {timezone.localtime(latest):%m-%d %H:%M}" if latest else ""), []

    return note


# ---------------------------------------------------------------- counts of pages of their own


def supplies_alerts(user) -> int:
    """Rows of the 库存预警 page: stock below its alert line plus batches expiring within 30 days."""
    return supply_services.low_stock_count(user) + supply_services.near_expiry(user).count()


def my_patrols_pending(user) -> int:
    """Pending rows of the phone patrol page (巡查打卡): this user's tasks of the periods containing today."""
    return patrol_selectors.my_tasks(user, timezone.localdate()).filter(status=PatrolTask.Status.PENDING).count()


# ---------------------------------------------------------------- the items


def _fixed(**params):
    return lambda moment: params


OPEN_SEVERE_ALARMS = _fixed(open="true", levels=["orange", "red"])
OPEN_ALARMS = _fixed(open="true")
ACTIVE_INCIDENTS = _fixed(active="true")
OVERDUE_HAZARDS = _fixed(overdue="true")
IN_FORCE = _fixed(in_force="true")


def _missed_yesterday(moment: Moment) -> dict:
    # The day's patrol check flags a pending task missed once its period has ended, so what it found today
    # is the tasks due yesterday (whatever their frequency: a week's task is due on its last day).
    day = moment.yesterday.isoformat()
    return {"status": PatrolTask.Status.MISSED, "due_from": day, "due_to": day}


def _unreached_recent(moment: Moment) -> dict:
    # Notices of yesterday and today: older failures are history (a warning's 重发 is offered while it is
    # in force, on its 审核签发 page), and the desk reads this first thing in the morning.
    # The responsible persons (县乡村三级): the ones who must act on a warning, the county calls them; the
    # public's unreached are counted and queued again on each warning's own 送达情况.
    return {"responsible": "true", "unreached": "true", "since": moment.yesterday.isoformat()}


def _due_today(moment: Moment) -> dict:
    day = moment.today.isoformat()
    return {"status": PatrolTask.Status.PENDING, "due_from": day, "due_to": day}


ITEMS: list[Item] = [
    # ---- county: the bureau's desk
    Item("alarms_severe", "橙色、红色报警未解除", "查看报警", COUNTY, RED, Alarm, OPEN_SEVERE_ALARMS,
         _latest("opened_at", "最新报警")),
    Item("incidents_reporting", "处置中事件（报告计时）", "去报送", COUNTY, RED, Incident, ACTIVE_INCIDENTS,
         _nearest_report),
    Item("hazards_overdue", "逾期未整改隐患", "去督办", COUNTY, RED, HiddenHazard, OVERDUE_HAZARDS, _by_township),
    Item("warnings_review", "待签发预警", "去签发", COUNTY, ORANGE, Warning, _fixed(status=Warning.Status.REVIEW)),
    Item("major_hazards_verify", "重大隐患待验收", "去验收", COUNTY, ORANGE, HiddenHazard,
         _fixed(level=HiddenHazard.Level.MAJOR, status=HiddenHazard.Status.AWAITING)),
    Item("patrols_missed", "漏巡（昨日到期未巡）", "查看漏巡", COUNTY | TOWNSHIP, ORANGE, PatrolTask,
         _missed_yesterday),
    # 叫应: responsible persons who have not acknowledged a warning in force past its level's window.
    Item("acks_overdue", "叫应超时未确认", "去督促", COUNTY, RED, Delivery, _fixed(ack_overdue="true")),
    # 送达失败: responsible persons no channel reached for a notice of the last two days (people, not rows).
    Item("deliveries_failed", "责任人送达失败（近两日）", "查看未送达", COUNTY, ORANGE, Delivery, _unreached_recent),
    Item("supplies_alerts", "物资低于预警线或临期", "查看库存预警", COUNTY, ROUTINE,
         url_name="supplies:alerts", count=supplies_alerts),
    # 灾情报送: processes whose 初报 is due or overdue, today's 续报 not yet filed, or the 核报 owed.
    Item("disaster_reports", "灾情待报送（初报/续报/核报）", "去报送", COUNTY, RED,
         url_name="disasters:process_owed", count=disaster_selectors.reports_owed_count),
    # 避险转移: open transfer lists of the county below 100 % (disasters.transfer).
    Item("transfers_open", "避险转移未完成", "查看转移", COUNTY, RED, url_name="transfer:board",
         count=lambda user: len(transfer.incomplete_open_activations(user))),
    # 处罚案件时限: open penalty cases whose statutory clock is due within 3 days or past (enforcement).
    Item("case_clocks", "处罚案件时限临期/超期", "去办理", COUNTY | DEPARTMENT, RED, url_name="enforcement:case_due",
         count=selectors_cases.pressing_count),
    # 年度监督检查计划: inspections done this year (the progress page's list) against the published plan.
    Item("enforcement_plan", "年度检查计划完成情况", "查看进度", COUNTY | DEPARTMENT, ROUTINE,
         url_name="enforcement:plan_progress", count=enforcement_plan.workbench_summary),
    # 一公开: random-inspection results past their publication deadline and not yet published.
    Item("enforcement_unpublished", "抽查结果逾期未公示", "去公示", COUNTY, ORANGE,
         params=_fixed(overdue="true"), url_name="enforcement:credit_publication",
         count=enforcement_credit.overdue_unpublished_count),
    # ---- township: its own area's loop
    Item("alarms_open", "本辖区报警未解除", "查看报警", TOWNSHIP | WATCHERS, RED, Alarm, OPEN_ALARMS,
         _latest("opened_at", "最新报警")),
    Item("hazards_assign", "新上报隐患待交办", "去交办", TOWNSHIP, ORANGE, HiddenHazard,
         _fixed(status=HiddenHazard.Status.REPORTED)),
    # A township verifies general hazards only: a major one is verified by the county (hazards.workflow).
    Item("hazards_verify", "一般隐患待验收", "去验收", TOWNSHIP, ORANGE, HiddenHazard,
         _fixed(level=HiddenHazard.Level.GENERAL, status=HiddenHazard.Status.AWAITING)),
    Item("extensions", "延期申请待审批", "去审批", TOWNSHIP, ORANGE, HiddenHazard,
         _fixed(status=HiddenHazard.Status.RECTIFYING, extension_pending="true")),
    # Orders go to teams, experts, shelters and warehouses, none of them a township's account: the orders of
    # the incidents in its area are the ones it follows up (DispatchOrder.scope_spec).
    Item("orders_open", "本辖区调度指令未完成", "查看指令", TOWNSHIP, ORANGE, DispatchOrder, _fixed(open="true")),
    Item("patrols_due", "今日到期待巡查", "查看巡查", TOWNSHIP, ROUTINE, PatrolTask, _due_today),
    Item("warnings_drafts", "本级预警草稿", "继续拟稿", TOWNSHIP, ROUTINE, Warning,
         _fixed(status=Warning.Status.DRAFT)),
    Item("warnings_submitted", "本级预警待签发", "查看进度", TOWNSHIP, ROUTINE, Warning,
         _fixed(status=Warning.Status.REVIEW)),
    Item("transfers_open_township", "本辖区避险转移未完成", "查看转移", TOWNSHIP, RED,
         url_name="transfer:board", count=lambda user: len(transfer.incomplete_open_activations(user))),
    # ---- department: what it supervises
    Item("department_tasks", "响应中的本部门任务", "去办理", DEPARTMENT, RED, ResponseTask, _fixed(active="true")),
    Item("department_overdue", "监管隐患已逾期", "去督办", DEPARTMENT, RED, HiddenHazard, OVERDUE_HAZARDS),
    Item("department_hazards", "监管隐患未销号", "查看隐患", DEPARTMENT, ORANGE, HiddenHazard, _fixed(open="true")),
    Item("sensors_offline", "本部门监测设备离线", "查看设备", DEPARTMENT, ORANGE, Sensor,
         _fixed(live_status=Sensor.LiveStatus.OFFLINE)),
    # ---- village worker (phone first)
    Item("my_patrols", "今日待巡查", "去打卡", VILLAGE, ORANGE, url_name="sites:patrols", count=my_patrols_pending),
    # The village's responsible persons asked to acknowledge a warning in force who have not yet (their SMS
    # link or reply acknowledges; the worker sees who is still silent and reminds them).
    Item("village_acks", "本村预警待叫应确认", "查看未确认", VILLAGE, RED, Delivery, _fixed(ack_waiting="true")),
    # Orders sent to this worker by name (属地人员) and not done: he reports back from each one's page.
    Item("my_orders", "下达给我的调度指令", "去反馈", VILLAGE, RED, DispatchOrder, _fixed(mine="true", open="true"),
         personal=True),
    Item("my_overdue", "隐患整改已逾期", "去整改", VILLAGE, RED, HiddenHazard, OVERDUE_HAZARDS),
    Item("my_rectify", "待整改隐患", "去整改", VILLAGE, ORANGE, HiddenHazard,
         _fixed(status=HiddenHazard.Status.RECTIFYING), _nearest_deadline),
    # 避险转移: households this worker may mark in open lists, neither transferred nor away.
    Item("my_transfers", "我负责的未转移户", "去转移", VILLAGE, RED, url_name="transfer:my_tasks",
         count=transfer.my_pending_households),
    # ---- enterprise: its own hazards, risk points and major hazard sources
    Item("enterprise_overdue", "隐患整改已逾期", "去整改", ENTERPRISE, RED, HiddenHazard, OVERDUE_HAZARDS),
    Item("enterprise_hazards", "未销号隐患", "查看隐患", ENTERPRISE, ORANGE, HiddenHazard, _fixed(open="true"),
         _nearest_deadline),
    Item("risk_reassess", "风险点待复评（超过一年）", "去评估", ENTERPRISE, ORANGE, RiskPoint,
         _fixed(reassess_due="true")),
    Item("major_sources", "构成重大危险源的单元", "查看分级", ENTERPRISE, ROUTINE, MajorHazardSource,
         _fixed(is_major="true"), _highest_grade),
    # ---- warning-driven response (issue 18): tasks of warnings in force not yet confirmed
    Item("warning_tasks", "预警任务落实", "督促落实", COUNTY, RED, url_name="alerts:my_tasks",
         count=warning_tasks.workbench_count),
    Item("my_warning_tasks", "待落实的预警任务", "去落实", DEPARTMENT | TOWNSHIP | VILLAGE, RED,
         url_name="alerts:my_tasks", count=warning_tasks.workbench_count),
    # ---- 预案 (anlan/plans): filings to check, filings owed (20 working days after 公布), evaluations due
    Item("plans_filing_check", "预案备案待审查", "去审查", COUNTY, ORANGE, url_name="plans:filing_queue",
         count=plan_status.filing_check_count),
    Item("plans_filing_due", "预案待备案/备案逾期", "查看预案", COUNTY, ORANGE, params=_fixed(status="filing_due"),
         url_name="plans:plan_list", count=plan_status.filing_due_count),
    Item("plans_evaluation_due", "预案待评估", "查看预案", COUNTY, ROUTINE, params=_fixed(status="evaluation_due"),
         url_name="plans:plan_list", count=plan_status.evaluation_due_count),
    Item("enterprise_plan_filing", "本企业预案待备案", "去报备", ENTERPRISE, ORANGE,
         params=_fixed(status="filing_due"), url_name="plans:plan_list", count=plan_status.filing_due_count),
    Item("enterprise_plan_evaluation", "本企业预案待评估", "去评估", ENTERPRISE, ROUTINE,
         params=_fixed(status="evaluation_due"), url_name="plans:plan_list", count=plan_status.evaluation_due_count),
    # ---- 考核 (anlan/kpi): the unit's sheet to self-assess, the county's sheets to review
    Item("assessment_self", "考核待自评", "去自评", TOWNSHIP | DEPARTMENT, ORANGE,
         params=_fixed(waiting="true"), url_name="kpi:assessment_schemes", count=kpi_assessment.workbench_count),
    Item("assessment_review", "考核自评待评审", "去评审", COUNTY, ORANGE,
         params=_fixed(waiting="true"), url_name="kpi:assessment_schemes", count=kpi_assessment.workbench_count),
    # ---- read-only roles: the situation they watch
    Item("incidents_active", "处置中事件", "查看事件", WATCHERS, RED, Incident, ACTIVE_INCIDENTS),
    Item("warnings_in_force", "生效中的预警", "查看预警", WATCHERS, ORANGE, Warning, IN_FORCE),
    Item("hazards_overdue_watch", "逾期未整改隐患", "查看隐患", frozenset({Role.VIEWER}), ORANGE, HiddenHazard,
         OVERDUE_HAZARDS),
    # ---- 会商研判 (issue 18): a session sitting now, its decisions still being recorded
    Item("consultations_open", "会商中", "进入会商", COUNTY, RED, params=_fixed(status=Consultation.Status.OPEN),
         url_name="consultations:list", count=open_summary),
    # 演练 (anlan/drills): units whose drill is due this quarter or late (the county's, a township its own), and
    # problems drills found that are past their deadline.
    Item("drills_due", "演练到期（本季度或已逾期）", "查看达标情况", COUNTY | TOWNSHIP, ORANGE,
         url_name="drills:compliance", params=_fixed(due="true"), count=drills.drills_due_count),
    Item("drill_problems_overdue", "演练问题整改逾期", "去督办", COUNTY | TOWNSHIP, ORANGE,
         url_name="drills:problem_list", params=_fixed(overdue="true"),
         count=lambda user: drills.problems_overdue(user).count()),
    # 培训 (anlan/training): certificates of the unit's people expiring within 90 days, and exams open now for
    # which the user is a candidate (a trainee record linked to the account), not yet passed.
    Item("certificates_expiring", "证书90天内到期", "安排复训换证", COUNTY | TOWNSHIP | DEPARTMENT | ENTERPRISE,
         ROUTINE, Certificate, _fixed(expiring="true")),
    Item("my_exams", "待参加的考试", "去考试", COUNTY | DEPARTMENT | TOWNSHIP | VILLAGE, ORANGE,
         url_name="training:my_exams", count=lambda user: training.open_exams_for(user).count()),
    # 核心指标 (anlan/kpi): indicators whose latest value misses its target (red) or is within the band (amber).
    Item("kpi_flagged", "指标预警（未达标或接近目标）", "查看指标", COUNTY, ORANGE, url_name="kpi:indicator_board",
         params=_fixed(status="flagged"), count=kpi_indicators.flagged_count),
    # 重点任务分工 (anlan/kpi): a unit's tasks (lead, cooperating, named township) due within 7 days or overdue;
    # the county's overdue tasks.
    Item("kpi_tasks_mine", "本单位重点任务（7天内到期或逾期）", "报送进展", DEPARTMENT | TOWNSHIP, ORANGE,
         url_name="kpi:task_list", params=_fixed(mine="1", due="1"), count=kpi_tasks.mine_due_count),
    # 12350 举报 (anlan/rewards): tips past their 受理 or 核查 deadline (the county's, a township its own), and
    # computed rewards waiting for the county leader's approval.
    Item("tips_overdue", "12350举报受理/核查超期", "去办理", COUNTY | TOWNSHIP, RED, Tip, _fixed(overdue="true")),
    Item("rewards_approve", "举报奖励待审批", "去审批", frozenset({Role.COUNTY_ADMIN}), ORANGE, Reward,
         _fixed(status=Reward.Status.COMPUTED)),
    Item("kpi_tasks_overdue", "重点任务逾期", "去督办", COUNTY, ORANGE,
         url_name="kpi:task_list", params=_fixed(overdue="1"), count=kpi_tasks.overdue_count),
]  # fmt: skip


def items_for(user) -> list[Item]:
    """The items of `user`'s role, most urgent first (a superuser reads the county's)."""
    role = Role.COUNTY_ADMIN if user.is_superuser else getattr(user, "role", "")
    return sorted((item for item in ITEMS if role in item.roles), key=lambda item: item.urgency)


def workbench(user, now: dt.datetime | None = None) -> list[Shown]:
    """What needs `user` now: their role's items counted in their scope, red first, then by count."""
    moment = Moment(now or timezone.now())
    shown = [item.show(user, moment) for item in items_for(user)]
    return sorted(shown, key=lambda s: (s.urgency, s.count == 0))


__all__ = ["ITEMS", "Item", "Moment", "Part", "Shown", "items_for", "list_queryset", "list_url", "workbench"]
