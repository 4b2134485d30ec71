"""What the screen review of the 地质灾害 pages found (issue 22, scripts/screenshots_geohazard.py), each as the
person who met it: a read-only seat offered 填报, an empty 检查结果, a village worker sent to the county's
campaign page, numbers without units, a card that names a 包保责任人 the household cannot call, and facts laid
out as an unstyled list."""

import pytest
from django.utils import timezone

from anlan.geohazard import services
from anlan.geohazard.models import SiteCheck
from anlan.incidents.models import GEO_DANGER
from anlan.testing.personas import persona

from .helpers import campaign, household, site

pytestmark = pytest.mark.django_db


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_campaign_page_offers_filling_in_only_to_those_who_may_and_colours_the_results(client, tree):
    site(tree.village, "T-R-1")
    site(tree.village, "T-R-2")
    c = campaign(persona("county_operator"), tree.county)
    done = c.checks.filter(township=tree.township).order_by("pk").first()
    services.check_record(
        actor=persona("county_operator"), check=done, checked_on=timezone.localdate(), state="deforming"
    )
    url = f"/geohazard/campaigns/{c.pk}/view/"

    viewer = _page(client, persona("viewer"), url)
    assert ">填报<" not in viewer and ">查看<" in viewer  # the read-only seat opens the record, no empty form
    assert 'class="badge status-running"' in viewer
    assert 'class="badge state-deforming">变形加剧<' in viewer and 'class="badge state-unchecked">未检查<' in viewer

    town = _page(client, persona("township_officer"), url)
    assert ">填报<" in town  # the township fills in its unchecked sites
    # The site's kind on its own line (not 名称（崩塌（危岩）） squeezed into a phone's narrow column).
    assert '<br><span class="small muted">滑坡</span>' in town

    # 完成 while sites are unchecked is not the page's obvious next action: it asks first and is not primary.
    county = _page(client, persona("county_operator"), url)
    unchecked = c.checks.filter(checked_on__isnull=True).count()
    assert f'data-confirm="还有 {unchecked} 处隐患点未检查，完成后不能再填报。确认完成？"' in county
    assert '<button type="submit" name="action" value="finish">完成</button>' in county


def test_the_check_list_says_unchecked_and_filters_by_it(client, tree):
    site(tree.village, "T-R-3")
    site(tree.village, "T-R-4")
    c = campaign(persona("county_operator"), tree.county)
    first, second = c.checks.filter(township=tree.township).order_by("pk")[:2]
    services.check_record(
        actor=persona("county_operator"), check=first, checked_on=timezone.localdate(), state="stable"
    )
    page = _page(client, persona("county_operator"), "/geohazard/sitecheck/")
    assert "<td>未检查</td>" in page and "<td>稳定</td>" in page
    unchecked = _page(client, persona("county_operator"), "/geohazard/sitecheck/?result=unchecked")
    assert second.site.name in unchecked and first.site.name not in unchecked
    assert '<option value="unchecked" selected>未检查</option>' in unchecked


def test_the_village_worker_returns_to_his_task_list_from_a_check(client, tree):
    site(tree.village, "T-R-5")
    c = campaign(persona("county_operator"), tree.county)
    check = SiteCheck.objects.get(campaign=c, site__code="T-R-5")
    page = _page(client, persona("village_grid_worker"), f"/geohazard/checks/{check.pk}/fill/")
    assert 'href="/geohazard/checks/mine/">返回我的三查任务' in page
    assert f'href="/geohazard/campaigns/{c.pk}/view/">返回三查工作' in _page(
        client, persona("township_officer"), f"/geohazard/checks/{check.pk}/fill/"
    )
    # A check already made is shown in a table and the form says it replaces it.
    services.check_record(
        actor=persona("village_grid_worker"), check=check, checked_on=timezone.localdate(), state="stable"
    )
    again = _page(client, persona("village_grid_worker"), f"/geohazard/checks/{check.pk}/fill/")
    assert '<table class="detail facts">' in again and "<th>检查日期</th>" in again
    assert "重新填报（保存后替换上面的检查结果）" in again and "<dl" not in again


def test_an_event_shows_its_people_with_units_on_its_record(client, tree):
    s = site(tree.village, "T-R-6", people=40)
    event = services.event_record(
        actor=persona("township_officer"),
        site=s,
        stage=GEO_DANGER,
        description="后缘裂缝贯通",
        occurred_at=timezone.now(),
        people_threatened=40,
        people_to_relocate=12,
        potential_loss_10k_yuan=30,
    )
    assert event.incident.title == f"{s.name}险情"  # the name ends in 滑坡: not 滑坡滑坡险情
    bare = site(tree.village, "T-R-6b")
    bare.name = "后山"
    assert services.event_title(bare, "灾情") == "后山滑坡灾情"
    record = _page(client, persona("county_operator"), f"/geohazard/geoevent/{event.pk}/")
    assert "受威胁人数（人）" in record
    page = _page(client, persona("county_operator"), f"/geohazard/events/{event.pk}/view/")
    assert "<th>受威胁人数</th><td>40 人</td>" in page and "<dl" not in page


def test_a_card_whose_guardian_has_no_phone_asks_for_it(client, tree):
    s = site(tree.village, "T-R-7", warning_signal="鸣锣", evacuation_route="沿村道向东")
    guardian = persona("township_officer")
    guardian.display_name, guardian.phone = "包保人", ""
    guardian.save()
    household(s, head="王守田", guardian=guardian, address="一组 3 号")
    page = _page(client, persona("county_operator"), f"/geohazard/sites/{s.pk}/cards/")
    assert "王守田户的明白卡缺少：" in page and "包保责任人电话" in page


def test_a_masked_card_page_does_not_push_printing(client, tree):
    s = site(tree.village, "T-R-8")
    household(s, head="李桂兰")
    village = _page(client, persona("village_grid_worker"), f"/geohazard/sites/{s.pk}/cards/")
    assert 'id="cards-masked"' in village and '<button type="button" data-print>打印</button>' in village
    county = _page(client, persona("county_operator"), f"/geohazard/sites/{s.pk}/cards/")
    assert '<button type="button" data-print class="primary">打印</button>' in county


def test_the_check_date_and_campaign_dates_are_filled_in_for_a_chinese_browser(client, tree):
    """A Chinese browser's locale would render 2026/12/05, which a date input cannot show: the field came up
    empty on every real phone (the English headless browser showed it)."""
    site(tree.village, "T-R-9")
    c = campaign(persona("county_operator"), tree.county)
    check = SiteCheck.objects.get(campaign=c, site__code="T-R-9")
    client.force_login(persona("village_grid_worker"))
    today = timezone.localdate()
    page = client.get(f"/geohazard/checks/{check.pk}/fill/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f'type="date" name="checked_on" value="{today:%Y-%m-%d}"' in page
    client.force_login(persona("township_officer"))
    add = client.get("/geohazard/campaigns/new/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert f'type="date" name="start" value="{today:%Y-%m-%d}"' in add
    assert "§" not in add and "取消" in add


def test_a_new_site_finding_is_titled_by_the_site_found_not_the_site_checked(client, tree):
    checked = site(tree.village, "T-R-10")
    c = campaign(persona("county_operator"), tree.county)
    check = SiteCheck.objects.get(campaign=c, site=checked)
    services.check_record(
        actor=persona("township_officer"),
        check=check,
        checked_on=timezone.localdate(),
        state="new_hazard",
        finding={
            "kind": "new_site",
            "description": "屋后切坡出现拉张裂缝",
            "site": {
                "name": "屋后不稳定斜坡",
                "kind": "unstable_slope",
                "lon": checked.lon,
                "lat": checked.lat,
                "households": 3,
                "people": 11,
            },
            "households": 3,
            "people": 11,
        },
    )
    finding = check.findings.get()
    page = _page(client, persona("county_operator"), f"/geohazard/findings/{finding.pk}/decide/")
    assert "<h1>新增隐患点：屋后不稳定斜坡 " in page and 'class="badge finding-pending"' in page
    assert f"<th>检查</th><td>{checked.name}（T-R-10）" in page


def test_a_proposed_site_leads_to_the_county_decision(client, tree):
    checked = site(tree.village, "T-R-11")
    c = campaign(persona("county_operator"), tree.county)
    check = SiteCheck.objects.get(campaign=c, site=checked)
    new = {"name": "村后斜坡", "kind": "unstable_slope", "lon": checked.lon, "lat": checked.lat}
    services.check_record(
        actor=persona("township_officer"),
        check=check,
        checked_on=timezone.localdate(),
        state="new_hazard",
        finding={"kind": "new_site", "description": "拉张裂缝", "site": {**new, "households": 2, "people": 5}},
    )
    finding = check.findings.get()
    url = f"/sites/hazardsite/{finding.proposed_site_id}/"
    county = _page(client, persona("county_operator"), url)
    assert 'id="site-proposal"' in county
    assert f'class="button primary" href="/geohazard/findings/{finding.pk}/decide/">确认或不予确认' in county
    town = _page(client, persona("township_officer"), url)
    assert f'href="/geohazard/findings/{finding.pk}/decide/">查看三查发现' in town
