"""Drills through their pages and services: plan, record (timeline with photos), evaluate (weighted score),
problems (a plan problem becomes a revision trigger), cancel; scope; the compliance page and export; the API."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from anlan.core.models import AuditEntry
from anlan.core.roles import Role
from anlan.drills import indicators
from anlan.drills import services_drills as services
from anlan.drills.models import Drill, DrillProblem
from anlan.plans.models import Plan, RevisionTrigger
from anlan.registry.models import Department, Enterprise
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def plan_drill(user, region, **extra) -> Drill:
    fields = {
        "title": "防汛桌面推演",
        "form": Drill.Form.TABLETOP,
        "scope": Drill.Scope.COMPREHENSIVE,
        "scenario": "连续强降雨，山洪风险",
        "region": region,
        "planned_on": TODAY,
        "planned_headcount": 30,
        **extra,
    }
    return services.drill_create(actor=user, drill=Drill(**fields))


def png(name="现场.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_township_plans_records_and_evaluates_its_drill_through_the_pages(client, tree):
    officer = persona("township_officer")
    client.force_login(officer)
    plan = Plan.objects.filter(region=tree.county).order_by("pk").first()
    page = client.post(
        "/drills/add/",
        {"title": "乡镇防汛演练", "plan": plan.pk, "form": "live", "scope": "single", "double_blind": "on",
         "scenario": "暴雨致山洪", "region": tree.township.code, "planned_on": TODAY.isoformat(),
         "planned_headcount": "40"},
    )  # fmt: skip
    assert page.status_code == 302, page.content.decode()[:2000]
    drill = Drill.objects.get(title="乡镇防汛演练")
    assert drill.double_blind and drill.status == Drill.Status.PLANNED and drill.region_id == tree.township.code
    assert client.get(f"/drills/{drill.pk}/").status_code == 200

    # Recording: a date in the future is refused, nothing changes.
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    client.post(f"/drills/{drill.pk}/record/", {"held_on": tomorrow, "attendance": "38"})
    assert Drill.objects.get(pk=drill.pk).status == Drill.Status.PLANNED
    client.post(f"/drills/{drill.pk}/record/", {"held_on": TODAY.isoformat(), "attendance": "38", "summary": "顺利"})
    drill.refresh_from_db()
    assert (drill.status, drill.attendance, drill.held_on) == (Drill.Status.HELD, 38, TODAY)
    assert AuditEntry.objects.filter(action="drill_record", object_id=str(drill.pk)).exists()

    # Timeline with a photo (checked and re-encoded); a text file named .png is refused.
    at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(f"/drills/{drill.pk}/log/", {"at": at, "text": "发布山洪预警", "photo": png()})
    bad = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    client.post(f"/drills/{drill.pk}/log/", {"at": at, "text": "伪造照片", "photo": bad})
    assert list(drill.log.values_list("text", flat=True)) == ["发布山洪预警"]
    entry = drill.log.get()
    assert entry.photo_name == "现场.png"
    photo = client.get(f"/drills/{drill.pk}/log/{entry.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"

    # The evaluation form offers annex A's default items; scores give the weighted sum and its band.
    form = client.get(f"/drills/{drill.pk}/evaluate/")
    assert form.status_code == 200 and "附录A" in form.content.decode()
    data = {"evaluated_on": TODAY.isoformat(), "evaluators": "张三、李四", "report": "总体良好",
            "obs_at_0": "09:30", "obs_observer_0": "张三", "obs_text_0": "预警发布及时"}  # fmt: skip
    for i, (key, name, weight) in enumerate(indicators.LIVE):
        data |= {f"ind_key_{i}": key, f"ind_name_{i}": name, f"ind_weight_{i}": weight, f"ind_score_{i}": 80}
    data["ind_score_0"] = 100  # weight 10: 80 + 10 × 20 / 100 = 82
    page = client.post(f"/drills/{drill.pk}/evaluate/", data)
    assert page.status_code == 302, page.content.decode()[:3000]
    drill.refresh_from_db()
    assert drill.status == Drill.Status.EVALUATED
    assert drill.evaluation.score == Decimal("82.0") and drill.evaluation.conclusion == "good"
    assert drill.evaluation.observations == [{"at": "09:30", "observer": "张三", "text": "预警发布及时"}]

    # A problem with the plan is also the plan's revision trigger (应急条例 Art. 6 (5)).
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    due = (TODAY + dt.timedelta(days=20)).isoformat()
    client.post(
        f"/drills/{drill.pk}/problems/",
        {"category": "plan", "description": "预案未明确山洪转移路线", "department": water.pk, "due_on": due},
    )
    problem = DrillProblem.objects.get(drill=drill)
    trigger = RevisionTrigger.objects.get(pk=problem.revision_trigger_id)
    assert (trigger.plan_id, trigger.reason, trigger.source) == (plan.pk, "practice", "演练：乡镇防汛演练")
    assert client.get("/drills/problems/").status_code == 200
    client.post(f"/drills/problems/{problem.pk}/done/", {"note": "已补充转移路线图", "next": "list"})
    problem.refresh_from_db()
    assert problem.status == DrillProblem.Status.DONE and problem.done_on == TODAY


def test_another_township_neither_sees_nor_changes_the_drill(client, tree):
    drill = plan_drill(persona("township_officer"), tree.township)
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/drills/{drill.pk}/").status_code == 404
    assert client.post(f"/drills/{drill.pk}/record/", {"held_on": TODAY, "attendance": 3}).status_code == 404
    assert client.get(f"/api/v1/drills/{drill.pk}/").status_code == 404
    client.force_login(persona("township_officer"))
    listed = client.get("/api/v1/drills/").json()
    assert drill.pk in [row["id"] for row in listed["results"]]
    assert client.get("/drills/").status_code == 200


def test_a_department_organises_as_itself_and_a_village_worker_plans_nothing(client, tree):
    user = persona("department_operator")
    drill = plan_drill(user, tree.county, department=None)
    assert drill.department_id == user.department_id
    client.force_login(persona("village_grid_worker"))
    assert client.get("/drills/add/").status_code == 403


def test_cancelling_needs_a_reason_and_a_plan_problem_needs_a_plan(tree):
    officer = persona("township_officer")
    drill = plan_drill(officer, tree.township)
    with pytest.raises(Exception, match="原因"):
        services.drill_cancel(actor=officer, drill=drill, reason=" ")
    services.drill_record(actor=officer, drill=drill, held_on=TODAY, attendance=10)
    with pytest.raises(ValidationError, match="未关联预案"):
        services.problem_add(
            actor=officer, drill=drill, category="plan", description="x", due_on=TODAY + dt.timedelta(days=3)
        )
    other = plan_drill(officer, tree.township, title="另一次")
    services.drill_cancel(actor=officer, drill=other, reason="汛情实战，改期")
    other.refresh_from_db()
    assert other.status == Drill.Status.CANCELLED and "改期" in other.summary


def test_evaluation_rejects_scores_out_of_range(tree):
    officer = persona("township_officer")
    drill = plan_drill(officer, tree.township)
    services.drill_record(actor=officer, drill=drill, held_on=TODAY, attendance=10)
    rows = indicators.default_indicators("tabletop")
    for row in rows:
        row["score"] = 90
    rows[0]["score"] = 120
    with pytest.raises(ValidationError, match="0–100"):
        services.drill_evaluate(
            actor=officer, drill=drill, evaluated_on=TODAY, evaluators="王五", indicators_filled=rows
        )
    assert Drill.objects.get(pk=drill.pk).status == Drill.Status.HELD


def test_compliance_counts_the_townships_departments_enterprises_and_plans(client, tree, settings):
    county_user = persona("county_operator")
    year = TODAY.year
    ours = next(r for r in services.compliance_table(county_user, year, TODAY) if r.key == f"t:{tree.township.code}")
    before = ours.held
    officer = persona("township_officer")
    drill = plan_drill(officer, tree.village, planned_on=dt.date(year, 1, 1))  # a village of the township
    services.drill_record(actor=officer, drill=drill, held_on=dt.date(year, 1, 1), attendance=5)
    rows = {r.key: r for r in services.compliance_table(county_user, year, TODAY)}
    assert rows[f"t:{tree.township.code}"].held == before + 1
    assert rows[f"t:{tree.township.code}"].status == "met"
    assert {r.category for r in rows.values()} >= {"乡镇（街道）", "县级部门"}
    # A hazardous-chemicals enterprise is a high-risk row (Art. 7), a plain one is not.
    enterprise = Enterprise.objects.filter(region__code__startswith=tree.county.code[:6]).order_by("pk").first()
    Enterprise.objects.filter(pk=enterprise.pk).update(is_hazchem=True)
    rows = {r.key: r for r in services.compliance_table(county_user, year, TODAY)}
    assert rows[f"e:{enterprise.pk}"].rules[0].cadence == "half_yearly"
    # The yearly target can be switched off: then the rolling two years alone decide.
    settings.ANLAN_DRILL_LOCAL_YEARLY = False
    rows = {r.key: r for r in services.compliance_table(county_user, year, TODAY)}
    assert len(rows[f"t:{tree.township.code}"].rules) == 1
    # A township sees its own row only.
    own = services.compliance_table(officer, year, TODAY)
    assert [r.key for r in own if r.category == "乡镇（街道）"] == [f"t:{tree.township.code}"]

    client.force_login(county_user)
    page = client.get("/drills/compliance/")
    assert page.status_code == 200 and tree.township.name in page.content.decode()
    due = client.get("/drills/compliance/?due=true")
    assert all(r.flagged for r in due.context["page"])
    export = client.get("/drills/compliance/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(persona("village_grid_worker"))
    assert client.get("/drills/compliance/").status_code == 403


def test_overdue_problems_are_listed(client, tree):
    officer = persona("township_officer")
    drill = plan_drill(officer, tree.township)
    services.drill_record(actor=officer, drill=drill, held_on=TODAY, attendance=10)
    problem = services.problem_add(
        actor=officer, drill=drill, category="support", description="对讲机不足", due_on=TODAY + dt.timedelta(days=1)
    )
    DrillProblem.objects.filter(pk=problem.pk).update(due_on=TODAY - dt.timedelta(days=1))  # time has passed
    overdue = list(services.problems_overdue(officer))
    assert problem in overdue and all(p.due_on < TODAY and p.status == "open" for p in overdue)
    assert all(p.drill.region_id.startswith(tree.township.code[:9]) for p in overdue)  # its own township only
    client.force_login(officer)
    page = client.get("/drills/problems/?overdue=true")
    assert page.context["page"].paginator.count == services.problems_overdue(officer).count()
    assert persona("team_leader").role == Role.TEAM_LEADER
