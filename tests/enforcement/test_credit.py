"""严重失信主体名单 (listing, term, expiry, 信用修复), the criterion helper, the 严重失信 flag on the
registry and the map, and the 违法行为信息库."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anlan.core.errors import DomainError
from anlan.core.flags import flags_of
from anlan.core.kit import config_for
from anlan.core.models import AuditEntry
from anlan.enforcement import credit_rules, services_credit
from anlan.enforcement.models import CreditListing, CreditRepair, ViolationRecord
from anlan.incidents.models import Incident
from anlan.plans.models import IncidentKind
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .credit_fixtures import enterprise_in, listing

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_term_and_repair_dates_follow_the_settings(settings):
    assert credit_rules.listing_ends_on(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)
    assert credit_rules.repair_allowed_from(dt.date(2025, 1, 31)) == dt.date(2026, 1, 31)
    settings.ANLAN_ENFORCEMENT_CREDIT_TERM_YEARS = 1
    settings.ANLAN_ENFORCEMENT_REPAIR_AFTER_MONTHS = 6
    assert credit_rules.listing_ends_on(dt.date(2025, 5, 1)) == dt.date(2026, 5, 1)
    assert credit_rules.repair_allowed_from(dt.date(2025, 8, 31)) == dt.date(2026, 2, 28)


def _listing_post(enterprise, upload, **changes):
    return {
        "enterprise": enterprise.pk,
        "criterion": CreditListing.Criterion.CONCEAL,
        "facts": "发生事故后未按规定上报",
        "decision_number": "（巫山）应急失信〔2026〕3号",
        "listed_on": timezone.localdate().isoformat(),
        "decision_file": upload,
        **changes,
    }


def test_a_county_officer_lists_an_enterprise_with_its_decision(client, tree):
    enterprise = enterprise_in(tree.township)
    client.force_login(persona("county_admin"))
    response = client.post("/enforcement/credit/add/", _listing_post(enterprise, SimpleUploadedFile("决定.pdf", PDF)))
    assert response.status_code == 302
    made = CreditListing.objects.get(enterprise=enterprise)
    assert made.ends_on == credit_rules.add_months(made.listed_on, 36)
    assert made.decided_by == persona("county_admin") and made.decision_file.name.endswith(".pdf")
    assert AuditEntry.objects.filter(action="credit_listing_create", object_id=str(made.pk)).exists()
    detail = client.get(response["Location"])
    assert "查看列入决定书" in detail.content.decode()
    document = client.get(f"/enforcement/credit/{made.pk}/decision/")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    # Listed twice at once: refused.
    again = client.post("/enforcement/credit/add/", _listing_post(enterprise, SimpleUploadedFile("d.pdf", PDF)))
    assert again.status_code == 200 and "已在严重失信主体名单中" in again.content.decode()


def test_the_decision_file_is_checked(client, tree):
    enterprise = enterprise_in(tree.township)
    client.force_login(persona("county_operator"))
    html = SimpleUploadedFile("决定.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post("/enforcement/credit/add/", _listing_post(enterprise, html))
    assert response.status_code == 200
    assert "只接受" in response.content.decode()
    assert not CreditListing.objects.filter(enterprise=enterprise).exists()


def test_only_the_county_decides_a_listing(client, tree):
    enterprise = enterprise_in(tree.township)
    for name in ("department_operator", "township_officer", "enterprise_user"):
        client.force_login(persona(name))
        assert client.get("/enforcement/credit/add/").status_code == 403
        response = client.post("/enforcement/credit/add/", _listing_post(enterprise, SimpleUploadedFile("d.pdf", PDF)))
        assert response.status_code == 403
    assert not CreditListing.objects.filter(enterprise=enterprise).exists()


def test_listings_are_scoped(client, tree):
    mine = listing(enterprise_in(tree.township))
    other = listing(enterprise_in(tree.other_township))
    client.force_login(persona("township_officer"))
    page = client.get("/enforcement/credit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert mine.enterprise.name in text and other.enterprise.name not in text
    assert client.get(f"/enforcement/credit/{other.pk}/").status_code == 404
    assert client.get(f"/enforcement/credit/{other.pk}/decision/").status_code == 404


def test_repair_is_refused_before_twelve_months_in_chinese(client, tree):
    young = listing(enterprise_in(tree.township), months_ago=11)
    client.force_login(persona("county_admin"))
    response = client.post(
        f"/enforcement/credit/{young.pk}/repair/",
        {"applied_on": timezone.localdate().isoformat(), "reason": "已整改"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "列入名单满 12 个月后方可申请信用修复" in text
    assert not CreditRepair.objects.filter(listing=young).exists()


def test_repair_approved_lifts_the_listing_and_the_public_list_drops_it(client, tree):
    old = listing(enterprise_in(tree.township), months_ago=13)
    client.force_login(persona("county_operator"))
    response = client.post(
        f"/enforcement/credit/{old.pk}/repair/", {"applied_on": timezone.localdate().isoformat(), "reason": "已整改"}
    )
    assert response.status_code == 302
    repair = CreditRepair.objects.get(listing=old)
    assert repair.status == CreditRepair.Status.PENDING
    # Refusing needs the reason.
    refused = client.post(f"/enforcement/credit/repairs/{repair.pk}/decide/", {"decision": "reject", "opinion": ""})
    assert "不同意时请填写审核意见" in refused.content.decode()
    approved = client.post(f"/enforcement/credit/repairs/{repair.pk}/decide/", {"decision": "approve"})
    assert approved.status_code == 302
    old.refresh_from_db()
    repair.refresh_from_db()
    assert repair.status == CreditRepair.Status.APPROVED and repair.decided_by == persona("county_operator")
    assert old.status == CreditListing.Status.REPAIRED and old.removed_on == timezone.localdate()
    assert AuditEntry.objects.filter(action="credit_repair_approve", object_id=str(repair.pk)).exists()
    assert AuditEntry.objects.filter(action="credit_listing_repair", object_id=str(old.pk)).exists()
    assert old.enterprise.name not in client.get("/p/enforcement/credit/").content.decode()
    with pytest.raises(DomainError):  # decided once
        services_credit.repair_decide(actor=persona("county_operator"), repair=repair, approve=True)


def test_a_department_operator_cannot_decide_a_repair(client, tree):
    old = listing(enterprise_in(tree.township), months_ago=13)
    repair = services_credit.repair_apply(
        actor=persona("county_admin"), listing=old, applied_on=timezone.localdate(), reason="已整改"
    )
    client.force_login(persona("department_operator"))
    assert client.post(f"/enforcement/credit/repairs/{repair.pk}/decide/", {"decision": "approve"}).status_code in (
        403,
        404,
    )
    old.refresh_from_db()
    assert old.status == CreditListing.Status.LISTED


def test_expiry_moves_ended_listings_out(tree):
    ended = listing(enterprise_in(tree.township), months_ago=36)
    running = listing(enterprise_in(tree.township, 1), months_ago=35)
    assert services_credit.expire_listings() == 1
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == CreditListing.Status.EXPIRED and ended.removed_on == ended.ends_on
    assert running.status == CreditListing.Status.LISTED
    assert AuditEntry.objects.filter(action="credit_listing_expire", object_id=str(ended.pk)).exists()
    assert services_credit.expire_listings() == 0


def _larger_accident(enterprise, days_ago: int, level: str = "III"):
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Incident.objects.create(
        number=f"T-{enterprise.pk}-{days_ago}-{level}",
        title=f"{enterprise.name}爆炸事故",
        kind=IncidentKind.objects.order_by("pk").first(),
        region=enterprise.region,
        occurred_at=when,
        received_at=when,
        description="事故经过",
        level=level,
    )


def test_two_larger_accidents_in_twelve_months_suggest_the_criterion(client, tree):
    enterprise = enterprise_in(tree.township)
    _larger_accident(enterprise, 30)
    _larger_accident(enterprise, 200, level="IV")  # 一般: not counted
    _larger_accident(enterprise, 400)  # older than 12 months
    today = timezone.localdate()
    assert services_credit.suggested_criterion(enterprise, today)[0] == ""
    _larger_accident(enterprise, 300)
    suggestion, accidents = services_credit.suggested_criterion(enterprise, today)
    assert suggestion == CreditListing.Criterion.TWO_LARGER and len(accidents) == 2
    client.force_login(persona("county_admin"))
    page = client.get(f"/enforcement/credit/add/?enterprise={enterprise.pk}")
    text = page.content.decode()
    assert "建议情形：12个月内发生2起以上较大生产安全事故" in text
    assert page.context["form"].initial["criterion"] == CreditListing.Criterion.TWO_LARGER
    assert "措辞待核实" in text  # the UNVERIFIED criteria say so


def _list_queries(client, name_filter: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/registry/enterprise/?name={name_filter}")
    assert page.status_code == 200
    return len(queries), page.content.decode()


def test_the_flag_shows_on_the_registry_list_and_detail_in_fixed_queries(client, tree):
    user = persona("county_admin")
    enterprises = list(config_for(Enterprise).queryset(user)[:3])  # the first rows of the list's first page
    client.force_login(user)
    listing(enterprises[0])
    _list_queries(client, "")  # warm caches (menus, regions)
    one, text = _list_queries(client, "")
    for enterprise in enterprises[1:]:
        listing(enterprise)
    listing(enterprises[0], status=CreditListing.Status.EXPIRED, decision_number="旧号")
    three, text = _list_queries(client, "")
    assert one == three
    assert "信用标记" in text and text.count("严重失信") >= 3
    detail = client.get(f"/registry/enterprise/{enterprises[0].pk}/").content.decode()
    assert "严重失信" in detail
    assert flags_of(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises])) == {
        e.pk: ["严重失信"] for e in enterprises
    }


def test_an_expired_listing_raises_no_flag(tree):
    enterprise = enterprise_in(tree.township)
    listing(enterprise, status=CreditListing.Status.EXPIRED)
    assert flags_of(Enterprise.objects.filter(pk=enterprise.pk)) == {}


def test_the_flag_shows_in_the_map_popup(client, tree):
    client.force_login(persona("county_admin"))
    before = {f["id"]: f["properties"] for f in client.get("/api/v1/map/layers/enterprises/").json()["features"]}
    enterprise = (
        Enterprise.objects.filter(region__pk__startswith=tree.county.code[:6], lon__isnull=False, lat__isnull=False)
        .exclude(credit_listings__isnull=False)
        .order_by("pk")[0]
    )
    assert before[enterprise.pk]["enterprise_flags"] == ""
    listing(enterprise)
    response = client.get("/api/v1/map/layers/enterprises/")
    assert response.status_code == 200
    features = {f["id"]: f["properties"] for f in response.json()["features"]}
    assert features[enterprise.pk]["enterprise_flags"] == "严重失信"
    # Every other enterprise keeps its flag (the demo's listed one stays flagged, the rest none).
    assert {pk: p["enterprise_flags"] for pk, p in features.items() if pk != enterprise.pk} == {
        pk: p["enterprise_flags"] for pk, p in before.items() if pk != enterprise.pk
    }
    listings = CreditListing.objects.filter(status=CreditListing.Status.LISTED)
    listed = set(listings.values_list("enterprise_id", flat=True))
    assert {pk for pk, p in features.items() if p["enterprise_flags"]} == listed & set(features)
    layers = client.get("/api/v1/map/layers/").json()["results"]
    meta = next(layer for layer in layers if layer["key"] == "enterprises")
    assert meta["labels"]["enterprise_flags"] == "信用标记"


def test_violation_records_create_filter_export_and_scope(client, tree):
    enterprise = enterprise_in(tree.township)
    other = enterprise_in(tree.other_township)
    client.force_login(persona("county_operator"))
    existing = list(ViolationRecord.objects.values_list("pk", flat=True))
    response = client.post(
        "/enforcement/violations/add/",
        {
            "enterprise": enterprise.pk,
            "happened_on": "2026-01-05",
            "description": "特种作业人员未持证上岗",
            "penalty": "罚款 2 万元",
            "public": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = ViolationRecord.objects.exclude(pk__in=existing).get(enterprise=enterprise)
    assert AuditEntry.objects.filter(object_type="enforcement.violationrecord", object_id=str(made.pk)).exists()
    ViolationRecord.objects.create(enterprise=other, happened_on=dt.date(2025, 6, 1), description="未培训")
    listed = client.get("/enforcement/violations/?happened_from=2026-01-01").content.decode()
    assert "特种作业人员未持证上岗" in listed and "未培训" not in listed
    export = client.get("/enforcement/violations/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/enforcement/violations/{made.pk}/").status_code == 404
    assert "特种作业人员未持证上岗" not in client.get("/enforcement/violations/").content.decode()
    assert client.get("/enforcement/violations/add/").status_code == 403  # townships read, do not write
