"""一公开: the public results page, the publication deadline, the job and the manual 公示; the public list."""

import datetime as dt

import pytest
from django.utils import timezone

from anlan.core.models import AuditEntry
from anlan.enforcement import credit_rules, services_credit
from anlan.enforcement.models import CreditListing, Inspection
from anlan.overview.items import workbench
from anlan.testing.personas import persona

from .credit_fixtures import enterprise_in, listing, random_inspection

pytestmark = pytest.mark.django_db


def test_the_deadline_is_the_setting_in_calendar_days(settings):
    day = dt.date(2026, 3, 1)
    assert credit_rules.publish_deadline(day) == dt.date(2026, 3, 21)
    settings.ANLAN_ENFORCEMENT_PUBLISH_DAYS = 10
    assert credit_rules.publish_deadline(day) == dt.date(2026, 3, 11)


def test_result_wording():
    assert credit_rules.result_text("signed", 0) == "未发现问题"
    assert credit_rules.result_text("reviewing", 3) == "发现问题 3 项，已责令整改"
    assert credit_rules.result_text("closed", 2) == "发现问题 2 项，整改完成"


def test_public_results_show_published_random_results_only_without_personal_data(client, tree):
    shown = random_inspection(enterprise_in(tree.township), days_ago=5, findings=2, published_at=timezone.now())
    clean = random_inspection(enterprise_in(tree.township, 1), days_ago=6, published_at=timezone.now())
    waiting = random_inspection(enterprise_in(tree.township, 2), days_ago=4)
    planned = random_inspection(enterprise_in(tree.other_township), days_ago=4, published_at=timezone.now())
    Inspection.objects.filter(pk=planned.pk).update(kind=Inspection.Kind.PLANNED)
    page = client.get("/p/enforcement/")  # no login
    assert page.status_code == 200
    text = page.content.decode()
    assert shown.enterprise.name in text and shown.enterprise.credit_code in text
    assert "发现问题 2 项，已责令整改" in text and "未发现问题" in text and clean.enterprise.name in text
    assert waiting.enterprise.name not in text and planned.enterprise.name not in text
    assert "王负责人" not in text  # the principal is a person: never published
    assert "1990000" not in text  # nor any phone


def test_the_job_publishes_ready_results_whose_deadline_has_come(tree):
    enterprise = enterprise_in(tree.township)
    due = random_inspection(enterprise, days_ago=20)
    overdue = random_inspection(enterprise, days_ago=30, status=Inspection.Status.CLOSED)
    early = random_inspection(enterprise, days_ago=19)
    unsigned = random_inspection(enterprise, days_ago=40, status=Inspection.Status.IN_PROGRESS)
    assert services_credit.publish_due() == 2
    published = set(Inspection.objects.filter(published_at__isnull=False).values_list("pk", flat=True))
    assert {due.pk, overdue.pk} <= published and not {early.pk, unsigned.pk} & published
    assert AuditEntry.objects.filter(action="inspection_publish_due", object_id=str(due.pk)).exists()
    assert services_credit.publish_due() == 0  # idempotent


def test_publication_desk_lists_deadlines_and_publishes_by_hand(client, tree):
    inspection = random_inspection(enterprise_in(tree.township), days_ago=3)
    client.force_login(persona("county_operator"))
    page = client.get("/enforcement/credit/publication/")
    assert page.status_code == 200
    text = page.content.decode()
    assert inspection.enterprise.name in text
    assert f"{credit_rules.publish_deadline(inspection.inspected_on):%Y-%m-%d}（还有 17 天）" in text
    response = client.post(f"/enforcement/credit/publication/{inspection.pk}/publish/")
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.published_at is not None
    assert AuditEntry.objects.filter(action="inspection_publish", object_id=str(inspection.pk)).exists()
    assert inspection.enterprise.name in client.get("/p/enforcement/").content.decode()


def test_an_unsigned_result_cannot_be_published(client, tree):
    inspection = random_inspection(enterprise_in(tree.township), days_ago=3, status=Inspection.Status.IN_PROGRESS)
    client.force_login(persona("county_operator"))
    response = client.post(f"/enforcement/credit/publication/{inspection.pk}/publish/", follow=True)
    assert "检查尚未签字确认，不能公示结果" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.published_at is None


def test_publication_is_scoped(client, tree):
    inspection = random_inspection(enterprise_in(tree.township), days_ago=3)
    client.force_login(persona("township_officer"))  # reads inspections but does not publish
    assert client.get("/enforcement/credit/publication/").status_code == 403
    client.force_login(persona("enterprise_user"))
    assert client.post(f"/enforcement/credit/publication/{inspection.pk}/publish/").status_code in (403, 404)
    inspection.refresh_from_db()
    assert inspection.published_at is None


def test_overdue_results_on_the_county_workbench_match_the_page(client, tree):
    random_inspection(enterprise_in(tree.township), days_ago=25, status=Inspection.Status.IN_PROGRESS)
    random_inspection(enterprise_in(tree.township, 1), days_ago=22)
    random_inspection(enterprise_in(tree.township, 2), days_ago=5)
    user = persona("county_admin")
    item = next(s for s in workbench(user) if s.key == "enforcement_unpublished")
    assert item.count == 2
    client.force_login(user)
    page = client.get(item.url)
    assert page.context["page"].paginator.count == 2
    assert "已逾期" in page.content.decode()


def test_public_credit_list_shows_listings_in_force_only(client, tree):
    shown = listing(enterprise_in(tree.township))
    gone = listing(enterprise_in(tree.township, 1), status=CreditListing.Status.EXPIRED)
    repaired = listing(enterprise_in(tree.township, 2), status=CreditListing.Status.REPAIRED)
    page = client.get("/p/enforcement/credit/")
    assert page.status_code == 200
    text = page.content.decode()
    assert shown.enterprise.name in text and shown.enterprise.credit_code in text
    assert "瞒报、谎报生产安全事故" in text and f"{shown.ends_on:%Y-%m-%d}" in text
    assert gone.enterprise.name not in text and repaired.enterprise.name not in text
    assert "瞒报事故" not in text  # the facts stay internal
