"""Plan pages (registry kit): county roles write plans and actions; townships read their own, the county's
and nothing of another township; viewers and townships get 403 where they may not write."""

import pytest
from django.urls import reverse

from anlan.core.models import AuditEntry
from anlan.plans.models import IncidentKind, Plan, PlanAction
from anlan.testing.helpers import read_xlsx
from anlan.testing.personas import persona
from anlan.testing.registry import RegistryTests

from .helpers import drill_kind, plan_with_actions

pytestmark = pytest.mark.django_db


class TestPlanRegistry(RegistryTests):
    """Plans are written by county roles for any region of the county; the scope tests therefore look
    through a township officer, who sees its own plans and the county's but not another township's."""

    model = Plan
    writer = "county_operator"
    reader = "township_officer"
    api_basename = "plan"

    def make(self, region):
        return plan_with_actions(region, drill_kind(), name=f"{region.name}演练预案", levels=("IV",))

    def form_data(self, region):
        return {"name": "镇森林火灾预案", "kinds": [drill_kind().pk], "region": region.code, "active": "on"}

    def api_data(self, region):
        return {"name": "镇森林火灾预案", "kinds": [drill_kind().name], "region": region.code}

    def import_row(self, region):
        return {
            "预案名称": "村防汛预案",
            "适用事件类型": drill_kind().name,
            "编制单位区划": region.code,
            "现行有效": "是",
        }

    # ---- scope, as seen by a township (the county writer sees every township)
    def test_list_shows_own_rows_and_hides_other_townships(self, client, tree):
        mine, theirs, county = self.make(tree.village), self.make(tree.other_village), self.make(tree.county)
        self.login(client, self.reader)
        response = client.get(self.url("list"))
        assert response.status_code == 200
        listed = set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
        assert {mine.pk, county.pk} <= listed
        assert theirs.pk not in listed

    def test_detail_of_other_township_is_404(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client, self.reader)
        assert client.get(self.url("detail", mine.pk)).status_code == 200
        assert client.get(self.url("detail", theirs.pk)).status_code == 404

    def test_export_contains_only_rows_in_scope(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client, self.reader)
        response = client.get(self.url("list"), {"export": "xlsx"})
        ids = {row[0] for row in read_xlsx(response.content)[1:]}
        assert mine.pk in ids and theirs.pk not in ids

    def test_api_scope_and_writes(self, client, tree):
        mine, theirs = self.make(tree.village), self.make(tree.other_village)
        self.login(client, self.reader)
        ids = {item["id"] for item in client.get(self.api_list_url(), {"page_size": 1000}).json()["results"]}
        assert mine.pk in ids and theirs.pk not in ids
        assert client.get(self.api_detail_url(theirs.pk)).status_code == 404
        self.login(client)
        created = client.post(self.api_list_url(), self.api_data(tree.village), content_type="application/json")
        assert created.status_code == 201, created.content
        patched = client.patch(self.api_detail_url(mine.pk), {"name": "已修改"}, content_type="application/json")
        assert patched.status_code == 200, patched.content
        # Plans are kept, not deleted, through the API (the kit's delete page remains for mistakes).
        assert client.delete(self.api_detail_url(mine.pk)).status_code == 405

    # ---- what townships may not do
    def test_township_may_not_add_or_edit(self, client, tree):
        plan = self.make(tree.township)
        self.login(client, self.reader)
        assert client.get(self.url("add")).status_code == 403
        assert client.post(self.url("add"), self.form_data(tree.township)).status_code == 403
        assert client.post(self.url("edit", plan.pk), self.form_data(tree.township)).status_code == 403
        assert Plan.objects.get(pk=plan.pk).name == plan.name

    def test_detail_lists_the_actions_by_level(self, client, tree):
        plan = plan_with_actions(tree.county, drill_kind(), name="县演练预案", levels=("IV", "III"))
        self.login(client, self.reader)
        text = client.get(self.url("detail", plan.pk)).content.decode()
        assert "响应措施" in text and "县演练预案·IV级措施" in text and "Ⅲ级及以上" in text

    def test_a_plan_without_kinds_is_refused_on_the_form(self, client, tree):
        self.login(client)
        data = {**self.form_data(tree.county), "kinds": []}
        before = Plan.objects.count()
        response = client.post(self.url("add"), data)
        assert response.status_code == 400
        assert Plan.objects.count() == before


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


@pytest.mark.parametrize("who", ["township_officer", "viewer"])
def test_township_and_viewer_may_read_actions_but_not_add_them(client, tree, who):
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    client.force_login(persona(who))
    assert client.get(reverse("plans:planaction_list")).status_code == 200
    data = {"plan": plan.pk, "level": "III", "title": "越权措施", "hours": 1, "order": 2}
    assert client.post(reverse("plans:planaction_add"), data).status_code == 403
    assert client.get(reverse("plans:planaction_edit", kwargs={"pk": plan.actions.get().pk})).status_code == 403
    assert not PlanAction.objects.filter(title="越权措施").exists()


def test_other_townships_actions_are_not_listed(client, tree):
    theirs = plan_with_actions(tree.other_township, drill_kind(), name="邻镇预案", levels=("IV",))
    ours = plan_with_actions(tree.township, drill_kind(), name="本镇预案", levels=("IV",))
    client.force_login(persona("township_officer"))
    response = client.get(reverse("plans:planaction_list"))
    listed = set(response.context["page"].paginator.object_list.values_list("pk", flat=True))
    assert ours.actions.get().pk in listed and theirs.actions.get().pk not in listed
    assert client.get(reverse("plans:planaction_detail", kwargs={"pk": theirs.actions.get().pk})).status_code == 404


def test_kinds_and_plans_stay_in_the_incident_menu(client, tree):
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
        ("应急预案", reverse("plans:plan_list")),
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
