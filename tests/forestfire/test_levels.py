"""Danger levels: the bulk entry (all or nothing), the feed with a token, the one-click draft 森林火险 warning
at or above the county's warning level, and scope (a township sees its own townships' levels only)."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from anlan.alerts.models import Warning
from anlan.core.errors import DomainError
from anlan.forestfire import services
from anlan.forestfire.models import DangerLevel, ForestFireSetting
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

# A day the demo county has no levels for (it loads the last week's and tomorrow's).
DAY = timezone.localdate() + dt.timedelta(days=40)


def test_a_bad_row_refuses_the_whole_batch(tree):
    county = persona("county_operator")
    today = DAY
    before = DangerLevel.objects.count()
    with pytest.raises(DomainError) as refused:
        services.danger_levels_save(
            actor=county, rows=[(tree.township.code, today, 3), (tree.other_township.code, today, 7)], source="manual"
        )
    assert "第 2 行：火险等级应为 1–5 的整数" in refused.value.message
    assert DangerLevel.objects.count() == before
    result = services.danger_levels_save(
        actor=county, rows=[(tree.township.code, today, 3), (tree.other_township.code, today, 2)], source="manual"
    )
    assert result == {"created": 2, "changed": 0}
    again = services.danger_levels_save(actor=county, rows=[(tree.township.code, today, 4)], source="manual")
    assert again == {"created": 0, "changed": 1}
    assert DangerLevel.objects.get(region=tree.township, day=today).level == 4


def test_the_page_saves_a_days_levels_and_offers_the_warning_at_the_threshold(client, tree):
    client.force_login(persona("county_operator"))
    today = DAY
    response = client.post(
        "/forestfire/levels/",
        {"day": today.isoformat(), f"level_{tree.township.code}": "4", f"level_{tree.other_township.code}": "2"},
    )
    assert response.status_code == 302
    page = client.get(f"/forestfire/levels/?day={today.isoformat()}").content.decode()
    assert "四级 高火险（橙色）" in page and "二级 较低火险（蓝色）" in page
    assert page.count('form="warn-') == 1
    level = DangerLevel.objects.get(region=tree.township, day=today)
    response = client.post(f"/forestfire/levels/{level.pk}/warning/")
    warning = Warning.objects.get(pk=DangerLevel.objects.get(pk=level.pk).warning_id)
    assert response["Location"] == reverse("alerts:warning_steps", kwargs={"pk": warning.pk})
    assert (warning.status, warning.event, warning.level) == (Warning.Status.DRAFT, "森林火险", "orange")
    assert tree.township.name in warning.headline
    assert list(warning.regions.values_list("code", flat=True)) == [tree.township.code]
    # Once drafted, it is not offered again.
    assert 'form="warn-' not in client.get(f"/forestfire/levels/?day={today.isoformat()}").content.decode()


def test_the_warning_level_is_a_county_setting(tree):
    county = persona("county_operator")
    level = DangerLevel.objects.create(region=tree.township, day=DAY, level=3)
    assert services.needs_warning(level)  # default 3
    ForestFireSetting.objects.create(region=tree.county, warning_level=4)
    assert not services.needs_warning(level)
    with pytest.raises(DomainError):
        services.danger_warning_draft(actor=county, level=level)
    assert not Warning.objects.filter(event="森林火险", status="draft").exists()


def test_the_feed_takes_a_batch_with_a_token_and_refuses_a_bad_one_whole(client, tree):
    out = io.StringIO()
    call_command("create_token", "county_operator", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    day = DAY.isoformat()
    body = [
        {"region": tree.township.code, "day": day, "level": 5},
        {"region": tree.other_township.code, "day": day, "level": 1},
    ]
    ok = client.post(
        "/api/v1/forestfire/danger-levels/feed/",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"created": 2, "changed": 0}
    assert DangerLevel.objects.get(region=tree.township, day=day).source == DangerLevel.Source.FEED
    bad = [{"region": tree.township.code, "day": day, "level": 2}, {"region": "999999999999", "day": day, "level": 2}]
    refused = client.post(
        "/api/v1/forestfire/danger-levels/feed/",
        bad,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert refused.status_code == 400 and "第 2 行" in refused.json()["detail"]
    assert DangerLevel.objects.get(region=tree.township, day=day).level == 5
    assert client.post("/api/v1/forestfire/danger-levels/feed/", body, content_type="application/json").status_code in (
        401,
        403,
    )


def test_a_township_sees_its_own_levels_and_cannot_enter_them(client, tree):
    day = DAY
    DangerLevel.objects.create(region=tree.township, day=day, level=2)
    DangerLevel.objects.create(region=tree.other_township, day=day, level=5)
    officer = persona("township_officer")
    assert set(DangerLevel.objects.restrict(officer).filter(day=day).values_list("region_id", flat=True)) == {
        tree.township.code
    }
    client.force_login(officer)
    page = client.get(f"/forestfire/levels/?day={day.isoformat()}").content.decode()
    assert tree.township.name in page and tree.other_township.name not in page
    assert (
        client.post("/forestfire/levels/", {"day": day.isoformat(), f"level_{tree.township.code}": "5"}).status_code
        == 403
    )


def test_an_excel_import_with_a_village_row_writes_nothing(client, tree):
    from anlan.testing.helpers import xlsx_upload

    client.force_login(persona("county_operator"))
    header = ["乡镇（街道）", "日期", "火险等级"]
    bad = [header, [tree.township.code, DAY.isoformat(), 3], [tree.village.code, DAY.isoformat(), 2]]
    page = client.post("/forestfire/dangerlevel/import/", {"file": xlsx_upload(bad)}).content.decode()
    assert "请选择乡镇（街道）" in page
    assert not DangerLevel.objects.filter(day=DAY).exists()
    good = [header, [tree.township.code, DAY.isoformat(), 3], [tree.other_township.code, DAY.isoformat(), 2]]
    assert client.post("/forestfire/dangerlevel/import/", {"file": xlsx_upload(good)}).status_code == 302
    assert DangerLevel.objects.filter(day=DAY).count() == 2
