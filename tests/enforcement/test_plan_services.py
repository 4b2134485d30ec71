"""Classification, plan generation, adjustment and the steps through the services, with the database: totals
exact, refusals write nothing, every write audited, no query per enterprise, a department sees its lines."""

import re
from collections import defaultdict

import pytest
from django.utils import timezone

from anlan.core.errors import Conflict, DomainError, NotAllowed
from anlan.core.models import AuditEntry
from anlan.enforcement import classes, services_plan
from anlan.enforcement.models import EnterpriseSupervision, Inspection, InspectionPlan, PlanLine, SupervisionClass
from anlan.enforcement.views_plan import plan_table
from anlan.registry.models import Department, Enterprise
from anlan.testing.helpers import count_queries
from anlan.testing.personas import persona

from .demo_reset import clear_plan_demo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def unplanned(db):
    """The plan part starts from enterprises without a class and no plan this year (the demo's are taken out)."""
    clear_plan_demo()


@pytest.fixture
def operator(db):
    return persona("county_operator")


@pytest.fixture
def admin(db):
    return persona("county_admin")


@pytest.fixture
def classified(operator):
    services_plan.install_default_scheme()
    return services_plan.classify_missing(actor=operator)


@pytest.fixture
def draft(classified, operator):
    return services_plan.plan_generate(actor=operator, year=timezone.localdate().year)


def county_enterprises(tree):
    return Enterprise.objects.filter(region__pk__startswith=tree.county.code[:6])


# ---------------------------------------------------------------- scheme and classification


def test_the_default_scheme_is_installed_once_and_edits_survive_a_reinstall(operator):
    services_plan.install_default_scheme()
    assert SupervisionClass.objects.filter(scheme=classes.DEFAULT_SCHEME).count() == 16
    row = SupervisionClass.objects.get(scheme=classes.DEFAULT_SCHEME, sector_group="other", code="D")
    services_plan.class_update(actor=operator, supervision_class=row, name="D类（重点）", yearly_cap=5, note="本县调整")
    assert services_plan.install_default_scheme() == 0
    row.refresh_from_db()
    assert (row.name, row.yearly_cap) == ("D类（重点）", 5)
    assert AuditEntry.objects.filter(action="plan_class_update", object_id=str(row.pk)).exists()


def test_a_class_edit_is_refused_with_a_clear_message_and_not_to_departments(operator):
    services_plan.install_default_scheme()
    row = SupervisionClass.objects.filter(scheme=classes.DEFAULT_SCHEME).first()
    with pytest.raises(DomainError) as refused:
        services_plan.class_update(actor=operator, supervision_class=row, name="A类", yearly_cap=500)
    assert refused.value.field == "yearly_cap"
    with pytest.raises(NotAllowed):
        services_plan.class_update(actor=persona("department_operator"), supervision_class=row, name="x", yearly_cap=1)


def test_bulk_classification_gives_every_enterprise_the_rules_class_without_a_query_per_enterprise(tree, operator):
    services_plan.install_default_scheme()
    enterprises = list(county_enterprises(tree))
    assert len(enterprises) > 20
    audited = AuditEntry.objects.filter(action="create", object_type="enforcement.enterprisesupervision")
    audited_before = audited.count()  # the demo's classification, taken out by `unplanned`, was audited
    with count_queries() as queries:
        result = services_plan.classify_missing(actor=operator)
    assert result.created == len(enterprises) and not result.missing_class
    # Reads: the classes, the emergency departments, the enterprises, the audit chain's tail — not one per
    # enterprise; writes: bulk inserts, chunked by the database's parameter limit.
    sql = [q["sql"] for q in queries.captured_queries]
    assert len([s for s in sql if s.startswith("SELECT")]) <= 6, sql
    assert len(sql) < len(enterprises) / 4
    emergency = Department.objects.get(region=tree.county, kind="emergency")
    rows = {r.enterprise_id: r for r in EnterpriseSupervision.objects.select_related("supervision_class")}
    for e in enterprises:
        row, proposal = rows[e.pk], classes.propose(e)
        assert (row.supervision_class.sector_group, row.supervision_class.code) == (
            proposal.sector_group,
            proposal.code,
        )
        assert row.department_id == (e.department_id or emergency.pk) and not row.manual
    assert audited.count() == audited_before + len(enterprises)
    assert services_plan.classify_missing(actor=operator).created == 0  # nothing left without a class


def test_a_department_classifies_only_its_own_enterprises(tree):
    services_plan.install_default_scheme()
    water = persona("department_operator")
    result = services_plan.classify_missing(actor=water)
    assert result.created == county_enterprises(tree).filter(department=water.department).count()
    assert not EnterpriseSupervision.objects.exclude(enterprise__department=water.department).exists()


def test_an_override_needs_a_reason_is_audited_and_survives_bulk_classification(tree, operator, classified):
    enterprise = county_enterprises(tree).order_by("pk").first()
    target = SupervisionClass.objects.get(scheme=classes.DEFAULT_SCHEME, sector_group="other", code="D")
    with pytest.raises(DomainError) as refused:
        services_plan.classify_override(actor=operator, enterprise=enterprise, supervision_class=target, note=" ")
    assert refused.value.field == "note"
    assert not EnterpriseSupervision.objects.get(enterprise=enterprise).manual
    row = services_plan.classify_override(
        actor=operator, enterprise=enterprise, supervision_class=target, department=enterprise.department,
        note="去年发生较大事故",
    )  # fmt: skip
    assert row.manual and row.supervision_class == target
    entry = AuditEntry.objects.get(action="plan_classify_override", object_id=str(row.pk))
    assert entry.after["note"] == "去年发生较大事故" and entry.before
    services_plan.classify_missing(actor=operator)
    assert EnterpriseSupervision.objects.get(enterprise=enterprise).supervision_class == target


def test_an_override_outside_the_scope_is_not_found(tree, classified):
    water = persona("department_operator")
    other = county_enterprises(tree).exclude(department=water.department).first()
    target = SupervisionClass.objects.filter(scheme=classes.DEFAULT_SCHEME).first()
    with pytest.raises(DomainError) as refused:
        services_plan.classify_override(actor=water, enterprise=other, supervision_class=target, note="x")
    assert refused.value.status == 404


# ---------------------------------------------------------------- generation


def test_generation_totals_are_exactly_the_sum_of_the_caps(tree, draft):
    caps = defaultdict(int)
    emergency = Department.objects.get(region=tree.county, kind="emergency")
    for row in EnterpriseSupervision.objects.select_related("supervision_class"):
        caps[(row.department_id or emergency.pk, row.supervision_class.sector_group)] += (
            row.supervision_class.yearly_cap
        )
    lines = defaultdict(int)
    for line in PlanLine.objects.filter(plan=draft.plan):
        lines[(line.department_id, line.sector_group)] += line.planned
        assert line.generated == line.planned and 1 <= line.month <= 12
    assert dict(lines) == dict(caps)
    assert draft.total == sum(caps.values()) > 0 and draft.unassigned == 0
    assert draft.plan.status == "draft" and draft.plan.name.endswith("年度安全生产监督检查计划")


def test_regeneration_replaces_a_draft_from_a_month_and_is_refused_once_submitted(operator, draft):
    again = services_plan.plan_generate(actor=operator, year=draft.plan.year, first_month=7, random_share=80)
    assert again.plan.pk == draft.plan.pk and again.total == draft.total
    assert set(PlanLine.objects.filter(plan=again.plan).values_list("month", flat=True)) <= set(range(7, 13))
    assert AuditEntry.objects.filter(action="plan_regenerate", object_id=str(draft.plan.pk)).exists()
    services_plan.plan_step(actor=operator, plan_obj=again.plan, action="submit")
    with pytest.raises(Conflict):
        services_plan.plan_generate(actor=operator, year=draft.plan.year)
    assert PlanLine.objects.filter(plan=again.plan).count() == again.lines


def test_generation_is_the_countys(classified):
    with pytest.raises(NotAllowed):
        services_plan.plan_generate(actor=persona("department_operator"), year=2026)
    with pytest.raises(NotAllowed):
        services_plan.plan_generate(actor=persona("township_officer"), year=2026)


# ---------------------------------------------------------------- adjust and steps


def test_adjusting_a_line_is_audited_and_the_totals_follow(operator, draft):
    line = PlanLine.objects.filter(plan=draft.plan).order_by("pk").first()
    _, _, before = plan_table(operator, draft.plan)
    services_plan.line_set(
        actor=operator, plan_obj=draft.plan, department=line.department, sector_group=line.sector_group,
        month=line.month, planned=line.planned + 5, reason="汛期前加密检查",
    )  # fmt: skip
    line.refresh_from_db()
    assert (line.planned - line.generated, line.reason) == (5, "汛期前加密检查")
    rows, month_totals, after = plan_table(operator, draft.plan)
    assert after == before + 5 == sum(month_totals) == sum(r.total for r in rows)
    assert AuditEntry.objects.filter(action="plan_line_adjust", object_id=str(line.pk)).exists()
    # A department and sector group without any line get one (e.g. a coal mine opening mid-year).
    taken = set(PlanLine.objects.filter(plan=draft.plan).values_list("department", "sector_group"))
    dep, group = next(
        (d, g) for d in Department.objects.filter(region__pk__startswith="500237").order_by("code")
        for g in SupervisionClass.SectorGroup.values if (d.pk, g) not in taken
    )  # fmt: skip
    added = services_plan.line_set(
        actor=operator, plan_obj=draft.plan, department=dep, sector_group=group, month=3, planned=2, reason="新投产"
    )
    assert added.generated == 0 and plan_table(operator, draft.plan)[2] == before + 7


def test_adjusting_is_refused_without_reason_by_departments_and_after_submission(operator, draft):
    line = PlanLine.objects.filter(plan=draft.plan).order_by("pk").first()
    kwargs = {"plan_obj": draft.plan, "department": line.department, "sector_group": line.sector_group,
              "month": line.month}  # fmt: skip
    with pytest.raises(DomainError) as refused:
        services_plan.line_set(actor=operator, planned=1, reason="", **kwargs)
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        services_plan.line_set(actor=operator, planned=-1, reason="x", **kwargs)
    assert refused.value.field == "planned"
    with pytest.raises(DomainError):
        services_plan.line_set(actor=persona("department_operator"), planned=1, reason="x", **kwargs)
    services_plan.plan_step(actor=operator, plan_obj=draft.plan, action="submit")
    with pytest.raises(Conflict):
        services_plan.line_set(actor=operator, planned=1, reason="x", **kwargs)
    line.refresh_from_db()
    assert line.planned == line.generated


def test_each_step_in_order_by_its_role_audited(operator, admin, draft):
    p = draft.plan
    with pytest.raises(DomainError) as refused:
        services_plan.plan_step(actor=operator, plan_obj=p, action="publish")
    assert refused.value.code == "plan.transition_not_allowed"
    services_plan.plan_step(actor=operator, plan_obj=p, action="submit")
    assert p.status == "submitted" and p.submitted_at
    with pytest.raises(NotAllowed):
        services_plan.plan_step(actor=operator, plan_obj=p, action="approve")
    with pytest.raises(DomainError) as refused:
        services_plan.plan_step(actor=admin, plan_obj=p, action="publish")
    assert refused.value.code == "plan.transition_not_allowed"
    services_plan.plan_step(actor=admin, plan_obj=p, action="send_back", comment="住建部门分配过于集中")
    assert p.status == "draft" and "住建部门分配过于集中" in p.note
    services_plan.plan_step(actor=operator, plan_obj=p, action="submit")
    services_plan.plan_step(actor=admin, plan_obj=p, action="approve")
    assert p.status == "approved" and p.approved_by == admin and p.approved_at
    services_plan.plan_step(actor=operator, plan_obj=p, action="publish")
    assert p.status == "published" and p.published_at
    with pytest.raises(DomainError):
        services_plan.plan_step(actor=admin, plan_obj=p, action="approve")
    actions = list(
        AuditEntry.objects.filter(object_type="enforcement.inspectionplan", object_id=str(p.pk))
        .filter(action__startswith="plan_").order_by("pk").values_list("action", flat=True)
    )  # fmt: skip
    assert actions == ["plan_submit", "plan_send_back", "plan_submit", "plan_approve", "plan_publish"]


def test_a_department_operator_sees_only_its_own_lines(draft):
    water = persona("department_operator")
    rows, _, total = plan_table(water, draft.plan)
    own = PlanLine.objects.filter(plan=draft.plan, department=water.department)
    assert total == sum(own.values_list("planned", flat=True)) < draft.total
    assert {r.department for r in rows} <= {water.department.name}
    with pytest.raises(NotAllowed):
        services_plan.plan_step(actor=water, plan_obj=draft.plan, action="submit")


# ---------------------------------------------------------------- progress


def _inspection(enterprise, department, on, status=Inspection.Status.SIGNED):
    return Inspection.objects.create(
        enterprise=enterprise, region=enterprise.region, department=department, inspected_on=on, status=status
    )


def published(operator, admin, draft):
    for step, actor in (("submit", operator), ("approve", admin), ("publish", operator)):
        services_plan.plan_step(actor=actor, plan_obj=draft.plan, action=step)
    return draft.plan


def _done_by_month(user, p) -> dict[str, dict[int, int]]:
    return {r.department: dict(r.done) for r in services_plan.progress(user, p)}


def _gained(before: dict, after: dict) -> dict[str, dict[int, int]]:
    """Per department, the months whose done count changed and by how much (the demo's inspections are
    there before the test acts)."""
    return {
        department: {m: n - before.get(department, {}).get(m, 0) for m, n in months.items()
                     if n != before.get(department, {}).get(m, 0)}
        for department, months in after.items()
    }  # fmt: skip


def _summary_counts(user, today) -> tuple[int, int]:
    """(done this year, done this month) as the 工作台 item says them."""
    count, note = services_plan.workbench_summary(user, today)
    return count, int(re.search(r"已完成 (\d+) 家次$", note).group(1))


def test_progress_counts_done_inspections_per_department_and_month(tree, operator, admin, draft):
    p = published(operator, admin, draft)
    today = timezone.localdate()
    water = persona("department_operator").department
    enterprise = county_enterprises(tree).order_by("pk").first()
    other = Department.objects.filter(region=tree.county).exclude(pk=water.pk).order_by("code").first()
    before = _done_by_month(operator, p)
    (year_before, month_before) = _summary_counts(operator, today)
    water_before, _ = services_plan.workbench_summary(persona("department_operator"), today)
    _inspection(enterprise, water, today)
    _inspection(enterprise, water, today.replace(day=1))
    _inspection(enterprise, other, today)
    _inspection(enterprise, water, today, status=Inspection.Status.IN_PROGRESS)  # not done yet
    _inspection(enterprise, water, today.replace(year=today.year - 1))  # last year's
    rows = {r.department: r for r in services_plan.progress(operator, p)}
    gained = _gained(before, _done_by_month(operator, p))
    assert gained[water.name] == {today.month: 2} and gained[other.name] == {today.month: 1}
    assert not any(months for name, months in gained.items() if name not in (water.name, other.name))
    assert sum(r.planned_total for r in rows.values()) == draft.total
    count, note = services_plan.workbench_summary(operator, today)
    planned_month = sum(PlanLine.objects.filter(plan=p, month=today.month).values_list("planned", flat=True))
    assert count == year_before + 3
    assert note.startswith(f"年度检查计划进度：已完成 {year_before + 3}/{draft.total} 家次（")
    assert f"本月应完成 {planned_month} 家次，已完成 {month_before + 3} 家次" in note
    water_count, water_note = services_plan.workbench_summary(persona("department_operator"), today)
    own = sum(PlanLine.objects.filter(plan=p, department=water).values_list("planned", flat=True))
    assert water_count == water_before + 2 and f"已完成 {water_before + 2}/{own} 家次" in water_note


def test_without_a_published_plan_the_summary_says_so(operator, draft):
    today = timezone.localdate()
    count, note = services_plan.workbench_summary(operator, today)
    done = services_plan.done_inspections(operator, today.year, operator.region_id).count()
    assert count == done and note == f"{today.year}年度检查计划尚未公布；今年已完成检查 {done} 家次"


def test_the_demo_module_classifies_every_enterprise_and_publishes_this_years_plan(tree):
    from anlan.demo import enforcement_plan

    SupervisionClass.objects.all().delete()  # as after a flush: the module installs the scheme itself
    departments = list(Department.objects.filter(region=tree.county))
    made = enforcement_plan.load(
        actor="演示数据", county=tree.county, townships=[tree.township], departments=departments
    )
    assert made["supervision_classes_added"] == 16
    assert made["enterprises_classified"] == county_enterprises(tree).count() > 0
    p = InspectionPlan.objects.get(region=tree.county, year=timezone.localdate().year)
    assert p.status == "published" and p.approved_at <= p.published_at <= timezone.now()
    assert sum(PlanLine.objects.filter(plan=p).values_list("planned", flat=True)) == made["plan_inspections"] > 0
    assert list(
        AuditEntry.objects.filter(object_id=str(p.pk), object_type="enforcement.inspectionplan")
        .exclude(action="create").order_by("pk").values_list("action", flat=True)
    ) == ["plan_submit", "plan_approve", "plan_publish"]  # fmt: skip
    again = enforcement_plan.load(actor="演示数据", county=tree.county, townships=[], departments=departments)
    assert again["enterprises_classified"] == 0 and again["plan_lines"] == 0


def test_the_year_is_checked(operator, classified):
    with pytest.raises(DomainError) as refused:
        services_plan.plan_generate(actor=operator, year=1800)
    assert refused.value.field == "year"
    assert not InspectionPlan.objects.filter(year=1800).exists()
