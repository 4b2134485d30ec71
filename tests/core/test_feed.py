"""The 工作台's "辖区最近变化": only changes in the user's own scope, told in Chinese, in a fixed number of
queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from anlan.core import services
from anlan.core.audit import snapshot
from anlan.core.feed import recent_changes, relative_time
from anlan.hazards import services as hazard_services
from anlan.hazards.models import HiddenHazard
from anlan.registry.models import Enterprise, Person
from anlan.testing.personas import persona


def _rename(actor, obj, name: str):
    before = snapshot(obj, with_m2m=True)
    obj.name = name
    return services.object_update(actor=actor, instance=obj, before=before)


def _person_in(region) -> Person:
    # Not one holding a 防汛 post: the registry refuses to delete a person who is still a 三个责任人.
    people = Person.objects.filter(region__code__startswith=region.code[:9], enterprise=None)
    return people.filter(flood_responsibilities=None).order_by("pk").first()


def _texts(user) -> list[str]:
    return [c.text for c in recent_changes(user, limit=30)]


@pytest.mark.django_db
def test_a_township_sees_its_own_changes_and_not_another_townships(tree):
    admin = persona("county_admin")
    ours, theirs = _person_in(tree.township), _person_in(tree.other_township)
    _rename(admin, ours, "本镇责任人甲")
    _rename(admin, theirs, "外镇责任人乙")

    mine = _texts(persona("township_officer"))
    assert any("本镇责任人甲" in t for t in mine)
    assert not any("外镇责任人乙" in t for t in mine)
    other = _texts(persona("other_township_officer"))
    assert any("外镇责任人乙" in t for t in other) and not any("本镇责任人甲" in t for t in other)
    # The county sees both.
    county = _texts(persona("county_operator"))
    assert any("本镇责任人甲" in t for t in county) and any("外镇责任人乙" in t for t in county)


@pytest.mark.django_db
def test_a_village_worker_sees_its_village_only(tree):
    admin = persona("county_admin")
    ours = Person.objects.filter(region=tree.village).order_by("pk").first()
    next_door = (
        Person.objects.filter(region__code__startswith=tree.township.code[:9])
        .exclude(region=tree.village)
        .exclude(region=tree.township)
        .order_by("pk")
        .first()
    )
    assert ours is not None and next_door is not None
    _rename(admin, ours, "本村责任人")
    _rename(admin, next_door, "邻村责任人")
    texts = _texts(persona("village_grid_worker"))
    assert any("本村责任人" in t for t in texts) and not any("邻村责任人" in t for t in texts)


@pytest.mark.django_db
def test_an_enterprise_user_sees_only_its_own_enterprise(tree):
    user = persona("enterprise_user")
    own = user.enterprise
    admin = persona("county_admin")
    # A neighbour in the very same region: the region prefix alone would let it through.
    neighbour = Enterprise.objects.exclude(pk=own.pk).order_by("pk").first()
    neighbour.region_id = own.region_id
    _rename(admin, neighbour, "邻近企业新名称")
    _rename(admin, own, "本企业新名称")

    changes = recent_changes(user, limit=30)
    assert any("本企业新名称" in c.text for c in changes)
    assert not any("邻近企业新名称" in c.text for c in changes)
    assert all(c.url for c in changes)  # everything it is shown it may open


@pytest.mark.django_db
def test_a_workflow_step_reads_as_a_sentence_with_names_not_codes(tree):
    officer = persona("township_officer")
    hazard = HiddenHazard.objects.filter(region__code__startswith=tree.township.code[:9], status="reported").first()
    assert hazard is not None
    hazard_services.hazard_transition(actor=officer, hazard=hazard, action="assign", responsible="李四")

    change = recent_changes(officer, limit=1)[0]
    name = officer.display_name or officer.username
    assert change.text == f"{name} 将隐患「{hazard}」转为整改中（交办整改）"
    assert change.when == "刚刚"
    assert change.region_name == hazard.region.name
    assert change.url == f"/hazards/hiddenhazard/{hazard.pk}/"

    html = render_to_string("core/_recent_changes.html", {"changes": recent_changes(officer, limit=10)})
    assert "转为整改中" in html and hazard.region.name in html
    assert not re.search(r"\b\d{12}\b", html), "a 12-digit region code reached the page"
    assert "hazard_assign" not in html and "reported" not in html and "rectifying" not in html


@pytest.mark.django_db
def test_an_edit_names_the_fields_that_changed(tree):
    admin = persona("county_admin")
    person = _person_in(tree.township)
    before = snapshot(person, with_m2m=True)
    person.position = "村主任"
    services.object_update(actor=admin, instance=person, before=before)
    text = recent_changes(persona("township_officer"), limit=1)[0].text
    assert text == f"{admin.display_name or admin.username} 修改了责任人「{person}」的职务"


@pytest.mark.django_db
def test_a_deletion_shows_to_the_audit_reader_without_a_link_and_not_to_others(tree):
    admin = persona("county_admin")
    person = _person_in(tree.township)
    name = str(person)
    services.object_delete(actor=admin, instance=person)
    county = recent_changes(admin, limit=5)
    assert county[0].text.endswith(f"删除了责任人「{name}」") and county[0].url == ""
    assert not any(f"删除了责任人「{name}」" in c.text for c in recent_changes(persona("township_officer"), limit=30))


@pytest.mark.django_db
def test_query_count_does_not_grow_with_the_number_of_changes(tree):
    admin = persona("county_admin")
    officer = persona("township_officer")
    people = list(Person.objects.filter(region__code__startswith=tree.township.code[:9]).order_by("pk")[:25])
    for round_ in range(4):  # 100 changes of one kind: every entry the feed reads is about a person
        for i, person in enumerate(people):
            _rename(admin, person, f"责任人{round_}-{i}")
    with CaptureQueriesContext(connection) as few:
        assert len(recent_changes(officer, limit=5)) == 5
    with CaptureQueriesContext(connection) as many:
        assert len(recent_changes(officer, limit=20)) == 20
    # the entries, the people among them (one query for all their ids), the region names, the actors' names
    assert len(few) == len(many) == 4


def test_relative_times_read_as_people_say_them():
    now = timezone.make_aware(dt.datetime(2026, 7, 1, 15, 0))
    assert relative_time(now - dt.timedelta(seconds=20), now) == "刚刚"
    assert relative_time(now - dt.timedelta(minutes=12), now) == "12 分钟前"
    assert relative_time(now - dt.timedelta(hours=3), now) == "3 小时前"
    assert relative_time(now - dt.timedelta(hours=20), now) == "昨天 19:00"
    assert relative_time(now - dt.timedelta(days=3), now) == "3 天前"
    assert relative_time(now - dt.timedelta(days=30), now) == "2026-06-01"


@pytest.mark.django_db
def test_a_department_operator_sees_its_departments_rows_only(tree):
    from anlan.core.search import search
    from anlan.registry.models import Department

    user = persona("department_operator")
    other_department = Department.objects.exclude(pk=user.department_id).order_by("pk").first()
    ours, theirs = HiddenHazard.objects.order_by("pk")[:2]
    admin = persona("county_admin")
    for hazard, department, title in (
        (ours, user.department, "部门测试本部门隐患"),
        (theirs, other_department, "部门测试他部门隐患"),
    ):
        before = snapshot(hazard, with_m2m=True)
        hazard.department, hazard.title = department, title
        services.object_update(actor=admin, instance=hazard, before=before)

    texts = _texts(user)
    assert any("部门测试本部门隐患" in t for t in texts) and not any("部门测试他部门隐患" in t for t in texts)
    found = search(user, "部门测试")
    assert [hit.name for g in found.groups for hit in g.hits] == [str(HiddenHazard.objects.get(pk=ours.pk))]


@pytest.mark.django_db
def test_the_actor_is_told_by_the_name_colleagues_know_not_the_login(tree):
    admin = persona("county_admin")
    admin.display_name = "王主任"
    admin.save(update_fields=["display_name"])
    _rename(admin, _person_in(tree.township), "本镇责任人戊")
    told = next(t for t in _texts(persona("county_operator")) if "本镇责任人戊" in t)
    assert told.startswith("王主任 ") and admin.username not in told
