"""The plan pages as each role uses them: the scheme page, 一键定级, the classification list and its filters,
the override page, generating, adjusting and stepping a plan, the Excel export, the progress page the 工作台
item opens (its count is that page's rows), scope and bad ids."""

import io

import openpyxl
import pytest
from django.utils import timezone

from anlan.enforcement import classes, services_plan
from anlan.enforcement.models import EnterpriseSupervision, Inspection, InspectionPlan, PlanLine, SupervisionClass
from anlan.registry.models import Enterprise
from anlan.testing.personas import persona

from .demo_reset import clear_plan_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unplanned(db):
    """The plan part starts from enterprises without a class and no plan this year (the demo's are taken out)."""
    clear_plan_demo()


def login(client, name):
    client.force_login(persona(name))
    return client


@pytest.fixture
def classified(db):
    services_plan.install_default_scheme()
    return services_plan.classify_missing(actor=persona("county_operator"))


@pytest.fixture
def draft(classified):
    return services_plan.plan_generate(actor=persona("county_operator"), year=timezone.localdate().year).plan


def test_the_scheme_page_names_the_default_and_classifies_on_request(client):
    services_plan.install_default_scheme()
    login(client, "county_operator")
    page = client.get("/enforcement/classes/")
    text = page.content.decode()
    assert page.status_code == 200 and classes.DEFAULT_SCHEME_LABEL in text
    assert "≤ 12 次/年" in text and 'id="classify"' in text
    done = client.post("/enforcement/classes/classify/", follow=True)
    assert "家企业按规则定级" in done.content.decode()
    assert not Enterprise.objects.filter(supervision__isnull=True, region__pk__startswith="500237").exists()


def test_a_class_is_edited_on_the_scheme_page_by_county_roles_only(client):
    services_plan.install_default_scheme()
    row = SupervisionClass.objects.get(scheme=classes.DEFAULT_SCHEME, sector_group="coal", code="A")
    login(client, "county_operator")
    prefix = f"c{row.pk}"
    client.post(f"/enforcement/classes/{row.pk}/edit/", {f"{prefix}-name": "A类", f"{prefix}-yearly_cap": "3"})
    row.refresh_from_db()
    assert row.yearly_cap == 3
    login(client, "department_operator")
    assert (
        client.post(
            f"/enforcement/classes/{row.pk}/edit/", {f"{prefix}-name": "A", f"{prefix}-yearly_cap": "9"}
        ).status_code
        == 403
    )
    row.refresh_from_db()
    assert row.yearly_cap == 3


def test_the_classification_list_filters_by_sector_group_class_township_and_department(client, tree, classified):
    login(client, "county_operator")
    base = "/enforcement/classes/enterprisesupervision/"
    everything = client.get(base).context["page"].paginator.count
    assert everything == EnterpriseSupervision.objects.count()
    hazchem = client.get(base, {"sector_group": "hazchem"}).context["page"].paginator.count
    assert hazchem == EnterpriseSupervision.objects.filter(supervision_class__sector_group="hazchem").count() > 0
    one = EnterpriseSupervision.objects.order_by("pk").first()
    by_class = client.get(base, {"supervision_class": one.supervision_class_id}).context["page"].paginator.count
    assert by_class == EnterpriseSupervision.objects.filter(supervision_class=one.supervision_class).count()
    township = client.get(base, {"region": tree.township.code}).context["page"].paginator.count
    assert (
        township
        == EnterpriseSupervision.objects.filter(enterprise__region__pk__startswith=tree.township.code[:9]).count()
    )
    by_department = client.get(base, {"department": one.department_id}).context["page"].paginator.count
    assert by_department == EnterpriseSupervision.objects.filter(department=one.department).count()
    detail = client.get(f"{base}{one.pk}/")
    assert detail.status_code == 200 and "人工调整类别" in detail.content.decode()
    assert client.get(f"/enforcement/classes/row/{one.pk}/override/").url == (
        f"/enforcement/classes/enterprise/{one.enterprise_id}/"
    )


def test_the_override_page_shows_the_proposal_and_saves_with_a_reason(client, tree, classified):
    enterprise = Enterprise.objects.filter(region__pk__startswith="500237").order_by("pk").first()
    target = SupervisionClass.objects.get(scheme=classes.DEFAULT_SCHEME, sector_group="other", code="D")
    login(client, "county_operator")
    page = client.get(f"/enforcement/classes/enterprise/{enterprise.pk}/")
    assert classes.propose(enterprise).reason_text in page.content.decode()
    refused = client.post(
        f"/enforcement/classes/enterprise/{enterprise.pk}/", {"supervision_class": target.pk, "note": ""}
    )
    assert refused.status_code == 200 and not EnterpriseSupervision.objects.get(enterprise=enterprise).manual
    client.post(
        f"/enforcement/classes/enterprise/{enterprise.pk}/",
        {"supervision_class": target.pk, "department": enterprise.department_id or "", "note": "多次举报"},
    )
    row = EnterpriseSupervision.objects.get(enterprise=enterprise)
    assert row.manual and row.supervision_class == target
    assert client.get(f"/enforcement/classes/enterprise/{10**9}/").status_code == 404


def test_generate_adjust_and_publish_through_the_pages(client, classified):
    year = timezone.localdate().year
    login(client, "county_operator")
    made = client.post("/enforcement/plan/", {"year": year, "first_month": 1, "random_share": 70})
    p = InspectionPlan.objects.get(year=year, region_id="500237000000")
    assert made.status_code == 302 and made.url == f"/enforcement/plan/{p.pk}/"
    line = PlanLine.objects.filter(plan=p).order_by("pk").first()
    client.post(
        f"/enforcement/plan/{p.pk}/adjust/",
        {"department": line.department_id, "sector_group": line.sector_group, "month": line.month,
         "planned": line.planned + 1, "reason": "增加夜查"},
    )  # fmt: skip
    line.refresh_from_db()
    assert line.reason == "增加夜查"
    page = client.get(f"/enforcement/plan/{p.pk}/")
    text = page.content.decode()
    total = page.context["total"]
    assert f"其中双随机抽查不少于 {-(-total * 70 // 100)} 家次" in text and 'id="step-submit"' in text
    client.post(f"/enforcement/plan/{p.pk}/step/submit/")
    assert client.post(f"/enforcement/plan/{p.pk}/step/approve/").status_code == 403  # county_admin's
    login(client, "county_admin")
    client.post(f"/enforcement/plan/{p.pk}/step/approve/")
    client.post(f"/enforcement/plan/{p.pk}/step/publish/")
    p.refresh_from_db()
    assert p.status == "published"
    page = client.get(f"/enforcement/plan/{p.pk}/")
    assert page.context["steps"] == [] and page.context["line_form"] is None


def test_the_excel_export_is_a_printable_month_table(client, draft):
    login(client, "county_operator")
    response = client.get(f"/enforcement/plan/{draft.pk}/export.xlsx")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws["A1"].value == draft.name
    header = [c.value for c in ws[3]]
    assert header[:3] == ["序号", "执法部门", "行业组"] and header[3:15] == [f"{m}月" for m in range(1, 13)]
    last = [c.value for c in ws[ws.max_row]]
    total = sum(PlanLine.objects.filter(plan=draft).values_list("planned", flat=True))
    assert last[0] == "合计" and last[-1] == total and sum(last[3:15]) == total
    assert ws.page_setup.orientation == "landscape"


def test_a_department_operator_sees_only_its_lines_on_the_page_and_in_the_export(client, draft):
    water = persona("department_operator")
    login(client, "department_operator")
    page = client.get(f"/enforcement/plan/{draft.pk}/")
    own = sum(PlanLine.objects.filter(plan=draft, department=water.department).values_list("planned", flat=True))
    assert page.status_code == 200 and page.context["total"] == own
    assert {r.department for r in page.context["rows"]} <= {water.department.name}
    assert page.context["steps"] == [] and page.context["line_form"] is None
    ws = openpyxl.load_workbook(io.BytesIO(client.get(f"/enforcement/plan/{draft.pk}/export.xlsx").content)).active
    assert ws.cell(ws.max_row, ws.max_column).value == own
    assert client.post(f"/enforcement/plan/{draft.pk}/step/submit/").status_code == 403
    assert client.get(f"/enforcement/plan/{10**9}/").status_code == 404


def test_the_workbench_item_count_is_the_list_it_opens(client, tree, draft):
    operator, admin = persona("county_operator"), persona("county_admin")
    for step, actor in (("submit", operator), ("approve", admin), ("publish", operator)):
        services_plan.plan_step(actor=actor, plan_obj=draft, action=step)
    water = persona("department_operator").department
    today = timezone.localdate()
    # Done this year before the test's inspections (the demo's): the item counts on from there.
    names = ("county_operator", "department_operator")
    before = {name: services_plan.workbench_summary(persona(name), today)[0] for name in names}
    enterprise = Enterprise.objects.filter(region__pk__startswith="500237").order_by("pk").first()
    for department, status in ((water, "signed"), (water, "closed"), (None, "signed"), (water, "in_progress")):
        Inspection.objects.create(
            enterprise=enterprise, region=enterprise.region, department=department, inspected_on=today, status=status
        )
    for name, added in (("county_operator", 3), ("department_operator", 2)):
        login(client, name)
        home = client.get("/")
        item = next(i for i in [*home.context["todo"], *home.context["calm"]] if i.key == "enforcement_plan")
        assert item.count == before[name] + added and item.note.startswith("年度检查计划进度：已完成")
        opened = client.get(item.url)
        assert opened.status_code == 200 and opened.context["page"].paginator.count == item.count
        assert item.note in opened.content.decode()
