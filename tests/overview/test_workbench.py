"""The 工作台 per role: only the role's items, in its scope, each count equal to the list it opens, red first,
and a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.accounts.models import User
from anlan.core.roles import Role
from anlan.geo.models import Region
from anlan.hazards.models import HiddenHazard
from anlan.overview.items import ITEMS, RED, items_for, workbench
from anlan.sites.models import HazardSite, PatrolRule, PatrolTask
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

PERSONAS = [
    "county_admin",
    "county_operator",
    "department_operator",
    "township_officer",
    "village_grid_worker",
    "enterprise_user",
    "team_leader",
    "viewer",
]

# What each role is offered (issue 15, item 1); team_leader and viewer watch the situation (docs/overview.md).
EXPECTED_KEYS = {
    Role.COUNTY_ADMIN: {
        *("alarms_severe", "incidents_reporting", "hazards_overdue", "warnings_review", "major_hazards_verify"),
        *("patrols_missed", "supplies_alerts", "acks_overdue", "deliveries_failed", "transfers_open"),
        "disaster_reports",  # 灾情待报送 (anlan/disasters)
        "enforcement_plan",  # 年度检查计划完成情况 (anlan/enforcement)
        "case_clocks",  # 处罚案件时限 (anlan/enforcement)
        "enforcement_unpublished",  # 抽查结果逾期未公示 (anlan/enforcement, 一公开)
        "warning_tasks",  # 预警任务落实 (anlan/alerts/tasks.py, issue 18)
        "consultations_open",  # 会商中 (anlan/consultations)
        *("plans_filing_check", "plans_filing_due", "plans_evaluation_due"),  # 预案 (anlan/plans)
        *("drills_due", "drill_problems_overdue"),  # 演练到期, 演练问题整改逾期 (anlan/drills)
        *("certificates_expiring", "my_exams"),  # 证书到期, 待参加的考试 (anlan/training)
        "kpi_flagged",  # 指标预警 (anlan/kpi)
        "assessment_review",  # 考核自评待评审 (anlan/kpi)
        "kpi_tasks_overdue",  # 重点任务逾期 (anlan/kpi)
        *("tips_overdue", "rewards_approve"),  # 12350举报超期, 举报奖励待审批 (anlan/rewards)
    },
    Role.TOWNSHIP_OPERATOR: {
        *("alarms_open", "hazards_assign", "hazards_verify", "extensions", "patrols_due", "patrols_missed"),
        *("warnings_drafts", "warnings_submitted", "orders_open", "transfers_open_township"),
        "my_warning_tasks",
        *("drills_due", "drill_problems_overdue"),  # 演练 (anlan/drills)
        *("certificates_expiring", "my_exams"),  # 培训 (anlan/training)
        "assessment_self",  # 考核待自评 (anlan/kpi)
        "kpi_tasks_mine",  # 本单位重点任务临期或逾期 (anlan/kpi)
        "tips_overdue",  # 本辖区12350举报超期 (anlan/rewards)
    },
    Role.DEPARTMENT_OPERATOR: {
        *("department_tasks", "department_overdue", "department_hazards", "sensors_offline", "enforcement_plan"),
        "case_clocks",  # 处罚案件时限 (anlan/enforcement)
        "my_warning_tasks",
        *("certificates_expiring", "my_exams"),  # 培训 (anlan/training)
        "assessment_self",  # 考核待自评 (anlan/kpi)
        "kpi_tasks_mine",  # 本单位重点任务临期或逾期 (anlan/kpi)
    },
    Role.VILLAGE_WORKER: {
        *("village_acks", "my_patrols", "my_overdue", "my_rectify", "my_orders", "my_transfers"),
        "my_warning_tasks",
        "my_exams",  # 待参加的考试 (anlan/training)
    },
    Role.ENTERPRISE_USER: {
        *("enterprise_overdue", "enterprise_hazards", "risk_reassess", "major_sources"),
        *("enterprise_plan_filing", "enterprise_plan_evaluation"),  # 本企业预案 (anlan/plans)
        "certificates_expiring",  # 本企业人员证书到期 (anlan/training)
    },
    Role.TEAM_LEADER: {"alarms_open", "incidents_active", "warnings_in_force"},
    Role.VIEWER: {"alarms_open", "incidents_active", "warnings_in_force", "hazards_overdue_watch"},
}
# The county's leader (its administrator) approves rewards; the operators compute and pay them.
EXPECTED_KEYS[Role.COUNTY_OPERATOR] = EXPECTED_KEYS[Role.COUNTY_ADMIN] - {"rewards_approve"}


def rows_of(page) -> int:
    """How many rows the page a 工作台 item opens lists (the kit list's paginator, or the 库存预警 tables)."""
    context = page.context
    if "page" in context:
        return context["page"].paginator.count
    if "transfer_rows" in context:  # 避险转移: the lists below 100 %, the households still to reach
        return context["transfer_rows"]
    if "open_rows" in context:  # 我的预警任务: the open tasks of warnings in force
        return len(context["open_rows"])
    if "my_exams" in context:  # 我的考试: exams open now for this candidate
        return len(context["my_exams"])
    if "waiting_sheets" in context:  # 考核: the sheets to self-assess or to review
        return len(context["waiting_sheets"])
    if "pending" in context:  # the phone patrol page: the tasks still to walk
        return len(context["pending"])
    if "kpi_rows" in context:  # 指标看板: the indicators listed (?status=flagged: red and amber)
        return context["kpi_rows"]
    if "rows" in context and "low" not in context:  # 重点任务分工: the tasks listed
        return len(context["rows"])
    return len(context["low"]) + len(list(context["expiring"]))


def shown_items(client, name):
    client.force_login(persona(name))
    page = client.get("/")
    assert page.status_code == 200
    return page, [*page.context["todo"], *page.context["calm"]]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_each_role_sees_its_items_and_each_count_is_the_list_it_opens(client, busy, name):
    page, items = shown_items(client, name)
    assert any(item.count for item in items), "the busy day leaves something on every 工作台"
    user = persona(name)
    assert {item.key for item in items} == EXPECTED_KEYS[user.role]
    text = page.content.decode()
    for item in items:
        opened = client.get(item.url)
        assert opened.status_code == 200, item.url
        assert rows_of(opened) == item.count, (item.key, item.url)
        for part in item.parts:
            if part.url:
                assert rows_of(client.get(part.url)) == part.count, (item.key, part.url)
            else:  # the county's own hazards: no subtree link would list only them
                assert part.name == "县直（县级）"
        if item.count:
            assert f'href="{item.url.replace("&", "&amp;")}"' in text and item.label in text


@pytest.mark.django_db
def test_items_are_ordered_red_first_and_zero_items_are_set_aside(client):
    page, _ = shown_items(client, "county_operator")
    todo = page.context["todo"]
    assert all(item.count for item in todo) and not any(item.count for item in page.context["calm"])
    assert [item.urgency for item in todo] == sorted(item.urgency for item in todo)
    assert items_for(persona("county_operator"))[0].urgency == RED


def _overdue_hazard(region, title="逾期测试隐患", **extra) -> HiddenHazard:
    # Written below the service on purpose: a deadline in the past is refused when set through the forms.
    fields = {
        "level": HiddenHazard.Level.GENERAL,
        "status": HiddenHazard.Status.RECTIFYING,
        "deadline": timezone.localdate() - dt.timedelta(days=3),
        **extra,
    }
    return HiddenHazard.objects.create(title=title, description="测试", region=region, **fields)


@pytest.mark.django_db
def test_counts_stay_within_the_users_scope(client, tree):
    before = {s.key: s.count for s in workbench(persona("township_officer"))}
    _overdue_hazard(tree.other_village, status=HiddenHazard.Status.REPORTED)
    HiddenHazard.objects.create(
        title="本乡新隐患", description="测试", region=tree.village, level=HiddenHazard.Level.GENERAL,
        deadline=timezone.localdate() + dt.timedelta(days=10),
    )  # fmt: skip
    after = {s.key: s.count for s in workbench(persona("township_officer"))}
    assert after["hazards_assign"] == before["hazards_assign"] + 1  # only the one in its own township
    expected = HiddenHazard.objects.filter(region__code__startswith=tree.township.code[:9], status="reported")
    assert after["hazards_assign"] == expected.count()


@pytest.mark.django_db
def test_overdue_hazards_are_broken_down_by_township(client, tree):
    for _ in range(3):
        _overdue_hazard(tree.village)
    _overdue_hazard(tree.other_village)
    item = next(s for s in workbench(persona("county_operator")) if s.key == "hazards_overdue")
    by_name = {part.name: part.count for part in item.parts}
    overdue = HiddenHazard.objects.filter(deadline__lt=timezone.localdate()).exclude(status="closed")
    assert by_name[tree.township.name] == overdue.filter(region__code__startswith=tree.township.code[:9]).count()
    assert sum(by_name.values()) == item.count
    counts = [part.count for part in item.parts]
    assert counts == sorted(counts, reverse=True)


@pytest.mark.django_db
def test_the_running_report_clock_shows_the_time_left(client, tree):
    from anlan.incidents import services
    from anlan.incidents.models import Incident
    from anlan.plans.models import IncidentKind

    now = timezone.now()
    kind = IncidentKind.objects.filter(first_report_minutes__gt=0).order_by("pk").first()
    Incident.objects.filter(status__in=("received", "responding")).update(status="closed")
    incident = services.incident_create(
        actor=persona("county_operator"),
        incident=Incident(
            title="某村山体滑坡",
            description="山体滑坡，暂无伤亡",
            kind=kind,
            region=tree.village,
            occurred_at=now,
            received_at=now,
        ),
    )
    item = next(s for s in workbench(persona("county_operator"), now=now) if s.key == "incidents_reporting")
    assert item.count == 1
    assert f"{incident.title} 首报剩 " in item.note
    later = now + dt.timedelta(minutes=kind.first_report_minutes + 5)
    item = next(s for s in workbench(persona("county_operator"), now=later) if s.key == "incidents_reporting")
    assert "首报已逾期 5 分钟" in item.note


@pytest.mark.django_db
def test_a_user_with_nothing_to_do_reads_a_calm_line(client, tree):
    quiet = Region.objects.filter(level="village").exclude(code__startswith=tree.township.code[:9])
    used = set(HiddenHazard.objects.values_list("region_id", flat=True)) | set(
        HazardSite.objects.values_list("region_id", flat=True)
    )
    village = next(r for r in quiet.order_by("code") if r.code not in used)
    user = User.objects.create(username="quiet_worker", role=Role.VILLAGE_WORKER, region=village)
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "当前无待办" in page
    assert 'id="todo"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["county_operator", "township_officer", "village_grid_worker", "enterprise_user"])
def test_the_workbench_makes_a_fixed_number_of_queries(client, tree, name):
    client.force_login(persona(name))
    client.get("/")  # warm per-process caches (menus, county extents)
    with count_queries() as first:
        assert client.get("/").status_code == 200
    _many_rows(tree, persona(name))
    with count_queries() as second:
        assert client.get("/").status_code == 200
    assert len(second) == len(first), [q["sql"][:120] for q in second.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["county_operator", "township_officer"])
def test_the_workbench_reads_no_region_boundary(client, name):
    """The header and the page name the user's area; a boundary is a GeoJSON of tens of kilobytes that the
    page never draws, and parsing it on each request made most of the county page's time and its GC pauses."""
    user = persona(name)
    client.force_login(user)
    with count_queries() as queries:
        response = client.get("/")
    assert response.status_code == 200
    assert Region.objects.get(code=user.region_id).name in response.content.decode()  # still named
    assert not [q["sql"][:160] for q in queries.captured_queries if '"geo_region"."boundary"' in q["sql"]]


def _many_rows(tree, user) -> None:
    """Dozens of overdue hazards over several townships and villages, and patrols due and missed."""
    villages = list(Region.objects.filter(level="village").order_by("code")[:40])
    for village in [*villages, tree.village]:
        _overdue_hazard(village, enterprise=user.enterprise if user.enterprise_id else None)
        _overdue_hazard(village, status=HiddenHazard.Status.REPORTED)
    rule = PatrolRule.objects.order_by("pk").first()
    today = timezone.localdate()
    sites = list(HazardSite.objects.order_by("pk")[:30])
    PatrolTask.objects.bulk_create(
        [
            PatrolTask(site=site, rule=rule, tier=rule.tier, period_start=day, due=day, status=status)
            for site in sites
            for day, status in ((today - dt.timedelta(days=1), "missed"), (today, "pending"))
        ],
        ignore_conflicts=True,
    )


def test_every_item_names_a_role_and_a_list():
    for item in ITEMS:
        assert item.roles and item.label and item.action
        assert (item.model is None) == bool(item.url_name)


@pytest.mark.django_db
def test_the_township_sees_the_alarms_of_its_own_area_still_in_force(busy):
    from anlan.monitoring.models import Alarm

    item = next(s for s in workbench(persona("township_officer")) if s.key == "alarms_open")
    mine = Alarm.objects.filter(sensor__region__code__startswith=busy.township.code[:9]).exclude(status="closed")
    assert item.count == mine.count() >= 2  # the red one raised and the orange one acknowledged, not the closed one


@pytest.mark.django_db
def test_the_county_sees_orange_and_red_alarms_of_every_township(busy):
    from anlan.monitoring.models import Alarm

    item = next(s for s in workbench(persona("county_operator")) if s.key == "alarms_severe")
    severe = Alarm.objects.filter(level__in=("orange", "red")).exclude(status="closed")
    assert item.count == severe.count() >= 3


@pytest.mark.django_db
@pytest.mark.parametrize("name", PERSONAS)
def test_the_workbench_opens_only_pages_the_menu_offers(client, name):
    page, items = shown_items(client, name)
    menu = {url for _, links in page.context["nav_groups"] for _, url in links}
    assert {item.url.split("?")[0] for item in items} <= menu
    assert "1 报警" not in page.content.decode() and "<h1" in page.content.decode()
