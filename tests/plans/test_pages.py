"""Plan-action and incident-kind pages (registry kit): county roles write actions; townships read their own, the
county's and nothing of another township; viewers and townships get 403 where they may not write. The plans' own
pages (life cycle) are tested in test_pages_lifecycle.py."""

import pytest
from django.urls import reverse

from anlan.core.models import AuditEntry
from anlan.plans.models import IncidentKind, PlanAction
from anlan.testing.personas import persona

from .helpers import drill_kind, plan_with_actions

pytestmark = pytest.mark.django_db


def test_county_operator_adds_an_action_on_the_form_and_it_is_audited(client, tree):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    client.force_login(persona("county_operator"))
    data = {"plan": plan.pk, "level": "III", "title": "开放避难场所", "hours": 4, "order": 5}
    response = client.post(reverse("plans:planaction_add"), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    action = plan.actions.get(title="开放避难场所")
    assert AuditEntry.objects.filter(object_type="plans.planaction", object_id=str(action.pk), action="create").exists()


def test_an_action_with_zero_hours_is_refused_in_chinese(client, tree):
    plan = plan_with_actions(tree.county, drill_kind(), levels=())
    client.force_login(persona("county_operator"))
    data = {"plan": plan.pk, "level": "IV", "title": "核实灾情", "hours": 0, "order": 1}
    response = client.post(reverse("plans:planaction_add"), data)
    assert response.status_code == 400
    assert "完成时限应至少 1 小时" in response.content.decode()
    assert not plan.actions.exists()


# Townships write response tables since the issue-18 skeleton (RESPONSE_TABLE_WRITERS); their editing moves to
# the response-table pages (p18resp), which keep a township to its own plans.
@pytest.mark.parametrize("who", ["viewer"])
def test_viewer_may_read_actions_but_not_add_them(client, tree, who):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    client.force_login(persona(who))
    assert client.get(reverse("plans:planaction_list")).status_code == 200
    data = {"plan": plan.pk, "level": "III", "title": "越权措施", "hours": 1, "order": 2}
    assert client.post(reverse("plans:planaction_add"), data).status_code == 403
    assert client.get(reverse("plans:planaction_edit", kwargs={"pk": plan.actions.get().pk})).status_code == 403
    assert not PlanAction.objects.filter(title="越权措施").exists()


def test_a_township_adds_actions_to_its_own_plan_only(client, tree):
    county_plan = plan_with_actions(tree.county, drill_kind(), name="县预案", levels=("IV",))
    own = plan_with_actions(tree.township, drill_kind(), name="本镇预案", levels=())
    client.force_login(persona("township_officer"))
    data = {"plan": county_plan.pk, "level": "III", "title": "越权措施", "hours": 1, "order": 2}
    refused = client.post(reverse("plans:planaction_add"), data)
    assert refused.status_code == 400 and "不在您的管辖范围内" in refused.content.decode()
    assert not PlanAction.objects.filter(title="越权措施").exists()
    data["plan"], data["title"] = own.pk, "本镇措施"
    assert client.post(reverse("plans:planaction_add"), data).status_code == 302
    assert own.actions.filter(title="本镇措施").exists()
    edit = client.get(reverse("plans:planaction_edit", kwargs={"pk": county_plan.actions.get().pk}))
    assert edit.status_code in (403, 404)


def test_other_townships_actions_are_not_listed(client, tree):
    theirs = plan_with_actions(tree.other_township, drill_kind(), name="邻镇预案", levels=("IV",))
    ours = plan_with_actions(tree.township, drill_kind(), name="本镇预案", levels=("IV",))
    client.force_login(persona("township_officer"))
    response = client.get(reverse("plans:planaction_list"))
    listed = set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
    assert ours.actions.get().pk in listed and theirs.actions.get().pk not in listed
    assert client.get(reverse("plans:planaction_detail", kwargs={"pk": theirs.actions.get().pk})).status_code == 404


def test_kinds_and_actions_stay_in_the_incident_menu(client, tree):
    client.force_login(persona("county_operator"))
    response = client.get(reverse("plans:incidentkind_list"))
    assert "地质灾害" in response.content.decode()
    menu = dict(response.context["nav_groups"])["事件处置"]
    assert menu == [
        ("接报登记", reverse("incidents:intake")),
        ("突发事件", reverse("incidents:incident_list")),
        ("响应任务", reverse("incidents:responsetask_list")),
        ("调度指令", reverse("incidents:dispatchorder_list")),
        ("事件类型", reverse("plans:incidentkind_list")),
        ("预案措施", reverse("plans:planaction_list")),
    ]


def test_old_incident_kind_links_redirect_to_plans(client, tree):
    kind = IncidentKind.objects.get(name="地质灾害")
    client.force_login(persona("county_operator"))
    response = client.get(f"/incidents/incidentkind/{kind.pk}/?x=1")
    assert response.status_code == 301
    assert response["Location"] == f"/plans/incidentkind/{kind.pk}/?x=1"
    assert client.get(response["Location"]).status_code == 200


def test_township_may_not_edit_incident_kinds(client, tree):
    kind = IncidentKind.objects.get(name="地质灾害")
    client.force_login(persona("township_officer"))
    assert client.get(reverse("plans:incidentkind_list")).status_code == 200
    response = client.post(reverse("plans:incidentkind_edit", kwargs={"pk": kind.pk}), {"name": "改名"})
    assert response.status_code == 403
