"""避险转移 pages: the phone list, marking from it, the board, and the rate on the warning, the incident
workspace and the hazard site; 紧急避险转移人口 for the statistics."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from anlan.disasters import transfer
from anlan.disasters.models import DisasterProcess, TransferActivation, TransferMark
from anlan.testing.personas import persona
from tests.alerts.helpers import issue_warning
from tests.incidents.test_workspace import incident as make_incident

from .transfer_helpers import make_shelter, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(tree):
    return make_site(tree.village)


def test_the_phone_list_marks_a_household_and_the_rate_moves(client, tree, site):
    warning = issue_warning(tree, regions=[tree.village])
    activation = TransferActivation.objects.get(site=site)
    client.force_login(persona("village_grid_worker"))
    page = client.get("/disasters/transfer/mine/").content.decode()
    assert site.name in page and "户主1户" in page and "0%" in page
    assert 'href="tel:19900001000"' in page  # the 包保责任人 calls the family: the whole number
    household = site.households.get(head_name="户主2")  # 4 of 9 people
    response = client.post(
        f"/disasters/transfer/{activation.pk}/households/{household.pk}/mark/",
        {"state": "transferred", "lon": tree.village.center_lon, "lat": tree.village.center_lat},
    )
    assert response.status_code == 302
    mark = TransferMark.objects.get(household=household)
    assert (mark.state, mark.lon) == ("transferred", pytest.approx(tree.village.center_lon))
    page = client.get("/disasters/transfer/mine/").content.decode()
    assert "44%" in page  # 4 / 9
    client.force_login(persona("county_operator"))
    steps = client.get(reverse("alerts:warning_steps", kwargs={"pk": warning.pk})).content.decode()
    assert 'id="transfer-panel"' in steps and "44%" in steps
    detail = client.get(reverse("alerts:warning_detail", kwargs={"pk": warning.pk})).content.decode()
    assert "44%" in detail and site.name in detail


def test_the_phone_page_refuses_other_households_and_bad_positions(client, tree, site):
    other = make_site(tree.other_village, code="TEST-TR-9", guardian=None)
    theirs, _ = transfer.open_activation(actor=persona("county_operator"), site=other, source="manual")
    mine, _ = transfer.open_activation(actor=persona("county_operator"), site=site, source="manual")
    client.force_login(persona("village_grid_worker"))
    stranger = other.households.first()
    url = f"/disasters/transfer/{theirs.pk}/households/{stranger.pk}/mark/"
    assert client.post(url, {"state": "transferred"}).status_code == 404
    household = site.households.first()
    response = client.post(
        f"/disasters/transfer/{mine.pk}/households/{household.pk}/mark/",
        {"state": "transferred", "lon": "0", "lat": "0"},
        follow=True,
    )
    assert "不是有效位置" in response.content.decode()
    assert not TransferMark.objects.filter(household__site__in=[site, other]).exists()
    assert client.get("/disasters/transfer/mine/").status_code == 200
    client.force_login(persona("enterprise_user"))
    assert client.get("/disasters/transfer/mine/").status_code == 403


def test_check_in_from_the_phone_refuses_beyond_capacity(client, tree, site):
    activation, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    small = make_shelter(tree.village, area_m2=6, name="小避难点")  # 4 places
    client.force_login(persona("village_grid_worker"))
    household = site.households.get(head_name="户主2")  # 4 people
    url = f"/disasters/transfer/{activation.pk}/households/{household.pk}/mark/"
    client.post(url, {"state": "transferred"})
    page = client.get("/disasters/transfer/mine/").content.decode()
    assert "入住登记（4 人）" in page
    assert f'<option value="{small.pk}">小避难点</option>' in page
    shelter_id = small.pk
    client.post(url, {"state": "transferred", "shelter": shelter_id})
    assert TransferMark.objects.filter(household=household, shelter_check__people=4).exists()
    bigger = site.households.get(head_name="户主1")  # 3 people, nothing left
    url = f"/disasters/transfer/{activation.pk}/households/{bigger.pk}/mark/"
    client.post(url, {"state": "transferred"})
    response = client.post(url, {"state": "transferred", "shelter": shelter_id}, follow=True)
    assert "超过剩余容量" in response.content.decode()


def test_board_opening_by_hand_and_closing(client, tree, site):
    client.force_login(persona("township_officer"))
    board = client.get("/disasters/transfer/").content.decode()
    assert site.name in board and "启动避险转移" in board
    response = client.post("/disasters/transfer/open/", {"site": site.pk, "reason": "裂缝扩大"})
    activation = TransferActivation.objects.get(site=site, status="open")
    assert response.url == f"/disasters/transfer/{activation.pk}/"
    assert (activation.source, activation.reason) == ("manual", "裂缝扩大")
    assert "户主1" in client.get(response.url).content.decode()
    client.post(f"/disasters/transfer/{activation.pk}/close/")
    activation.refresh_from_db()
    assert activation.status == "closed"
    client.force_login(persona("village_grid_worker"))
    assert client.post("/disasters/transfer/open/", {"site": site.pk}).status_code == 403
    client.force_login(persona("other_township_officer"))
    assert client.post("/disasters/transfer/open/", {"site": site.pk}).status_code == 404
    assert client.get(f"/disasters/transfer/{activation.pk}/").status_code == 404


def test_the_incident_workspace_opens_the_township_sites_and_shows_the_rate(client, tree, site):
    case = make_incident(tree)
    client.force_login(persona("county_operator"))
    page = client.get(f"/incidents/{case.pk}/").content.decode()
    assert 'id="open-transfer"' in page
    client.post(f"/disasters/transfer/incident/{case.pk}/open/")
    activation = TransferActivation.objects.get(site=site, status="open")
    assert (activation.source, activation.incident) == ("incident", case)
    page = client.get(f"/incidents/{case.pk}/").content.decode()
    assert "避险转移（本事件）" in page and site.name in page and "0%" in page


def test_site_page_shows_the_roster_and_warns_when_it_differs(client, tree, site):
    client.force_login(persona("township_officer"))
    page = client.get(f"/sites/hazardsite/{site.pk}/").content.decode()
    assert 'id="site-households"' in page and "户主3" in page and 'id="roster-differs"' not in page
    site.threatened_people = 20
    site.save()
    page = client.get(f"/sites/hazardsite/{site.pk}/").content.decode()
    assert 'id="roster-differs"' in page and "3 户 9 人" in page


def test_workbench_items(client, tree, site):
    transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    client.force_login(persona("village_grid_worker"))
    page = client.get("/").content.decode()
    assert "我负责的未转移户" in page
    client.force_login(persona("township_officer"))
    assert "本辖区避险转移未完成" in client.get("/").content.decode()


def test_evacuated_by_township_counts_each_transferred_household_once(tree, site):
    worker = persona("village_grid_worker")
    warning = issue_warning(tree, regions=[tree.village])
    activation = TransferActivation.objects.get(site=site)
    a, b, c = site.households.order_by("head_name")
    transfer.mark(actor=worker, activation=activation, household=a, state="transferred")
    transfer.mark(actor=worker, activation=activation, household=a, state="returned")  # still evacuated once
    transfer.mark(actor=worker, activation=activation, household=b, state="transferred")
    transfer.mark(actor=worker, activation=activation, household=b, state="transferred")
    transfer.mark(actor=worker, activation=activation, household=c, state="refused")
    now = timezone.now()
    process = DisasterProcess.objects.create(
        name="测试暴雨", hazard="flood", started_at=now, initial_due=now + dt.timedelta(hours=2), region=tree.county
    )
    assert transfer.evacuated_by_township(process) == {}
    process.warnings.add(warning)
    assert transfer.evacuated_by_township(process) == {tree.township.code: 7}
    # Without the link, the township and the period find it too; long before the period, not.
    process.warnings.clear()
    process.regions.add(tree.township)
    assert transfer.evacuated_by_township(process) == {tree.township.code: 7}
    process.started_at = now + dt.timedelta(days=5)
    process.save()
    assert transfer.evacuated_by_township(process) == {}


def test_the_workspace_shows_the_lists_of_the_incidents_linked_warning(client, tree, site):
    from anlan.incidents import services as incident_services

    case = make_incident(tree)
    warning = issue_warning(tree, regions=[tree.village])
    incident_services.warning_link(actor=persona("county_operator"), incident=case, warning=warning)
    assert list(transfer.activations_of_incident(case)) == [TransferActivation.objects.get(site=site)]
    client.force_login(persona("county_operator"))
    page = client.get(f"/incidents/{case.pk}/").content.decode()
    assert "避险转移（本事件）" in page and site.name in page
    now = timezone.now()
    process = DisasterProcess.objects.create(
        name="测试滑坡灾害", hazard="landslide", started_at=now, initial_due=now, region=tree.county
    )
    worker = persona("village_grid_worker")
    activation = TransferActivation.objects.get(site=site)
    transfer.mark(actor=worker, activation=activation, household=site.households.first(), state="transferred")
    process.incidents.add(case)
    assert sum(transfer.evacuated_by_township(process).values()) > 0


def test_the_township_return_form_proposes_the_people_the_lists_transferred(client, tree, site):
    from .helpers import new_process

    warning = issue_warning(tree, regions=[tree.village])
    activation = TransferActivation.objects.get(site=site)
    worker = persona("village_grid_worker")
    a, b, _ = site.households.order_by("head_name")  # 3, 4 people
    transfer.mark(actor=worker, activation=activation, household=a, state="transferred")
    transfer.mark(actor=worker, activation=activation, household=b, state="refused")
    process = new_process(tree, hours_ago=100)  # long before the list opened: found by the warning only
    process.warnings.add(warning)
    client.force_login(persona("township_officer"))
    url = f"/disasters/{process.pk}/townships/{tree.township.code}/"
    page = client.get(url).content.decode()
    assert 'name="evacuated" value="3"' in page and "避险转移清单已转移 3 人" in page
    # The township confirms by saving; a value it entered is kept, the lists' figure shown beside it.
    assert client.post(url, {"evacuated": "5"}).status_code == 302
    page = client.get(url).content.decode()
    assert 'name="evacuated" value="5"' in page and "避险转移清单已转移 3 人" in page
    client.force_login(persona("other_township_officer"))
    other = client.get(f"/disasters/{process.pk}/townships/{tree.other_township.code}/").content.decode()
    assert "避险转移清单" not in other and 'name="evacuated" value=""' in other


def test_the_guardian_sees_the_whole_phone_to_call_and_the_view_is_audited(client, tree, site):
    from anlan.accounts.models import User
    from anlan.core.models import AuditEntry
    from anlan.core.roles import Role

    transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    client.force_login(persona("village_grid_worker"))
    page = client.get("/disasters/transfer/mine/").content.decode()
    assert 'href="tel:19900001000"' in page and "199****1000" not in page
    entry = AuditEntry.objects.filter(action="view_phone").latest("pk")
    assert entry.after["households"] == sorted(site.households.values_list("pk", flat=True))
    assert entry.actor_id == persona("village_grid_worker").pk
    stranger = User.objects.create(username="other_village_worker", role=Role.VILLAGE_WORKER, region=tree.other_village)
    client.force_login(stranger)
    page = client.get("/disasters/transfer/mine/").content.decode()
    assert "1990000" not in page and "户主1" not in page
    assert not AuditEntry.objects.filter(action="view_phone", actor_id=stranger.pk).exists()


def test_marking_goes_back_only_to_a_page_of_this_site(client, tree, site):
    activation, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    household = site.households.first()
    client.force_login(persona("village_grid_worker"))
    url = f"/disasters/transfer/{activation.pk}/households/{household.pk}/mark/"
    for evil in ("/\\evil.com", "//evil.com", "https://evil.com/", "\\\\evil.com"):
        response = client.post(url, {"state": "away", "next": evil})
        assert response.url == f"/disasters/transfer/mine/#household-{household.pk}", evil
    response = client.post(url, {"state": "away", "next": f"/disasters/transfer/{activation.pk}/"})
    assert response.url == f"/disasters/transfer/{activation.pk}/#household-{household.pk}"


def test_closing_says_who_left_the_shelters(client, tree, site):
    from anlan.resources.services import shelter_occupancy

    activation, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    shelter = make_shelter(tree.village)
    household = site.households.get(head_name="户主2")  # 4 people
    transfer.mark(
        actor=persona("village_grid_worker"),
        activation=activation,
        household=household,
        state="transferred",
        shelter=shelter,
    )
    client.force_login(persona("township_officer"))
    page = client.get(f"/disasters/transfer/{activation.pk}/").content.decode()
    assert "仍在避难场所的户将登记离开" in page
    response = client.post(f"/disasters/transfer/{activation.pk}/close/", follow=True)
    assert "仍在避难场所的 1 户 4 人已登记离开" in response.content.decode()
    assert shelter_occupancy(shelter) == 0


def test_a_household_with_transfer_marks_is_retired_not_deleted(client, tree, site):
    activation, _ = transfer.open_activation(actor=persona("township_officer"), site=site, source="manual")
    household = site.households.first()
    transfer.mark(actor=persona("village_grid_worker"), activation=activation, household=household, state="away")
    client.force_login(persona("township_officer"))
    response = client.post(f"/sites/household/{household.pk}/delete/", follow=True)
    page = response.content.decode()
    assert "仍被其他记录引用，不能删除" in page and "请编辑并将“在册”设为“否”" in page
    assert TransferMark.objects.filter(household=household).exists()
