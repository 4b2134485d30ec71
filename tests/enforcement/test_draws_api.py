"""CONTRACT.md "Enforcement (执法)": POST inspectors, POST draws, POST draws/ID/verify — the 201 shapes,
every 400 (naming the field, nothing written), scope, conflicts never drawn, verify after tampering, and
draws that nobody deletes."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anlan.accounts.models import User
from anlan.core.models import AuditEntry
from anlan.core.roles import Role
from anlan.enforcement import services_draws
from anlan.enforcement.models import Draw, DrawObject, Inspector, InspectorConflict
from anlan.registry.models import Enterprise
from anlan.testing.helpers import count_queries
from anlan.testing.personas import PASSWORD, persona

from .conftest import make_inspectors

pytestmark = pytest.mark.django_db

INSPECTORS = "/api/v1/enforcement/inspectors/"
DRAWS = "/api/v1/enforcement/draws/"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _body(tree, **over):
    return {"name": "一季度双随机", "region": tree.township.code, "count": 3, "inspectors_per_object": 2, **over}


def _township_enterprises(tree):
    return list(Enterprise.objects.filter(region__pk__startswith=tree.township.code[:9]).order_by("pk"))


def _officer(username, role=Role.COUNTY_OPERATOR, region=None, tree=None):
    user = User(username=username, first_name="新执法员", role=role, region=region or tree.county)
    user.must_change_password = False
    user.set_password(PASSWORD)
    user.save()
    return user


# ---------------------------------------------------------------- inspectors


def test_post_inspector_marks_a_user_as_an_officer_with_conflicts(client, tree):
    _officer("officer_new", tree=tree)
    enterprises = _township_enterprises(tree)[:2]
    client.force_login(persona("county_operator"))
    conflict_audits = AuditEntry.objects.filter(object_type="enforcement.inspectorconflict", action="create")
    audited_before = conflict_audits.count()
    body = {"user": "officer_new", "certificate": "50023720260099", "conflicts": [e.pk for e in enterprises]}
    response = _post(client, INSPECTORS, body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["user"] == "officer_new" and data["certificate"] == "50023720260099"
    assert data["conflicts"] == sorted(e.pk for e in enterprises) and data["active"] is True
    inspector = Inspector.objects.get(user__username="officer_new")
    assert set(inspector.conflicts.values_list("enterprise_id", flat=True)) == {e.pk for e in enterprises}
    assert conflict_audits.count() == audited_before + 2
    assert client.get(f"{INSPECTORS}{inspector.pk}/").json()["certificate"] == "50023720260099"
    assert any(row["user"] == "officer_new" for row in client.get(INSPECTORS).json()["results"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"certificate": "X1"}, "user"),
        ({"user": "nobody_here", "certificate": "X1"}, "user"),
        ({"user": "village_grid_worker", "certificate": "X1"}, "user"),
        ({"user": "officer_new"}, "certificate"),
        ({"user": "officer_new", "certificate": "   "}, "certificate"),
        ({"user": "officer_new", "certificate": "TINSPEC00001"}, "certificate"),
        ({"user": "officer_new", "certificate": "X1", "conflicts": [999999999]}, "conflicts"),
        ({"user": "officer_new", "certificate": "X1", "conflicts": ["abc"]}, "conflicts"),
        ({"user": "officer_new", "certificate": "X1", "conflicts": 5}, "conflicts"),
        ({"user": "t_inspector_1", "certificate": "X1"}, "user"),
        (
            {"user": "officer_new", "certificate": "X1", "certificate_valid_until": "2026-13-01"},
            "certificate_valid_until",
        ),
    ],
)
def test_bad_inspector_input_is_a_400_naming_the_field_and_nothing_is_written(client, tree, inspectors, body, field):
    Inspector.objects.filter(pk=inspectors[0].pk).update(certificate="TINSPEC00001")
    _officer("officer_new", tree=tree)
    before = (Inspector.objects.count(), InspectorConflict.objects.count())
    client.force_login(persona("county_operator"))
    response = _post(client, INSPECTORS, body)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(response.json()[field]))
    assert (Inspector.objects.count(), InspectorConflict.objects.count()) == before


def test_only_county_roles_register_officers(client, tree):
    _officer("officer_new", tree=tree)
    body = {"user": "officer_new", "certificate": "X1"}
    for name in ("department_operator", "township_officer", "viewer"):
        client.force_login(persona(name))
        assert _post(client, INSPECTORS, body).status_code == 403, name
    assert not Inspector.objects.filter(user__username="officer_new").exists()


# ---------------------------------------------------------------- draws


def test_post_draw_returns_id_seed_and_objects(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    response = _post(client, DRAWS, _body(tree))
    assert response.status_code == 201, response.content
    data = response.json()
    assert isinstance(data["id"], int) and len(data["seed"]) == 32  # secrets.token_hex(16)
    objects = data["objects"]
    assert len(objects) == 3 and len({o["enterprise"] for o in objects}) == 3
    township = {e.pk for e in _township_enterprises(tree)}
    names = {i.user.username for i in inspectors}
    for o in objects:
        assert o["enterprise"] in township
        assert len(set(o["inspectors"])) == 2 and set(o["inspectors"]) <= names
    draw = Draw.objects.get(pk=data["id"])
    assert draw.pools["enterprises"] == sorted(township) and draw.pools["inspectors"] == sorted(names)
    assert draw.algorithm == "sha256-v1"
    entry = AuditEntry.objects.get(object_type="enforcement.draw", object_id=str(draw.pk))
    assert entry.action == "draw.create" and len(entry.after["objects"]) == 3
    detail = client.get(f"{DRAWS}{draw.pk}/").json()
    assert detail["objects"] == objects and detail["seed"] == data["seed"]
    assert client.get(DRAWS).json()["results"][0]["id"] == draw.pk


def test_a_given_seed_is_kept_and_gives_the_same_draw_again(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    first = _post(client, DRAWS, _body(tree, seed="巫山-2026-Q1")).json()
    second = _post(client, DRAWS, _body(tree, seed="巫山-2026-Q1")).json()
    assert first["seed"] == second["seed"] == "巫山-2026-Q1"
    assert first["objects"] == second["objects"] and first["id"] != second["id"]


def test_verify_reproduces_and_detects_tampering(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    draw_id = _post(client, DRAWS, _body(tree, count=4)).json()["id"]
    for url in (f"{DRAWS}{draw_id}/verify/", f"{DRAWS}{draw_id}/verify"):
        response = _post(client, url, {})
        assert response.status_code == 200, response.content
        assert response.json() == {"reproduced": True}
    # Someone swaps one drawn inspector for another in the database.
    obj = DrawObject.objects.filter(draw_id=draw_id).order_by("position").first()
    drawn = set(obj.inspectors.all())
    outsider = next(i for i in inspectors if i not in drawn)
    obj.inspectors.remove(next(iter(drawn)))
    obj.inspectors.add(outsider)
    assert _post(client, f"{DRAWS}{draw_id}/verify", {}).json() == {"reproduced": False}


def test_verify_is_false_when_the_stored_enterprise_is_changed(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    draw_id = _post(client, DRAWS, _body(tree)).json()["id"]
    drawn = set(DrawObject.objects.filter(draw_id=draw_id).values_list("enterprise_id", flat=True))
    other = next(e for e in _township_enterprises(tree) if e.pk not in drawn)
    DrawObject.objects.filter(draw_id=draw_id, position=1).update(enterprise=other)
    assert _post(client, f"{DRAWS}{draw_id}/verify", {}).json() == {"reproduced": False}


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"inspectors_per_object": 1}, "inspectors_per_object"),
        ({"inspectors_per_object": 7}, "inspectors_per_object"),
        ({"count": 100000}, "count"),
        ({"count": 0}, "count"),
        ({"count": "three"}, "count"),
        ({"region": "999999999999"}, "region"),
        ({"name": ""}, "name"),
        ({"seed": "x" * 65}, "seed"),
        ({"matter": 999999}, "matter"),
    ],
)
def test_bad_draw_input_is_a_400_naming_the_field_and_nothing_is_written(client, tree, inspectors, over, field):
    client.force_login(persona("county_operator"))
    before = (Draw.objects.count(), DrawObject.objects.count(), AuditEntry.objects.count())
    response = _post(client, DRAWS, _body(tree, **over))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert (Draw.objects.count(), DrawObject.objects.count(), AuditEntry.objects.count()) == before


def test_count_larger_than_the_pool_says_how_many_there_are(client, tree, inspectors):
    client.force_login(persona("county_operator"))
    size = len(_township_enterprises(tree))
    response = _post(client, DRAWS, _body(tree, count=size + 1))
    assert response.status_code == 400
    assert f"只有 {size} 家企业" in response.json()["count"][0]


def test_an_enterprise_all_conflicted_is_named_not_skipped(client, tree, inspectors):
    enterprises = _township_enterprises(tree)[:2]
    target = enterprises[0]
    for inspector in inspectors[:5]:  # 6 officers, 5 conflicted: one left, two needed
        InspectorConflict.objects.create(inspector=inspector, enterprise=target)
    Enterprise.objects.filter(region__pk__startswith=tree.township.code[:9]).exclude(
        pk__in=[e.pk for e in enterprises]
    ).update(region=tree.other_township)
    client.force_login(persona("county_operator"))
    draws_before = Draw.objects.count()
    response = _post(client, DRAWS, _body(tree, count=2))
    assert response.status_code == 400, response.content
    assert target.name in response.json()["inspectors_per_object"][0]
    assert Draw.objects.count() == draws_before


def test_conflicted_officers_are_never_drawn_for_that_enterprise(client, tree, inspectors):
    enterprises = _township_enterprises(tree)
    blocked = {}
    for n, e in enumerate(enterprises):
        for inspector in (inspectors[n % 6], inspectors[(n + 1) % 6], inspectors[(n + 3) % 6]):
            InspectorConflict.objects.create(inspector=inspector, enterprise=e)
            blocked.setdefault(e.pk, set()).add(inspector.user.username)
    client.force_login(persona("county_operator"))
    for seed in ("a", "b", "c"):
        data = _post(client, DRAWS, _body(tree, count=len(enterprises), seed=seed)).json()
        for o in data["objects"]:
            assert not set(o["inspectors"]) & blocked[o["enterprise"]]


def test_expired_inactive_and_other_township_officers_are_not_in_the_pool(client, tree, inspectors):
    import datetime as dt

    Inspector.objects.filter(pk=inspectors[0].pk).update(certificate_valid_until=dt.date(2020, 1, 1))
    Inspector.objects.filter(pk=inspectors[1].pk).update(active=False)
    User.objects.filter(pk=inspectors[2].user_id).update(is_active=False)
    Inspector.objects.filter(pk=inspectors[3].pk).update(region=tree.other_township)
    client.force_login(persona("county_operator"))
    data = _post(client, DRAWS, _body(tree, count=2)).json()
    pool = Draw.objects.get(pk=data["id"]).pools["inspectors"]
    assert pool == sorted(i.user.username for i in inspectors[4:])


def test_scope_another_townships_officer_cannot_draw_in_ours(client, tree, inspectors):
    # An officer role scoped to the other township: our township is outside their scope.
    outsider = _officer("other_county_op", region=tree.other_township)
    client.force_login(outsider)
    response = _post(client, DRAWS, _body(tree))
    assert response.status_code == 400 and "region" in response.json()
    # Township staff do not draw at all, and read no draw outside their scope.
    client.force_login(persona("township_officer"))
    assert _post(client, DRAWS, _body(tree)).status_code == 403
    client.force_login(persona("county_operator"))
    draw_id = _post(client, DRAWS, _body(tree)).json()["id"]
    client.force_login(outsider)
    assert client.get(f"{DRAWS}{draw_id}/").status_code == 404
    assert _post(client, f"{DRAWS}{draw_id}/verify", {}).status_code == 404


def test_department_operator_draws_only_their_departments_enterprises(client, tree):
    operator = persona("department_operator")
    ours = Enterprise.objects.filter(region__pk__startswith=tree.county.code[:6]).order_by("pk")[:4]
    Enterprise.objects.filter(pk__in=[e.pk for e in ours]).update(department=operator.department)
    made = make_inspectors(tree.county, 3, prefix="t_dept")
    Inspector.objects.filter(pk__in=[i.pk for i in made]).update(department=operator.department)
    client.force_login(operator)
    response = _post(client, DRAWS, _body(tree, region=tree.county.code, count=4))
    assert response.status_code == 201, response.content
    theirs = set(
        Enterprise.objects.filter(
            region__pk__startswith=tree.county.code[:6], department=operator.department
        ).values_list("pk", flat=True)
    )
    assert {o["enterprise"] for o in response.json()["objects"]} <= theirs
    assert Draw.objects.get(pk=response.json()["id"]).pools["enterprises"] == sorted(theirs)
    assert Draw.objects.get(pk=response.json()["id"]).department_id == operator.department_id


def test_nobody_deletes_a_draw(client, tree, inspectors):
    client.force_login(persona("county_admin"))
    draw_id = _post(client, DRAWS, _body(tree)).json()["id"]
    # Refused by the role check (undeletable) before DRF would answer 405 for the missing route.
    assert client.delete(f"{DRAWS}{draw_id}/").status_code in (403, 405)
    record = Draw.objects.get(pk=draw_id)
    with pytest.raises(PermissionError):
        record.delete()
    from anlan.core.roles import role_allows

    assert not role_allows(persona("county_admin"), "delete", Draw)
    assert Draw.objects.filter(pk=draw_id).exists()


def test_a_draw_is_written_in_a_fixed_number_of_queries(tree, inspectors):
    actor = persona("county_operator")
    with count_queries() as small:
        services_draws.draw_create(actor=actor, name="小", region=tree.township.code, count=2, inspectors_per_object=2)
    with count_queries() as large:
        services_draws.draw_create(actor=actor, name="大", region=tree.township.code, count=8, inspectors_per_object=3)
    assert len(large) == len(small)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    n_inspectors=st.integers(2, 7),
    conflict_rate=st.floats(0, 0.4),
    count=st.integers(1, 6),
    per_object=st.integers(2, 3),
    seed=st.text(min_size=1, max_size=20),
)
def test_property_draws_in_the_database_are_reproducible_and_verify(
    tree, n_inspectors, conflict_rate, count, per_object, seed
):
    import random

    actor = persona("county_operator")
    with transaction.atomic():
        officers = make_inspectors(tree.county, n_inspectors, prefix="t_prop")
        enterprises = _township_enterprises(tree)[:8]
        chooser = random.Random(seed)
        pairs = [(i, e) for i in officers for e in enterprises if chooser.random() < conflict_rate]
        InspectorConflict.objects.bulk_create([InspectorConflict(inspector=i, enterprise=e) for i, e in pairs])
        Enterprise.objects.filter(region__pk__startswith=tree.township.code[:9]).exclude(
            pk__in=[e.pk for e in enterprises]
        ).update(region=tree.other_township)
        blocked = {(i.user.username, e.pk) for i, e in pairs}
        try:
            record = services_draws.draw_create(
                actor=actor,
                name="性质测试",
                region=tree.township.code,
                count=count,
                inspectors_per_object=per_object,
                seed=seed,
            )
        except services_draws.DomainError as refused:
            assert refused.field in {"inspectors_per_object", "count"}
        else:
            stored = services_draws.stored_objects(record)
            assert len({e for _, e, _ in stored}) == count
            for _, enterprise, usernames in stored:
                assert len(set(usernames)) == per_object
                assert not any((u, enterprise) in blocked for u in usernames)
            assert services_draws.draw_verify(record) is True
            again = services_draws.draw_create(
                actor=actor,
                name="再次",
                region=tree.township.code,
                count=count,
                inspectors_per_object=per_object,
                seed=seed,
            )
            assert services_draws.stored_objects(again) == stored
        transaction.set_rollback(True)
