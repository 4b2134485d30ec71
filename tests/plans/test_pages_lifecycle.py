"""The plan pages of the life cycle through the Django client: list flags, a plan's page, the form's Art. 21
default, upload and download, 报送备案 → the county's queue → 备案 with the Word form, scope (404 outside it,
403 where a role may read but not write), and the 工作台 items that open these pages."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from anlan.core.documents import OfficialDocument
from anlan.overview.items import workbench
from anlan.plans import services_lifecycle as lifecycle
from anlan.plans.models import Plan, PlanFiling
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .helpers import drill_kind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_upload(name="预案.docx") -> SimpleUploadedFile:
    doc = OfficialDocument()
    doc.title("测试预案")
    return SimpleUploadedFile(name, doc.bytes())


def test_the_demo_plans_are_listed_with_their_states(client, tree):
    client.force_login(persona("county_operator"))
    page = client.get(reverse("plans:plan_list"))
    assert page.status_code == 200
    text = page.content.decode()
    for name in ("县突发事件总体应急预案", "县防汛抗旱应急预案"):
        assert name in text or Plan.objects.filter(name=name).exists()
    flags = {key: count for key, _, count in page.context["flags"]}
    # The demo shows every state: late filings, filings awaiting the check, evaluations due, open triggers.
    assert flags["filing_late"] >= 2 and flags["checking"] >= 3 and flags["evaluation_due"] >= 1
    assert flags["triggers"] >= 2
    late = client.get(reverse("plans:plan_list"), {"status": "filing_late"})
    assert late.context["page"].paginator.count == flags["filing_late"]
    assert "备案逾期" in late.content.decode()
    menu = dict(page.context["nav_groups"])["预案演练"]
    assert ("应急预案", reverse("plans:plan_list")) in menu and ("预案备案审查", reverse("plans:filing_queue")) in menu
    for township in tree.county.children.filter(level="township"):
        assert Plan.objects.filter(name=f"{township.name}突发事件应急预案", kind=Plan.Kind.TOWNSHIP).exists()


def test_county_creates_a_plan_on_the_form_with_the_article_21_default(client, tree):
    client.force_login(persona("county_operator"))
    enterprise = Enterprise.objects.filter(region__code__startswith="500237", is_hazchem=True).first()
    data = {"name": "危化企业现场处置方案", "kind": "onsite", "kinds": [drill_kind().pk]}
    data["region"] = enterprise.region_id
    response = client.post(reverse("plans:plan_add"), {**data, "enterprise": enterprise.pk, "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(name="危化企业现场处置方案")
    assert plan.review_mode == "review" and plan.evaluation_years == 3
    refused = client.post(reverse("plans:plan_add"), {**data, "name": "无企业方案"})
    assert refused.status_code == 400 and "须选择编制企业" in refused.content.decode()
    assert not Plan.objects.filter(name="无企业方案").exists()


def test_upload_download_submit_queue_file_and_the_word_form(client, tree):
    officer, county = persona("township_officer"), persona("county_operator")
    plan = lifecycle.plan_save(
        actor=officer, name="页面测试镇预案", kind="township", region=tree.township, kinds=[drill_kind()]
    )
    client.force_login(officer)
    today = timezone.localdate().isoformat()
    posted = client.post(
        reverse("plans:version_add", args=[plan.pk]), {"file": docx_upload(), "note": "首版", "published_on": today}
    )
    assert posted.status_code == 302
    detail = client.get(reverse("plans:plan_detail", args=[plan.pk]))
    assert "下载现行文本（第1版" in detail.content.decode() and detail.context["may_submit"]
    download = client.get(reverse("plans:version_file", args=[plan.pk, 1]))
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert client.post(reverse("plans:filing_submit", args=[plan.pk])).status_code == 302
    filing = PlanFiling.objects.get(plan=plan)
    # The township may not check its own filing, nor open the county's queue.
    assert client.get(reverse("plans:filing_queue")).status_code == 403
    assert client.post(reverse("plans:filing_check", args=[filing.pk, "file"])).status_code == 403

    client.force_login(county)
    queue = client.get(reverse("plans:filing_queue"))
    assert filing in list(queue.context["page"])
    item = next(s for s in workbench(county) if s.key == "plans_filing_check")
    assert item.count == queue.context["page"].paginator.count
    returned = client.post(reverse("plans:filing_check", args=[filing.pk, "return"]), {"missing_items": ""})
    assert returned.status_code == 302
    filing.refresh_from_db()
    assert filing.status == PlanFiling.Status.SUBMITTED  # nothing written without the missing items
    filed = client.post(reverse("plans:filing_check", args=[filing.pk, "file"]), {"back": "queue"})
    assert filed.status_code == 302 and filed["Location"] == reverse("plans:filing_queue")
    filing.refresh_from_db()
    assert filing.status == PlanFiling.Status.FILED
    word = client.get(reverse("plans:registration_form", args=[filing.pk]))
    assert word.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert filing.number in text


def test_scope_enterprise_sees_only_its_own_and_township_may_not_edit_the_county_plan(client, tree):
    county_plan = Plan.objects.get(name="县防汛抗旱应急预案")
    client.force_login(persona("township_officer"))
    assert client.get(reverse("plans:plan_detail", args=[county_plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_edit", args=[county_plan.pk])).status_code == 404
    assert client.post(reverse("plans:version_add", args=[county_plan.pk]), {"file": docx_upload()}).status_code == 404
    # 提出修订 is open to whoever reads the plan.
    raised = client.post(
        reverse("plans:trigger_add", args=[county_plan.pk]), {"reason": "practice", "description": "演练发现问题"}
    )
    assert raised.status_code == 302 and county_plan.triggers.filter(description="演练发现问题").exists()

    user = persona("enterprise_user")
    others = Plan.objects.filter(kind=Plan.Kind.ENTERPRISE).exclude(enterprise=user.enterprise_id)
    theirs = others.first()
    client.force_login(user)
    listed = client.get(reverse("plans:plan_list"))
    assert all(p.enterprise_id == user.enterprise_id for p, _ in listed.context["rows"])
    assert client.get(reverse("plans:plan_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("plans:filing_submit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("plans:filing_queue")).status_code == 403


def test_enterprise_workbench_counts_are_the_rows_of_the_list_they_open(client, tree):
    user = persona("enterprise_user")
    lifecycle.plan_save(actor=user, name="本企业应急预案", kinds=[drill_kind()])
    plan = Plan.objects.get(name="本企业应急预案")
    lifecycle.version_add(actor=user, plan=plan, upload=docx_upload(), published_on=timezone.localdate())
    client.force_login(user)
    for item in workbench(user):
        if item.key.startswith("enterprise_plan"):
            opened = client.get(item.url)
            assert opened.status_code == 200
            assert opened.context["page"].paginator.count == item.count
    owed = next(s for s in workbench(user) if s.key == "enterprise_plan_filing")
    assert owed.count >= 1
