"""护林员: a fire reported from the field becomes an incident in intake with the photo and the in-permit flag,
the duty desk told; missed patrols of 森林火险区 are listed with the rangers who guard them; 工作台 notice."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.uploads import check_upload
from anlan.forestfire import services
from anlan.forestfire.models import BurnPermit, DangerLevel, FireSeason, Ranger
from anlan.inbox.models import Notification
from anlan.incidents.models import Incident, TimelineEntry
from anlan.registry.models import Person
from anlan.sites.models import HazardSite, PatrolRule, PatrolTask
from anlan.testing.personas import persona

from .helpers import permit, png_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_demo_fire_rules():
    """The demo county's danger levels and periods would decide approvals by chance: each test sets its own."""
    DangerLevel.objects.all().delete()
    FireSeason.objects.all().delete()


def _ranger(tree, user=None) -> Ranger:
    person = Person.objects.create(name="王护林", region=tree.village)
    return Ranger.objects.create(person=person, region=tree.village, user=user)


def test_a_rangers_fire_report_is_an_incident_with_the_photo(tree):
    worker = persona("village_grid_worker")
    ranger = _ranger(tree, user=worker)
    before = Notification.objects.count()
    incident = services.ranger_fire_report(
        actor=worker,
        ranger=ranger,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        text="山脊冒白烟，火线约 20 米",
        photo=check_upload(png_upload(), images_only=True),
    )
    incident = Incident.objects.get(pk=incident.pk)
    assert incident.kind.name == "森林草原火灾" and incident.caller_name == "王护林"
    assert incident.region_id[:9] == tree.township.code[:9]
    assert "山脊冒白烟" in incident.description and "用火范围" not in incident.description
    photo = TimelineEntry.objects.get(incident=incident, kind=TimelineEntry.Kind.NOTE)
    assert photo.attachment.name.endswith(".png")
    assert Notification.objects.count() >= before  # the desks are told through duty routing (intake)


def test_a_fire_inside_an_approved_burn_is_flagged_on_the_incident(client, tree):
    county = persona("county_operator")
    p = services.permit_apply(actor=county, permit=permit(tree.village, start_in_hours=0, radius_m=500))
    services.permit_decide(actor=county, permit=p, action="approve")
    incident = services.ranger_fire_report(
        actor=county, ranger=None, lon=tree.village.center_lon, lat=tree.village.center_lat + 0.001, text="看到烟"
    )
    assert f"位于已批准用火范围内：许可证号 {p.number}" in incident.description
    client.force_login(county)
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert p.number in page and "forestfire-permit-panel" in page
    assert BurnPermit.objects.get(pk=p.pk).status == BurnPermit.Status.APPROVED


def test_the_phone_page_reports_with_a_photo(client, tree):
    worker = persona("village_grid_worker")
    _ranger(tree, user=worker)
    client.force_login(worker)
    assert "报告火情" in client.get("/forestfire/fire-report/").content.decode()
    missing = client.post("/forestfire/fire-report/", {"text": "冒烟"})
    assert "未取得位置" in missing.content.decode()
    response = client.post(
        "/forestfire/fire-report/",
        {"text": "冒烟", "lon": tree.village.center_lon, "lat": tree.village.center_lat, "photo": png_upload()},
        follow=True,
    )
    assert "火情已报告" in response.content.decode()
    incident = Incident.objects.filter(caller_name="王护林").get()
    assert incident.timeline.filter(attachment__endswith=".png").exists()


def test_missed_patrols_of_fire_areas_name_their_rangers(client, tree, django_assert_max_num_queries):
    site = HazardSite.objects.create(
        code="FF-T-1",
        name="青龙山林区",
        kind=HazardSite.Kind.FOREST_FIRE,
        region=tree.village,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
    )
    ranger = _ranger(tree)
    ranger.sites.add(site)
    rule = PatrolRule.objects.create(name="护林员日巡", tier="village", frequency="daily", kinds="forest_fire")
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    PatrolTask.objects.create(
        site=site, rule=rule, tier="village", period_start=yesterday, due=yesterday, status="missed"
    )
    client.force_login(persona("township_officer"))
    with django_assert_max_num_queries(12):
        page = client.get("/forestfire/missed/").content.decode()
    assert "青龙山林区" in page and "王护林" in page
    client.force_login(persona("other_township_officer"))
    assert "青龙山林区" not in client.get("/forestfire/missed/").content.decode()


def test_the_workbench_counts_the_days_of_the_fire_period(client, tree):
    today = timezone.localdate()
    FireSeason.objects.all().delete()  # the demo county's own period
    FireSeason.objects.create(region=tree.county, start=today - dt.timedelta(days=9), end=today + dt.timedelta(days=20))
    client.force_login(persona("township_officer"))
    assert "森林防火期 第10天" in client.get("/").content.decode()
    client.force_login(persona("enterprise_user"))
    assert "森林防火期" not in client.get("/").content.decode()
