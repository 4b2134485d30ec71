"""三查 campaigns as the county and a township run them: every geological site of the area listed per township,
progress per township, the workflow, assignment, the 排查表 in Excel, the reminder before the end date, and a
township seeing only its own sites."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.geohazard import services
from anlan.geohazard.models import Campaign, SiteCheck
from anlan.inbox.models import Notification
from anlan.sites.models import GEOLOGICAL, HazardSite
from anlan.testing.personas import persona

from .helpers import campaign, site

pytestmark = pytest.mark.django_db


def _geological(prefix):
    return HazardSite.objects.filter(status="active", kind__in=GEOLOGICAL, region__pk__startswith=prefix)


def test_a_county_campaign_lists_every_geological_site_by_township_and_counts_progress(tree):
    county = persona("county_operator")
    site(tree.village, "T-GEO-1")
    site(tree.other_village, "T-GEO-2")
    site(tree.village, "T-FLOOD", kind="flash_flood")  # not a geological site: not in the 三查
    c = campaign(county, tree.county)
    assert c.status == Campaign.Status.RUNNING
    assert c.checks.count() == _geological(tree.county.code[:6]).count()
    assert not c.checks.filter(site__kind="flash_flood").exists()
    ours = c.checks.filter(township=tree.township).order_by("pk")
    for check in ours[:1]:
        services.check_record(actor=county, check=check, checked_on=timezone.localdate(), state="stable")
    rows = {r["code"]: r for r in services.progress(c, county)}
    mine = rows[tree.township.code]
    assert (mine["checked"], mine["total"]) == (1, _geological(tree.township.code[:9]).count())
    assert rows[tree.other_township.code]["checked"] == 0
    total = services.totals(list(rows.values()))
    assert total["checked"] == 1 and total["total"] == c.checks.count()


def test_progress_is_one_query_and_the_campaign_page_a_fixed_number(client, tree, django_assert_max_num_queries):
    county = persona("county_operator")
    for n in range(6):
        site(tree.village if n % 2 else tree.other_village, f"T-Q-{n}")
    c = campaign(county, tree.county)
    with django_assert_max_num_queries(1):
        services.progress(c, county)
    client.force_login(county)
    with django_assert_max_num_queries(30):
        page = client.get(f"/geohazard/campaigns/{c.pk}/view/")
    assert page.status_code == 200 and "T-Q-5" in page.content.decode()
    with django_assert_max_num_queries(30):
        assert client.get("/geohazard/sitecheck/").status_code == 200


def test_a_township_sees_only_its_own_sites_of_the_county_campaign(client, tree):
    site(tree.village, "T-OURS")
    site(tree.other_village, "T-THEIRS")
    c = campaign(persona("county_operator"), tree.county)
    officer = persona("township_officer")
    rows = services.progress(c, officer)
    assert [r["code"] for r in rows] == [tree.township.code]
    client.force_login(officer)
    page = client.get(f"/geohazard/campaigns/{c.pk}/view/").content.decode()
    assert "T-OURS" in page and "T-THEIRS" not in page
    theirs = c.checks.get(site__code="T-THEIRS")
    assert client.get(f"/geohazard/checks/{theirs.pk}/fill/").status_code == 404
    # … and cannot start, finish or archive the county's campaign.
    response = client.post(f"/geohazard/campaigns/{c.pk}/step/", {"action": "finish"}, follow=True)
    assert Campaign.objects.get(pk=c.pk).status == Campaign.Status.RUNNING
    assert "组织单位" in response.content.decode()


def test_the_workflow_runs_draft_running_done_archived_and_refuses_a_start_without_sites(tree):
    county = persona("county_operator")
    c = campaign(county, tree.county, run=False)
    assert c.status == Campaign.Status.DRAFT
    for action, status in (("start", "running"), ("finish", "done"), ("archive", "archived")):
        c = services.campaign_step(actor=county, campaign=c, action=action)
        assert c.status == status
    with pytest.raises(DomainError, match="不能“启动”"):
        services.campaign_step(actor=county, campaign=c, action="start")
    SiteCheck.objects.all().delete()
    HazardSite.objects.filter(kind__in=GEOLOGICAL).update(status="removed")
    empty = campaign(county, tree.township, run=False)
    with pytest.raises(DomainError, match="没有地质灾害隐患点"):
        services.campaign_step(actor=county, campaign=empty, action="start")


def test_assigning_a_township_inspector_and_the_reminder_before_the_end_date(tree):
    county = persona("county_operator")
    site(tree.village, "T-R-1")
    c = campaign(county, tree.county, end_in_days=3)
    worker = persona("village_grid_worker")
    count = services.assign(actor=county, campaign=c, township_code=tree.township.code, inspector=worker)
    assert count == c.checks.filter(township=tree.township).count()
    with pytest.raises(DomainError, match="该乡镇或其村"):
        services.assign(actor=county, campaign=c, township_code=tree.other_township.code, inspector=worker)
    today = timezone.localdate()
    assert "已发送" in services.reminder_job(today)
    notes = Notification.objects.filter(category="geo_campaign")
    assert notes.filter(recipient=worker, title__contains="还有 3 天截止").exists()
    assert notes.filter(recipient=persona("township_officer")).exists()
    assert not notes.filter(
        recipient=persona("other_township_officer"), body__contains=f"{tree.township.name}"
    ).exists()
    sent = notes.count()
    services.reminder_job(today)  # a second run the same day sends nothing again
    assert notes.count() == sent
    assert services.reminder_job(today + dt.timedelta(days=1)) == "无需提醒"  # 2 days before: not a reminder day


def test_the_excel_export_is_the_campaigns_inspection_table(client, tree):
    county = persona("county_operator")
    site(tree.village, "T-X-1")
    c = campaign(county, tree.county)
    check = c.checks.get(site__code="T-X-1")
    services.check_record(
        actor=county, check=check, checked_on=timezone.localdate(), state="deforming", measures="设置警示牌，加密巡查"
    )
    client.force_login(county)
    response = client.get(f"/geohazard/campaigns/{c.pk}/view/?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("隐患点编号", "隐患点名称", "类型")
    row = next(r for r in rows if r[0] == "T-X-1")
    assert row[9] == "变形加剧" and row[10] == "设置警示牌，加密巡查"
    assert len(rows) == c.checks.count() + 1


def test_creating_a_campaign_from_the_page(client, tree):
    client.force_login(persona("township_officer"))
    site(tree.village, "T-P-1")
    today = timezone.localdate()
    response = client.post(
        "/geohazard/campaigns/new/",
        {
            "kind": "pre",
            "year": today.year,
            "title": "汛前排查",
            "region": tree.township.code,
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=20)).isoformat(),
        },
        follow=True,
    )
    c = Campaign.objects.get(title="汛前排查")
    assert "请分配检查人后启动" in response.content.decode()
    assert c.checks.filter(site__code="T-P-1").exists()
    assert not c.checks.exclude(township=tree.township).exists()
