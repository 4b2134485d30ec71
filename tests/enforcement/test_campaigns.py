"""专项整治: target selection, assignments, the workflow step by step, coverage, scope, pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anlan.core.errors import DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.enforcement import services_campaigns as services
from anlan.enforcement.campaign_workflow import FLOW
from anlan.enforcement.models import Campaign, CampaignAssignment, CampaignTarget

from .campaign_world import T1, T2, build_world, inspect

pytestmark = pytest.mark.django_db

START = dt.date(2026, 3, 1)


@pytest.fixture
def world(db):
    return build_world()


def new_campaign(world, *, region=None, industry="", risk_flag="is_dust_explosive", assign_by="department"):
    return services.campaign_create(
        actor=world.users["county"],
        campaign=Campaign(
            name="粉尘涉爆专项整治",
            region=region or world.county,
            industry=industry,
            risk_flag=risk_flag,
            starts_on=START,
            ends_on=START + dt.timedelta(days=90),
            assign_by=assign_by,
        ),
    )


def shares(campaign) -> dict[str, int]:
    out = {}
    for a in CampaignAssignment.objects.filter(campaign=campaign).select_related("department", "township"):
        out[a.department.name if a.department_id else a.township.name] = a.target
    return out


def target_names(campaign) -> set[str]:
    return set(CampaignTarget.objects.filter(campaign=campaign).values_list("enterprise__name", flat=True))


# ---------------------------------------------------------------- targets and assignments


def test_targets_are_the_region_enterprises_with_the_flag(world):
    campaign = new_campaign(world)
    assert {e.name for e in services.target_enterprises(campaign)} == {"e1企业", "e2企业", "e5企业", "e6企业", "e7企业"}


def test_targets_narrowed_by_industry_and_township(world):
    by_industry = new_campaign(world, industry="30")
    assert {e.name for e in services.target_enterprises(by_industry)} == {"e1企业", "e2企业"}
    in_t2 = new_campaign(world, region=world.t2)
    assert {e.name for e in services.target_enterprises(in_t2)} == {"e5企业", "e6企业", "e7企业"}
    industry_only = new_campaign(world, industry="13", risk_flag="")
    assert {e.name for e in services.target_enterprises(industry_only)} == {"e3企业", "e7企业"}


def test_targets_in_one_query(world):
    campaign = new_campaign(world)
    with CaptureQueriesContext(connection) as queries:
        list(services.target_enterprises(campaign))
    assert len(queries) == 1


def test_a_campaign_needs_an_industry_or_a_flag(world):
    with pytest.raises(Exception) as refused:
        new_campaign(world, industry="", risk_flag="")
    assert "请至少选择行业或风险特征" in str(refused.value)
    assert not Campaign.objects.filter(region=world.county).exists()


def test_assign_by_department_falls_back_to_the_township(world):
    campaign = new_campaign(world)
    assignments = services.campaign_assign(actor=world.users["county"], campaign=campaign)
    assert shares(campaign) == {"邻县应急管理局": 2, "邻县市场监管局": 1, "甲镇": 1, "乙镇": 1}
    assert sum(a.target for a in assignments) == 5 == CampaignTarget.objects.filter(campaign=campaign).count()
    # every target in exactly one assignment, and each assignment's target equals its rows
    for a in CampaignAssignment.objects.filter(campaign=campaign):
        assert a.targets.count() == a.target
    assert target_names(campaign) == {"e1企业", "e2企业", "e5企业", "e6企业", "e7企业"}


def test_assign_by_township(world):
    campaign = new_campaign(world, assign_by="township")
    services.campaign_assign(actor=world.users["county"], campaign=campaign)
    assert shares(campaign) == {"甲镇": 2, "乙镇": 3}
    assert CampaignAssignment.objects.filter(campaign=campaign, department__isnull=False).count() == 0


def test_assign_again_replaces_the_assignments(world):
    campaign = new_campaign(world)
    services.campaign_assign(actor=world.users["county"], campaign=campaign)
    world.e["e4"].is_dust_explosive = True
    world.e["e4"].save()
    services.campaign_assign(actor=world.users["county"], campaign=campaign)
    assert shares(campaign) == {"邻县应急管理局": 3, "邻县市场监管局": 1, "甲镇": 1, "乙镇": 1}
    assert CampaignTarget.objects.filter(campaign=campaign).count() == 6
    entry = AuditEntry.objects.filter(action="campaign_assign", object_id=str(campaign.pk)).latest("id")
    assert entry.after["targets"] == 6 and entry.after["replaced_assignments"] == 4


# ---------------------------------------------------------------- the workflow, step by step


def test_start_needs_assignments(world):
    campaign = new_campaign(world)
    with pytest.raises(DomainError) as refused:
        services.campaign_start(actor=world.users["county"], campaign=campaign)
    assert refused.value.code == "campaign.no_assignments"
    assert not FLOW.can(world.users["county"], campaign, "start")
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_only_the_county_runs_a_campaign(world):
    campaign = new_campaign(world)
    for name in ("t1", "yj"):
        with pytest.raises(NotAllowed):
            services.campaign_assign(actor=world.users[name], campaign=campaign)
    services.campaign_assign(actor=world.users["county"], campaign=campaign)
    with pytest.raises(NotAllowed):
        services.campaign_start(actor=world.users["t1"], campaign=campaign)
    with pytest.raises(NotAllowed):
        services.campaign_create(
            actor=world.users["t1"],
            campaign=Campaign(name="x", region=world.t1, risk_flag="is_dust_explosive", starts_on=START, ends_on=START),
        )


def test_steps_draft_active_closed(world):
    county = world.users["county"]
    campaign = new_campaign(world)
    services.campaign_assign(actor=county, campaign=campaign)
    assert [t.action for t in FLOW.allowed(county, campaign)] == ["assign", "start"]
    campaign = services.campaign_start(actor=county, campaign=campaign)
    assert campaign.status == "active"
    # no more assigning nor starting once active
    with pytest.raises(DomainError) as refused:
        services.campaign_assign(actor=county, campaign=campaign)
    assert refused.value.code == "campaign.transition_not_allowed"
    with pytest.raises(DomainError):
        services.campaign_start(actor=county, campaign=campaign)
    # closing needs the summary
    with pytest.raises(DomainError) as refused:
        services.campaign_close(actor=county, campaign=campaign, summary="   ")
    assert refused.value.code == "campaign.summary_required" and refused.value.field == "summary"
    campaign.refresh_from_db()
    assert campaign.status == "active" and campaign.summary == ""
    campaign = services.campaign_close(actor=county, campaign=campaign, summary="  已完成。 ")
    assert campaign.status == "closed" and campaign.summary == "已完成。" and campaign.closed_at
    with pytest.raises(DomainError) as refused:
        services.campaign_close(actor=county, campaign=campaign, summary="again")
    assert refused.value.code == "campaign.transition_not_allowed"
    assert set(
        AuditEntry.objects.filter(object_id=str(campaign.pk), object_type="enforcement.campaign").values_list(
            "action", flat=True
        )
    ) >= {
        "create",
        "campaign_assign",
        "campaign_start",
        "campaign_close",
    }


def test_close_from_draft_refused(world):
    campaign = new_campaign(world)
    with pytest.raises(DomainError) as refused:
        services.campaign_close(actor=world.users["county"], campaign=campaign, summary="总结")
    assert refused.value.code == "campaign.transition_not_allowed"


# ---------------------------------------------------------------- coverage


@pytest.fixture
def running(world):
    campaign = new_campaign(world)
    services.campaign_assign(actor=world.users["county"], campaign=campaign)
    services.campaign_start(actor=world.users["county"], campaign=campaign)
    day = START + dt.timedelta(days=5)
    inspect(world.e["e1"], day, campaign=campaign, findings=(("general", "closed"), ("major", "rectifying")))
    inspect(world.e["e1"], day + dt.timedelta(days=20), campaign=campaign)
    inspect(world.e["e6"], day, campaign=campaign, findings=(("general", None),))
    inspect(world.e["e2"], day, findings=(("major", "reported"),))  # not of the campaign: not counted
    return campaign


def figures(lines) -> dict[str, tuple]:
    return {
        line.label: (line.target, line.inspected, line.inspections, line.findings, line.major, line.closed)
        for line in lines
    }


def test_coverage_counts_the_campaign_inspections(world, running):
    lines, total = services.coverage(world.users["county"], running)
    assert figures(lines) == {
        "邻县应急管理局": (2, 1, 2, 2, 1, 1),
        "邻县市场监管局": (1, 1, 1, 1, 0, 0),
        "甲镇": (1, 0, 0, 0, 0, 0),
        "乙镇": (1, 0, 0, 0, 0, 0),
    }
    assert (total.target, total.inspected, total.inspections, total.findings, total.major, total.closed) == (
        5,
        2,
        3,
        3,
        1,
        1,
    )
    assert total.rate == "40.0%" and total.open == 2
    assert {t.enterprise.name for t in services.uninspected(world.users["county"], running)} == {
        "e2企业",
        "e5企业",
        "e7企业",
    }


def test_coverage_query_count_is_fixed(world, running):
    with CaptureQueriesContext(connection) as before:
        services.coverage(world.users["county"], running)
    for name in ("e5", "e7"):
        inspect(world.e[name], START, campaign=running, findings=(("general", "closed"),) * 3)
    with CaptureQueriesContext(connection) as after:
        lines, _ = services.coverage(world.users["county"], running)
    assert len(before) == len(after) == 2
    assert figures(lines)["乙镇"] == (1, 1, 1, 3, 0, 3)


def test_coverage_scope(world, running):
    # a township sees the part of each assignment that lies in it
    lines, _ = services.coverage(world.users["t1"], running)
    assert figures(lines) == {"邻县应急管理局": (1, 1, 2, 2, 1, 1), "甲镇": (1, 0, 0, 0, 0, 0)}
    assert {t.enterprise.name for t in services.uninspected(world.users["t1"], running)} == {"e2企业"}
    # a department its own assignment only
    lines, _ = services.coverage(world.users["sj"], running)
    assert figures(lines) == {"邻县市场监管局": (1, 1, 1, 1, 0, 0)}
    assert list(services.uninspected(world.users["sj"], running)) == []
    # the demo county's officers see nothing of 邻县's campaign
    from anlan.testing.personas import persona

    assert services.coverage(persona("county_operator"), running)[0] == []


def test_draft_summary_from_the_figures(world, running):
    lines, total = services.coverage(world.users["county"], running)
    text = services.draft_summary(running, lines, total, today=dt.date(2026, 5, 1))
    assert text.startswith("粉尘涉爆专项整治于2026年03月01日至2026年05月30日在邻县开展，整治对象为粉尘涉爆企业共5家。")
    assert "已检查2家，覆盖率40.0%，共开展检查3次，发现问题隐患3项（其中重大事故隐患1项），已整改销号1项" in text
    assert "邻县应急管理局应查2家、已查1家" in text
    assert "尚有3家企业未检查" in text


def test_my_assignments_per_campaign(world, running):
    mine = services.my_assignments(world.users["t2"], [running])
    assert (mine[running.pk].target, mine[running.pk].inspected) == (3, 1)


# ---------------------------------------------------------------- pages


def test_campaign_page_lists_coverage_and_the_uninspected(client, world, running):
    client.force_login(world.users["t2"])
    page = client.get(f"/enforcement/campaigns/{running.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/enforcement/inspections/start/?campaign={running.pk}&amp;enterprise={world.e['e5'].pk}" in html
    assert "e2企业" not in html  # another township's enterprise
    assert "总结结束" not in html  # the county's step only
    listing = client.get("/enforcement/campaigns/")
    assert "1 / 3 家" in listing.content.decode()


def test_campaign_pages_refuse_enterprise_users_and_foreign_ids(client, world, running):
    client.force_login(world.users["enterprise"])
    assert client.get(f"/enforcement/campaigns/{running.pk}/").status_code == 403
    from anlan.testing.personas import persona

    client.force_login(persona("county_operator"))
    assert client.get(f"/enforcement/campaigns/{running.pk}/").status_code == 404
    assert client.post(f"/enforcement/campaigns/{running.pk}/start/").status_code == 404


def test_create_assign_start_close_through_the_pages(client, world):
    client.force_login(world.users["county"])
    data = {
        "name": "有限空间作业专项整治",
        "region": world.county.pk,
        "industry": "",
        "risk_flag": "",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "assign_by": "township",
    }
    refused = client.post("/enforcement/campaigns/add/", data)
    assert refused.status_code == 400 and "请至少选择行业或风险特征" in refused.content.decode()
    data["risk_flag"] = "has_confined_space"
    created = client.post("/enforcement/campaigns/add/", data)
    campaign = Campaign.objects.get(name="有限空间作业专项整治", region=world.county)
    assert created.status_code == 302 and created["Location"] == f"/enforcement/campaigns/{campaign.pk}/"
    draft_page = client.get(created["Location"]).content.decode()
    assert f'action="/enforcement/campaigns/{campaign.pk}/assign/"' in draft_page
    assert 'id="campaign-start"' not in draft_page  # not offered before the assignments
    client.post(f"/enforcement/campaigns/{campaign.pk}/assign/")
    assert shares(campaign) == {"甲镇": 1, "乙镇": 1}
    assigned_page = client.get(f"/enforcement/campaigns/{campaign.pk}/").content.decode()
    assert 'id="campaign-start"' in assigned_page and "重新生成任务分配" in assigned_page
    client.post(f"/enforcement/campaigns/{campaign.pk}/start/")
    campaign.refresh_from_db()
    assert campaign.status == "active"
    close_page = client.get(f"/enforcement/campaigns/{campaign.pk}/close/")
    assert "整治对象为有限空间作业企业共2家" in close_page.content.decode()
    empty = client.post(f"/enforcement/campaigns/{campaign.pk}/close/", {"summary": ""})
    assert empty.status_code == 400
    client.post(f"/enforcement/campaigns/{campaign.pk}/close/", {"summary": "两家均未检查，转入日常检查。"})
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.summary == "两家均未检查，转入日常检查。"
    detail = client.get(f"/enforcement/campaigns/{campaign.pk}/")
    assert "两家均未检查" in detail.content.decode()


def test_township_cannot_take_steps_through_the_pages(client, world, running):
    client.force_login(world.users["t1"])
    assert client.get(f"/enforcement/campaigns/{running.pk}/close/").status_code == 403
    assert client.post(f"/enforcement/campaigns/{running.pk}/assign/").status_code == 403
    assert client.get("/enforcement/campaigns/add/").status_code == 403


def test_coverage_export_opens(client, world, running):
    import io

    import openpyxl

    client.force_login(world.users["county"])
    response = client.get(f"/enforcement/campaigns/{running.pk}/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("任务单位", "应检查（家）", "已检查（家）")
    assert rows[-1][:3] == ("合计", 5, 2)


def test_assignment_label_for_the_county_itself(world):
    assert T1 != T2
    a = CampaignAssignment(campaign=Campaign(name="x"), township=world.county, target=1)
    assert services.assignment_label(a) == "县直（县级）"


def test_campaign_page_query_count_is_fixed(client, world, running):
    client.force_login(world.users["county"])
    url = f"/enforcement/campaigns/{running.pk}/"
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    inspect(world.e["e5"], START, campaign=running, findings=(("major", "closed"),) * 2)
    inspect(world.e["e7"], START, campaign=running)
    inspect(world.e["e2"], START, campaign=running)
    with CaptureQueriesContext(connection) as after:
        page = client.get(url)
    assert len(after) == len(before)
    assert "对象企业均已检查" in page.content.decode()
