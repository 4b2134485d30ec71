"""What a look at every enforcement page as each role found (issue 17, screenshots at 1440 and 390 px):
names instead of logins, links that led nowhere, buttons a role cannot use, dates in the English format."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.enforcement import services_campaigns
from anlan.enforcement.models import Campaign, CreditRepair, Inspection, IssuedDocument
from anlan.testing.personas import persona

from .campaign_world import build_world
from .cases_helpers import open_case
from .conftest import make_inspectors
from .credit_fixtures import enterprise_in, listing, random_inspection
from .document_records import issue

pytestmark = pytest.mark.django_db


def named_inspectors(county, prefix):
    """Inspectors whose users have a 姓名 (display_name) and no first/last name, as the demo's officers."""
    made = make_inspectors(county, count=2, prefix=prefix)
    for inspector, name in zip(made, ["张建华", "李志强"], strict=True):
        inspector.user.first_name = ""
        inspector.user.display_name = name
        inspector.user.save(update_fields=["first_name", "display_name"])
    return made


def active_campaign(world) -> Campaign:
    county = world.users["county"]
    campaign = services_campaigns.campaign_create(
        actor=county,
        campaign=Campaign(
            name="粉尘涉爆专项整治",
            region=world.county,
            risk_flag="is_dust_explosive",
            starts_on=timezone.localdate() - dt.timedelta(days=10),
            ends_on=timezone.localdate() + dt.timedelta(days=80),
            assign_by="department",
        ),
    )
    services_campaigns.campaign_assign(actor=county, campaign=campaign)
    return services_campaigns.campaign_start(actor=county, campaign=campaign)


def test_campaign_start_inspection_link_opens_the_start_page_and_counts_for_the_campaign(client):
    world = build_world()
    inspectors = make_inspectors(world.county, count=2, prefix="w238_insp")
    campaign = active_campaign(world)
    client.force_login(world.users["county"])
    page = client.get(f"/enforcement/campaigns/{campaign.pk}/").content.decode()
    link = f"/enforcement/inspections/start/?campaign={campaign.pk}&amp;enterprise={world.e['e1'].pk}"
    assert link in page  # it was /enforcement/inspections/add/…, a 404
    start = client.get(link.replace("&amp;", "&"))
    assert start.status_code == 200 and "专项整治：粉尘涉爆专项整治" in start.content.decode()
    body = {
        "campaign": campaign.pk,
        "enterprise": world.e["e1"].pk,
        "inspectors": [inspectors[0].pk, inspectors[1].pk],
        "inspected_on": timezone.localdate().isoformat(),
        "kind": "planned",
    }
    assert client.post("/enforcement/inspections/start/", body).status_code == 302
    inspection = Inspection.objects.get(enterprise=world.e["e1"])
    assert inspection.campaign_id == campaign.pk and inspection.kind == Inspection.Kind.CAMPAIGN
    after = client.get(f"/enforcement/campaigns/{campaign.pk}/").content.decode()
    assert f"enterprise={world.e['e1'].pk}" not in after  # no longer among the uninspected


def test_start_for_a_campaign_not_running_is_404(client):
    world = build_world()
    campaign = active_campaign(world)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    client.force_login(world.users["county"])
    assert client.get(f"/enforcement/inspections/start/?campaign={campaign.pk}").status_code == 404
    assert client.get("/enforcement/inspections/start/?campaign=x").status_code == 404


def test_case_form_and_page_name_the_handlers_not_their_logins(client, tree):
    handlers = named_inspectors(tree.county, "zf_t")
    client.force_login(persona("county_operator"))
    form = client.get("/enforcement/cases/new/").content.decode()
    assert f"张建华（{handlers[0].certificate}）" in form and "zf_t_1" not in form
    case = open_case(handlers)
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert f"张建华（{handlers[0].certificate}）、李志强（{handlers[1].certificate}）" in page
    assert "zf_t_1" not in page


def test_document_list_names_the_issuer_and_offers_numbering_only_to_document_makers(client, tree):
    handlers = named_inspectors(tree.county, "zf_d")
    case = open_case(handlers)
    issue("hearing_notice", handlers[0].user, case=case)
    client.force_login(persona("county_operator"))
    page = client.get("/enforcement/documents/").content.decode()
    assert "文书编号规则" in page and "张建华" in page and "zf_d_1" not in page
    client.force_login(persona("enterprise_user"))
    page = client.get("/enforcement/documents/")
    assert page.status_code == 200 and "文书编号规则" not in page.content.decode()
    assert client.get("/enforcement/documents/numbering/").status_code == 403


def test_listing_page_shows_repair_dates_as_iso(client, tree):
    row = listing(enterprise_in(tree.township), months_ago=14)
    CreditRepair.objects.create(listing=row, applied_on=dt.date(2026, 11, 22), reason="已整改")
    client.force_login(persona("county_operator"))
    page = client.get(f"/enforcement/credit/{row.pk}/").content.decode()
    assert "<td>2026-11-22</td>" in page and "Nov." not in page and "11月22日" not in page


def test_credit_list_criterion_filter_fits_a_phone(client):
    client.force_login(persona("county_operator"))
    page = client.get("/enforcement/credit/").content.decode()
    assert 'name="criterion" style="max-width: 15em"' in page


def test_case_page_links_its_documents_to_the_word_download(client, tree):
    handlers = named_inspectors(tree.county, "zf_w")
    case = open_case(handlers)
    document = IssuedDocument.objects.get(case=case, kind="case_opening")
    client.force_login(persona("county_operator"))
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    link = f"/enforcement/documents/{document.pk}/download/"
    assert f'<a href="{link}">{document.number}</a>' in page
    assert client.get(link).status_code == 200


def test_public_pages_scroll_their_tables_with_the_key_columns_first(client):
    # No login: the 一公开 pages are for the public, mostly on phones.
    results = client.get("/p/enforcement/").content.decode()
    assert '<div class="table-scroll">\n<table class="grid" id="public-results">' in results
    assert "<th>企业名称</th><th>检查结果</th><th>检查日期</th>" in results
    credit = client.get("/p/enforcement/credit/").content.decode()
    assert '<div class="table-scroll">\n<table class="grid" id="public-credit">' in credit
    assert "<th>企业名称</th><th>列入情形</th><th>列入日期</th>" in credit


def test_finding_form_gives_the_unit_of_the_position(client, tree):
    inspection = random_inspection(enterprise_in(tree.township), days_ago=0, status=Inspection.Status.IN_PROGRESS)
    client.force_login(persona("county_operator"))
    page = client.get(f"/enforcement/inspections/{inspection.pk}/findings/add/")
    assert page.status_code == 200
    assert "经度（度）" in page.content.decode() and "WGS-84" in page.content.decode()
