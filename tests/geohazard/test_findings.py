"""What a check finds, as the inspector fills it in on the phone and the county decides: a new site proposed
as a draft (not on the map or the register until confirmed), a 核销, a change of the people threatened, and a
险情 recorded at once as an incident; bad input refused with nothing written."""

import pytest
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.geo.layers import get_layer
from anlan.geohazard import services
from anlan.geohazard.models import CheckPhoto, Finding, SiteCheck
from anlan.incidents.models import Incident
from anlan.sites.models import HazardSite
from anlan.testing.personas import persona

from .helpers import campaign, png_upload, site

pytestmark = pytest.mark.django_db


def _form(tree, **extra):
    return {"checked_on": timezone.localdate().isoformat(), "state": "stable", "measures": "", "note": ""} | extra


def test_a_new_site_found_in_the_field_is_a_draft_until_the_county_confirms_it(client, tree):
    worker = persona("village_grid_worker")
    site(tree.village, "T-F-1")
    c = campaign(persona("county_operator"), tree.county)
    check = c.checks.get(site__code="T-F-1")
    client.force_login(worker)
    data = _form(
        tree,
        state="new_hazard",
        note="屋后斜坡新出现拉张裂缝",
        finding_kind="new_site",
        finding_description="张家屋后斜坡裂缝长约 15 米",
        new_name="张家屋后不稳定斜坡",
        new_kind="unstable_slope",
        new_lon=tree.village.center_lon + 0.001,
        new_lat=tree.village.center_lat,
        households=2,
        people=7,
        lon=tree.village.center_lon,
        lat=tree.village.center_lat,
        photos=[png_upload()],
    )
    response = client.post(f"/geohazard/checks/{check.pk}/fill/", data, follow=True)
    assert "已填报" in response.content.decode()
    finding = Finding.objects.get(site_check=check)
    draft = finding.proposed_site
    assert (draft.status, draft.kind, draft.threatened_people) == ("proposed", "unstable_slope", 7)
    assert draft.code.startswith(f"{tree.county.code[:6]}XZ")
    assert CheckPhoto.objects.filter(site_check=check).count() == 1
    # A draft is on no map layer and in no campaign until the county confirms it.
    county = persona("county_operator")
    names = [f["properties"]["name"] for f in get_layer("geohazard_sites").features(county, {})]
    assert draft.name not in names
    assert not services.sites_in_scope(county, tree.county.code).filter(pk=draft.pk).exists()
    # Only the county decides.
    with pytest.raises(DomainError, match="县级确认"):
        services.finding_decide(actor=persona("township_officer"), finding=finding, confirm=True)
    client.force_login(county)
    page = client.get(f"/geohazard/findings/{finding.pk}/decide/").content.decode()
    assert "确认并更新名录" in page
    client.post(f"/geohazard/findings/{finding.pk}/decide/", {"action": "confirm", "note": "经核实列入名录"})
    draft.refresh_from_db()
    assert draft.status == HazardSite.Status.ACTIVE
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.CONFIRMED


def test_a_rejected_proposal_removes_the_draft_and_needs_a_reason(tree):
    county = persona("county_operator")
    site(tree.village, "T-F-2")
    c = campaign(county, tree.county)
    check = c.checks.get(site__code="T-F-2")
    services.check_record(
        actor=county,
        check=check,
        checked_on=timezone.localdate(),
        state="new_hazard",
        finding={
            "kind": "new_site",
            "description": "疑似新滑坡",
            "site": {
                "name": "疑似滑坡",
                "kind": "landslide",
                "lon": tree.village.center_lon,
                "lat": tree.village.center_lat,
            },
        },
    )
    finding = Finding.objects.get(site_check=check)
    draft_pk = finding.proposed_site_id
    with pytest.raises(DomainError, match="写明理由"):
        services.finding_decide(actor=county, finding=finding, confirm=False, note=" ")
    services.finding_decide(actor=county, finding=finding, confirm=False, note="经专家核查为人工边坡，已有支护")
    assert not HazardSite.objects.filter(pk=draft_pk).exists()
    assert Finding.objects.get(pk=finding.pk).status == Finding.Status.REJECTED


def test_removal_and_threat_change_update_the_register_when_confirmed(tree):
    county = persona("county_operator")
    gone = site(tree.village, "T-F-3")
    moved = site(tree.village, "T-F-4", households=5, people=20)
    c = campaign(county, tree.county)
    for code, finding in (
        ("T-F-3", {"kind": "removal", "description": "已完成工程治理，隐患消除"}),
        ("T-F-4", {"kind": "threat", "description": "3 户已搬迁", "households": 2, "people": 8}),
    ):
        services.check_record(
            actor=county,
            check=c.checks.get(site__code=code),
            checked_on=timezone.localdate(),
            state="eliminated" if code == "T-F-3" else "stable",
            finding=finding,
        )
    for f in Finding.objects.filter(site_check__campaign=c):
        services.finding_decide(actor=county, finding=f, confirm=True)
    gone.refresh_from_db()
    moved.refresh_from_db()
    assert gone.status == HazardSite.Status.REMOVED
    assert (moved.threatened_households, moved.threatened_people) == (2, 8)


def test_a_danger_found_at_a_check_is_an_incident_at_once(client, tree):
    worker = persona("village_grid_worker")
    site(tree.village, "T-F-5", households=40, people=150)
    c = campaign(persona("county_operator"), tree.county)
    check = c.checks.get(site__code="T-F-5")
    client.force_login(worker)
    data = _form(
        tree,
        state="danger",
        finding_kind="danger",
        finding_description="前缘出现鼓胀，后缘裂缝加宽至 20 厘米",
        people=150,
        people_to_relocate=120,
        potential_loss="800",
    )
    response = client.post(f"/geohazard/checks/{check.pk}/fill/", data, follow=True)
    incident = Incident.objects.get(geo_event__site__code="T-F-5")
    assert incident.level == "III" and incident.geo_stage == "danger"  # 100 ≤ 120 < 500 people: 中型
    page = response.content.decode()
    assert incident.number in page and "地质灾害速报（中型）" in page
    finding = Finding.objects.get(site_check=check)
    assert finding.status == Finding.Status.CONFIRMED and finding.event.incident == incident


def test_bad_input_is_refused_and_nothing_is_written(client, tree):
    county = persona("county_operator")
    site(tree.village, "T-F-6")
    c = campaign(county, tree.county)
    check = c.checks.get(site__code="T-F-6")
    client.force_login(county)
    # 出现险情 without the danger's facts; a date in the future; a new site without a position.
    for data, message in (
        (_form(tree, state="danger"), "请填写险情情况"),
        (_form(tree, checked_on="2099-01-01"), "检查日期不能晚于今天"),
        (
            _form(
                tree,
                state="new_hazard",
                finding_kind="new_site",
                finding_description="新裂缝",
                new_name="X",
                new_kind="landslide",
            ),
            "请在地图上标出新隐患点的位置",
        ),
    ):
        response = client.post(f"/geohazard/checks/{check.pk}/fill/", data)
        assert response.status_code == 400 and message in response.content.decode()
    check.refresh_from_db()
    assert check.checked_on is None
    assert not Finding.objects.filter(site_check=check).exists()
    assert not HazardSite.objects.filter(name="X").exists()


def test_a_village_worker_may_not_fill_in_a_site_assigned_to_someone_else(client, tree):
    county = persona("county_operator")
    site(tree.village, "T-F-7")
    c = campaign(county, tree.county)
    check = c.checks.get(site__code="T-F-7")
    SiteCheck.objects.filter(pk=check.pk).update(inspector=persona("township_officer"))
    client.force_login(persona("village_grid_worker"))
    response = client.post(f"/geohazard/checks/{check.pk}/fill/", _form(tree))
    assert response.status_code == 403
