"""plans.services: which actions a response starts, and plan writes that are audited and refuse bad input
in Chinese without writing anything."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anlan.core.models import AuditEntry
from anlan.plans import services
from anlan.plans.models import Plan, PlanAction
from anlan.testing.personas import persona

from .helpers import drill_kind, plan_with_actions

pytestmark = pytest.mark.django_db


def _titles(actions) -> list[str]:
    return [a.title for a in actions]


def test_a_response_starts_the_actions_of_its_level_and_the_levels_below(tree):
    kind = drill_kind()
    plan_with_actions(tree.county, kind, name="县预案")
    at_iv = services.actions_for_response(kind=kind, level="IV", region_code=tree.village.code)
    at_ii = services.actions_for_response(kind=kind, level="II", region_code=tree.village.code)
    assert _titles(at_iv) == ["县预案·IV级措施"]
    assert _titles(at_ii) == ["县预案·IV级措施", "县预案·III级措施", "县预案·II级措施"]


def test_only_active_plans_of_the_kind_owned_by_the_county_township_or_village_apply(tree):
    kind, other_kind = drill_kind(), drill_kind("另一演练灾害")
    plan_with_actions(tree.county, kind, name="县预案", levels=("IV",))
    plan_with_actions(tree.township, kind, name="本镇预案", levels=("IV",))
    plan_with_actions(tree.village, kind, name="本村预案", levels=("IV",))
    plan_with_actions(tree.other_township, kind, name="邻镇预案", levels=("IV",))
    plan_with_actions(tree.county, kind, name="废止预案", levels=("IV",), active=False)
    plan_with_actions(tree.county, other_kind, name="他类预案", levels=("IV",))
    in_village = services.actions_for_response(kind=kind, level="I", region_code=tree.village.code)
    assert sorted(_titles(in_village)) == ["县预案·IV级措施", "本村预案·IV级措施", "本镇预案·IV级措施"]
    in_other_township = services.actions_for_response(kind=kind, level="I", region_code=tree.other_township.code)
    assert sorted(_titles(in_other_township)) == ["县预案·IV级措施", "邻镇预案·IV级措施"]


def test_an_unknown_response_level_is_refused_in_chinese(tree):
    with pytest.raises(ValidationError) as err:
        services.actions_for_response(kind=drill_kind(), level="V", region_code=tree.county.code)
    assert err.value.message_dict == {"level": ["响应级别应为 IV、III、II、I 之一"]}


def test_plan_create_is_audited_with_its_kinds(tree):
    actor = persona("county_operator")
    kind = drill_kind()
    plan = services.plan_create(actor=actor, name=" 镇防汛预案 ", region=tree.township, kinds=[kind])
    assert plan.name == "镇防汛预案" and list(plan.kinds.all()) == [kind]
    entry = AuditEntry.objects.get(object_type="plans.plan", object_id=str(plan.pk), action="create")
    assert entry.actor_name == "county_operator"
    assert entry.after["kinds"] == [kind.pk]


def test_a_plan_without_kinds_or_name_is_refused_and_nothing_is_written(tree):
    actor = persona("county_operator")
    before = Plan.objects.count()
    with pytest.raises(ValidationError) as err:
        services.plan_create(actor=actor, name="无类型预案", region=tree.county, kinds=[])
    assert err.value.message_dict == {"kinds": ["请至少选择一种适用事件类型"]}
    with pytest.raises(ValidationError) as err:
        services.plan_create(actor=actor, name="  ", region=tree.county, kinds=[drill_kind()])
    assert err.value.message_dict == {"name": ["此字段不能为空。"]}
    assert Plan.objects.count() == before


def test_a_township_writes_its_own_plans_but_not_the_countys(tree):
    # Since issue 18 townships write their own plans (PLAN_WRITERS); the county's they only read.
    officer = persona("township_officer")
    own = services.plan_create(actor=officer, name="镇预案", region=tree.township, kinds=[drill_kind()])
    assert services.plan_update(actor=officer, plan=own, name="镇预案（修订）").name == "镇预案（修订）"
    plan = plan_with_actions(tree.county, drill_kind())
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=officer, plan=plan, name="改名")
    plan.refresh_from_db()
    assert plan.name == "测试预案"
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=persona("viewer"), name="只读预案", region=tree.county, kinds=[drill_kind()])


def test_plan_update_audits_only_what_changed(tree):
    actor = persona("county_operator")
    plan = plan_with_actions(tree.county, drill_kind())
    other = drill_kind("另一演练灾害")
    services.plan_update(actor=actor, plan=plan, active=False, kinds=[other])
    plan.refresh_from_db()
    assert plan.active is False and list(plan.kinds.all()) == [other]
    entry = AuditEntry.objects.get(object_type="plans.plan", object_id=str(plan.pk), action="update")
    assert set(entry.after) == {"active", "kinds"}
    with pytest.raises(ValidationError) as err:
        services.plan_update(actor=actor, plan=plan, kinds=[])
    assert err.value.message_dict == {"kinds": ["请至少选择一种适用事件类型"]}


def test_actions_are_added_in_order_and_bad_ones_are_refused_in_chinese(tree):
    actor = persona("county_operator")
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    added = services.action_add(actor=actor, plan=plan, level="III", title="开放避难场所", hours=4)
    assert added.order == 2
    assert AuditEntry.objects.filter(object_type="plans.planaction", object_id=str(added.pk), action="create").exists()
    before = PlanAction.objects.count()
    with pytest.raises(ValidationError) as err:
        services.action_add(actor=actor, plan=plan, level="III", title=" ", hours=0)
    assert err.value.message_dict == {"title": ["此字段不能为空。"], "hours": ["完成时限应至少 1 小时；不限时请留空"]}
    assert PlanAction.objects.count() == before


def test_an_action_update_is_audited_and_cannot_move_it_to_another_plan(tree):
    actor = persona("county_operator")
    plan = plan_with_actions(tree.county, drill_kind(), levels=("IV",))
    action = plan.actions.get()
    services.action_update(actor=actor, action=action, hours=6, title="提前核实灾情")
    action.refresh_from_db()
    assert (action.hours, action.title) == (6, "提前核实灾情")
    entry = AuditEntry.objects.get(object_type="plans.planaction", object_id=str(action.pk), action="update")
    assert entry.before["hours"] == 1 and entry.after["hours"] == 6
    other = plan_with_actions(tree.county, drill_kind(), name="另一预案", levels=())
    with pytest.raises(ValidationError) as err:
        services.action_update(actor=actor, action=action, plan=other)
    assert err.value.message_dict == {"plan": ["不能修改此项"]}


def test_the_demo_county_plans_are_installed_with_their_kinds_and_audited(tree):
    plans = Plan.objects.filter(region=tree.county, synthetic=True)
    assert {p.name: sorted(k.name for k in p.kinds.all()) for p in plans}["县突发地质灾害应急预案"] == [
        "地质灾害",
        "气象灾害",
        "水旱灾害",
    ]
    created = AuditEntry.objects.filter(action="create", actor_name="演示数据")
    assert plans.count() == 6  # 总体, 防汛抗旱, 地灾, 生产安全, 森林火灾, 危险化学品
    audited = set(created.filter(object_type="plans.plan").values_list("object_id", flat=True))
    assert {str(pk) for pk in plans.values_list("pk", flat=True)} <= audited
    assert created.filter(object_type="plans.planaction").count() == PlanAction.objects.filter(plan__in=plans).count()
