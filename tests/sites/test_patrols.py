"""Patrols: the 日周月 calendar, check-ins from the field, missed patrols flagged."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from anlan.core.errors import DomainError
from anlan.core.models import AuditEntry
from anlan.core.testing.personas import persona
from anlan.sites import patrol, services
from anlan.sites.models import HazardSite, PatrolTask


def test_periods():
    wednesday = dt.date(2026, 7, 15)
    assert patrol.period("daily", wednesday) == (wednesday, wednesday)
    assert patrol.period("weekly", wednesday) == (dt.date(2026, 7, 13), dt.date(2026, 7, 19))
    assert patrol.period("monthly", dt.date(2028, 2, 10)) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))


def test_seasons_include_both_ends_and_may_wrap_the_year():
    assert patrol.in_season("05-01", "09-30", dt.date(2026, 5, 1))
    assert patrol.in_season("05-01", "09-30", dt.date(2026, 9, 30))
    assert not patrol.in_season("05-01", "09-30", dt.date(2026, 10, 1))
    assert patrol.in_season("10-01", "04-30", dt.date(2026, 12, 31))
    assert patrol.in_season("10-01", "04-30", dt.date(2027, 1, 15))
    assert not patrol.in_season("10-01", "04-30", dt.date(2026, 7, 1))


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.sampled_from(["daily", "weekly", "monthly"]),
)
def test_every_day_lies_in_its_period(day, frequency):
    start, end = patrol.period(frequency, day)
    assert start <= day <= end
    assert patrol.period(frequency, start) == patrol.period(frequency, end) == (start, end)


def test_the_default_rules_cover_every_day_of_the_year_for_villages():
    village_rules = [r for r in services.DEFAULT_RULES if r[1] == "village"]
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        assert sum(patrol.in_season(s, e, day) for *_, s, e in village_rules) == 1, day
        day += dt.timedelta(days=1)


@pytest.fixture
def site(tree):
    return HazardSite.objects.create(
        code="TEST-0001",
        name="测试滑坡",
        kind="landslide",
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        threatened_households=5,
        threatened_people=18,
    )


@pytest.mark.django_db
def test_plan_is_idempotent_and_follows_the_season(site):
    services.rules_sync()
    july = dt.date(2026, 7, 15)
    services.patrols_plan(today=july)
    tiers = sorted(PatrolTask.objects.filter(site=site).values_list("tier", flat=True))
    assert tiers == ["department", "township", "village"]  # 汛期：村日巡查、镇周抽查、部门月检查
    assert services.patrols_plan(today=july) == 0
    november = dt.date(2026, 11, 18)
    services.patrols_plan(today=november)
    weekly = PatrolTask.objects.get(site=site, period_start=dt.date(2026, 11, 16))
    assert (weekly.tier, weekly.due) == ("village", dt.date(2026, 11, 22))


@pytest.mark.django_db
def test_missed_patrols_are_flagged_after_the_period_and_audited(site):
    services.rules_sync()
    day = dt.date(2026, 7, 15)
    services.patrols_plan(today=day)
    daily = PatrolTask.objects.get(site=site, tier="village", period_start=day)
    assert services.patrols_flag_missed(today=day) == 0 or daily.status == "pending"
    flagged = services.patrols_flag_missed(today=day + dt.timedelta(days=1))
    daily.refresh_from_db()
    assert daily.status == "missed" and flagged >= 1
    assert AuditEntry.objects.filter(action="patrol_missed", region_code=site.region_id[:9] + "000").exists()
    assert services.patrols_flag_missed(today=day + dt.timedelta(days=1)) == 0


@pytest.mark.django_db
def test_check_in_measures_the_distance_and_flags_a_far_one(site):
    services.rules_sync()
    today = timezone.localdate()
    services.patrols_plan(today=today)
    task = PatrolTask.objects.get(site=site, tier="village", period_start__lte=today, due__gte=today)
    worker = persona("village_grid_worker")
    done = services.check_in(actor=worker, task=task, lon=site.lon + 0.01, lat=site.lat, note="未见异常")
    assert done.status == "done" and 900 < done.distance_m < 1100 and done.far_away
    with pytest.raises(DomainError, match="已于"):
        services.check_in(actor=worker, task=task)
    assert AuditEntry.objects.filter(action="patrol_check_in", object_id=str(site.pk)).exists()


@pytest.mark.django_db
def test_problem_needs_a_note_and_past_tasks_cannot_be_checked_in(site):
    services.rules_sync()
    today = timezone.localdate()
    services.patrols_plan(today=today)
    task = PatrolTask.objects.get(site=site, tier="village", period_start__lte=today, due__gte=today)
    with pytest.raises(DomainError, match="请填写巡查情况"):
        services.check_in(actor=persona("village_grid_worker"), task=task, found_problem=True)
    task.due = today - dt.timedelta(days=1)
    task.save()
    with pytest.raises(DomainError, match="漏巡"):
        services.check_in(actor=persona("village_grid_worker"), task=task)


@pytest.mark.django_db
def test_phone_page_lists_my_tasks_and_checks_in(client, tree, site):
    services.rules_sync()
    services.patrols_plan()
    client.force_login(persona("village_grid_worker"))
    page = client.get("/sites/patrols/").content.decode()
    assert "测试滑坡" in page
    task = PatrolTask.objects.get(site=site, tier="village", status="pending")
    response = client.post(
        f"/sites/patrols/{task.pk}/check-in/", {"lon": site.lon, "lat": site.lat, "note": "正常"}, follow=True
    )
    assert "已打卡，距隐患点约 0 米" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done" and task.done_by
    client.force_login(persona("other_township_officer"))
    assert client.post(f"/sites/patrols/{task.pk}/check-in/", {}).status_code == 404
    client.force_login(persona("viewer"))
    assert client.post(f"/sites/patrols/{task.pk}/check-in/", {}).status_code == 403


@pytest.mark.django_db
def test_rule_with_bad_season_or_kind_is_refused(client):
    client.force_login(persona("county_admin"))
    response = client.post(
        "/sites/patrolrule/add/",
        {
            "name": "x",
            "tier": "village",
            "frequency": "daily",
            "kinds": "landslide,volcano",
            "season_start": "13-01",
            "season_end": "09-30",
            "active": "on",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400 and "格式应为 月-日" in body and "volcano" in body


@pytest.mark.django_db
def test_missed_patrols_tell_the_township_officers(site):
    from anlan.inbox.models import Notification

    services.rules_sync()
    day = dt.date(2026, 7, 15)
    services.patrols_plan(today=day)
    services.patrols_flag_missed(today=day + dt.timedelta(days=1))
    message = Notification.objects.get(
        recipient=persona("township_officer"), category="patrol_missed", dedupe_key__endswith="2026-07-16"
    )
    assert "漏巡" in message.title and "status=missed" in message.link
    assert message.link.endswith(f"region={site.region_id[:9]}000")
    # Each township hears about its own patrols only.
    other = persona("other_township_officer")
    theirs = Notification.objects.filter(recipient=other, category="patrol_missed")
    assert all(n.link.endswith(f"region={other.region_id}") for n in theirs)
