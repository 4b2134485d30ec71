"""Plans API: county roles create and change plans and actions (audited, bad input named in Chinese);
townships and viewers read within their scope and get 403 on writes; incident kinds are readable by all."""

import pytest

from anlan.core.models import AuditEntry
from anlan.plans.models import IncidentKind, Plan
from anlan.registry.models import Department
from anlan.testing.personas import persona

from .helpers import drill_kind, plan_with_actions

pytestmark = pytest.mark.django_db

JSON = "application/json"


def test_county_operator_writes_a_plan_and_its_actions(client, tree):
    client.force_login(persona("county_operator"))
    kind = drill_kind()
    created = client.post(
        "/api/v1/plans/", {"name": "镇地灾预案", "kinds": [kind.name], "region": tree.township.code}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    plan = Plan.objects.get(pk=created.json()["id"])
    assert AuditEntry.objects.filter(object_type="plans.plan", object_id=str(plan.pk), action="create").exists()
    water = Department.objects.get(code=f"{tree.county.code[:6]}-SL")
    for title, level in (("核实灾情", "IV"), ("组织转移", "III")):
        action = {"plan": plan.pk, "level": level, "title": title, "department": water.pk, "hours": 2}
        response = client.post("/api/v1/plan-actions/", action, content_type=JSON)
        assert response.status_code == 201, response.content
    detail = client.get(f"/api/v1/plans/{plan.pk}/").json()
    assert detail["kinds"] == [kind.name]
    assert [(a["title"], a["level"], a["order"], a["department_name"]) for a in detail["actions"]] == [
        ("核实灾情", "IV", 1, water.name),
        ("组织转移", "III", 2, water.name),
    ]
    patched = client.patch(f"/api/v1/plans/{plan.pk}/", {"active": False}, content_type=JSON)
    assert patched.status_code == 200 and patched.json()["active"] is False


def test_bad_input_is_a_400_naming_the_field_in_chinese(client, tree):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    client.force_login(persona("county_operator"))
    no_kinds = client.patch(f"/api/v1/plans/{plan.pk}/", {"kinds": []}, content_type=JSON)
    assert no_kinds.status_code == 400
    assert no_kinds.json() == {"kinds": ["请至少选择一种适用事件类型"], "code": "invalid"}
    action = plan.actions.get()
    zero = client.patch(f"/api/v1/plan-actions/{action.pk}/", {"hours": 0}, content_type=JSON)
    assert zero.status_code == 400
    assert zero.json() == {"hours": ["完成时限应至少 1 小时；不限时请留空"], "code": "invalid"}
    unknown = client.post(
        "/api/v1/plans/", {"name": "预案", "kinds": ["没有这种灾害"], "region": tree.county.code}, content_type=JSON
    )
    assert unknown.status_code == 400 and "kinds" in unknown.json()
    action.refresh_from_db()
    assert action.hours == 1 and list(plan.kinds.all()) == [drill_kind()]


def test_an_action_stays_in_its_plan(client, tree):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    other = plan_with_actions(tree.county, drill_kind(), name="另一预案", levels=())
    action = plan.actions.get()
    client.force_login(persona("county_operator"))
    response = client.patch(f"/api/v1/plan-actions/{action.pk}/", {"plan": other.pk, "hours": 3}, content_type=JSON)
    assert response.status_code == 200
    action.refresh_from_db()
    assert (action.plan_id, action.hours) == (plan.pk, 3)


def test_a_township_writes_its_own_plan_but_not_the_countys(client, tree):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    client.force_login(persona("township_officer"))
    body = {"name": "本镇预案", "kinds": [drill_kind().name], "region": tree.township.code}
    assert client.post("/api/v1/plans/", body, content_type=JSON).status_code == 201
    assert client.patch(f"/api/v1/plans/{plan.pk}/", {"name": "改名"}, content_type=JSON).status_code in (403, 404)
    plan.refresh_from_db()
    assert plan.name == "测试预案"


@pytest.mark.parametrize("who", ["viewer"])
def test_viewer_reads_but_may_not_write(client, tree, who):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    action = plan.actions.get()
    client.force_login(persona(who))
    assert client.get(f"/api/v1/plans/{plan.pk}/").status_code == 200
    assert client.get(f"/api/v1/plan-actions/{action.pk}/").status_code == 200
    body = {"name": "越权预案", "kinds": [drill_kind().name], "region": tree.township.code}
    assert client.post("/api/v1/plans/", body, content_type=JSON).status_code == 403
    assert client.patch(f"/api/v1/plans/{plan.pk}/", {"name": "改名"}, content_type=JSON).status_code == 403
    body = {"plan": plan.pk, "level": "IV", "title": "越权措施"}
    assert client.post("/api/v1/plan-actions/", body, content_type=JSON).status_code == 403
    assert client.patch(f"/api/v1/plan-actions/{action.pk}/", {"hours": 9}, content_type=JSON).status_code == 403
    assert not Plan.objects.filter(name="越权预案").exists()
    plan.refresh_from_db()
    assert plan.name == "测试预案"


def test_a_township_sees_its_own_and_the_county_plans_only(client, tree):
    county = plan_with_actions(tree.county, drill_kind(), name="县预案", levels=("IV",))
    ours = plan_with_actions(tree.township, drill_kind(), name="本镇预案", levels=("IV",))
    theirs = plan_with_actions(tree.other_township, drill_kind(), name="邻镇预案", levels=("IV",))
    client.force_login(persona("township_officer"))
    listed = {p["id"] for p in client.get("/api/v1/plans/", {"page_size": 1000}).json()["results"]}
    assert {county.pk, ours.pk} <= listed and theirs.pk not in listed
    assert client.get(f"/api/v1/plans/{theirs.pk}/").status_code == 404
    actions = client.get("/api/v1/plan-actions/", {"plan": ours.pk}).json()["results"]
    assert [a["title"] for a in actions] == ["本镇预案·IV级措施"]
    assert client.get(f"/api/v1/plan-actions/{theirs.actions.get().pk}/").status_code == 404


def test_incident_kinds_are_read_by_every_role_and_written_by_none_through_the_api(client, tree):
    client.force_login(persona("village_grid_worker"))
    kinds = client.get("/api/v1/incident-kinds/", {"page_size": 1000}).json()["results"]
    assert {"地质灾害", "工矿商贸等企业安全事故"} <= {k["name"] for k in kinds}
    assert IncidentKind.objects.count() == len(kinds)
    client.force_login(persona("county_admin"))
    assert client.post("/api/v1/incident-kinds/", {"name": "新类型"}, content_type=JSON).status_code == 405


def test_anonymous_gets_401(client):
    assert client.get("/api/v1/plans/").status_code == 401
