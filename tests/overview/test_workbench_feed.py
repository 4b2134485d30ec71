"""The 工作台 ends with 辖区最近变化 (core.feed): a change in the user's township is told there, a change in
another township is not."""

import pytest

from anlan.core import services
from anlan.core.audit import snapshot
from anlan.registry.models import Person
from anlan.testing.personas import persona


def _rename(actor, person, name: str) -> None:
    before = snapshot(person, with_m2m=True)
    person.name = name
    services.object_update(actor=actor, instance=person, before=before)


def _person_in(region) -> Person:
    return Person.objects.filter(region__code__startswith=region.code[:9], enterprise=None).order_by("pk").first()


@pytest.mark.django_db
def test_the_workbench_tells_the_recent_changes_of_the_users_own_area(client, tree):
    admin = persona("county_admin")
    _rename(admin, _person_in(tree.township), "本镇责任人丙")
    _rename(admin, _person_in(tree.other_township), "外镇责任人丁")

    client.force_login(persona("township_officer"))
    page = client.get("/").content.decode()

    feed = page[page.index("辖区最近变化") :]
    assert "本镇责任人丙" in feed
    assert "外镇责任人丁" not in page
