"""Scope: a township sees and changes only its own trainees and sessions, a department its own, an enterprise its
own staff; attendance is entered in bulk, all or nothing."""

import pytest
from django.urls import reverse

from anlan.core.errors import DomainError
from anlan.registry.models import Department
from anlan.testing.personas import persona
from anlan.training import services
from anlan.training.models import Attendance, Trainee

from . import helpers

pytestmark = pytest.mark.django_db


def test_a_township_cannot_see_another_townships_trainees(client, tree):
    ours = helpers.trainee(tree.township, "本镇网格员", phone="13800001234")
    theirs = helpers.trainee(tree.other_township, "外镇网格员")
    officer = persona("township_officer")
    visible = Trainee.objects.restrict(officer)
    assert visible.filter(pk=ours.pk).exists() and not visible.filter(pk=theirs.pk).exists()
    client.force_login(officer)
    assert client.get(reverse("training:trainee_detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("training:trainee_list"), {"q": "网格员"}).content.decode()
    assert "本镇网格员" in page and "外镇网格员" not in page
    assert client.get(reverse("training:trainee_edit", args=[theirs.pk])).status_code == 404


def test_phones_are_masked_for_a_viewer(client, tree):
    t = helpers.trainee(tree.township, "电话人", phone="13800001234")
    client.force_login(persona("viewer"))
    page = client.get(reverse("training:trainee_detail", args=[t.pk])).content.decode()
    assert "13800001234" not in page and "138" in page


def test_a_department_sees_its_own_staff_and_an_enterprise_its_own(tree):
    dept = persona("department_operator")
    other = Department.objects.filter(region=tree.county).exclude(pk=dept.department_id).order_by("pk").first()
    mine = helpers.trainee(
        tree.county, "水利干部", category="cadre", unit_kind="department", department=dept.department
    )
    not_mine = helpers.trainee(tree.county, "他部门干部", category="cadre", unit_kind="department", department=other)
    assert set(Trainee.objects.restrict(dept).filter(pk__in=[mine.pk, not_mine.pk])) == {mine}
    ent_user = persona("enterprise_user")
    staff = helpers.trainee(
        ent_user.enterprise.region, "安全员", category="safety", unit_kind="enterprise", enterprise=ent_user.enterprise
    )
    assert list(Trainee.objects.restrict(ent_user).filter(pk__in=[staff.pk, mine.pk])) == [staff]


def test_attendance_is_saved_in_bulk_and_refused_whole(client, tree):
    officer = persona("township_officer")
    s = helpers.session(tree.township, helpers.course(tree.county), hours="8", capacity=2)
    a, b = helpers.trainee(tree.township, "甲"), helpers.trainee(tree.township, "乙")
    stranger = helpers.trainee(tree.other_township, "外人")
    with pytest.raises(DomainError, match="不在您管辖范围"):
        services.attendance_save(
            actor=officer,
            session=s,
            rows=[{"trainee": a.pk, "attended": True, "hours": 8}, {"trainee": stranger.pk, "attended": True}],
        )
    with pytest.raises(DomainError, match="应在 0 到 8"):
        services.attendance_save(
            actor=officer,
            session=s,
            rows=[{"trainee": a.pk, "attended": True, "hours": 8}, {"trainee": b.pk, "attended": True, "hours": 9}],
        )
    assert not Attendance.objects.filter(session=s).exists()
    client.force_login(officer)
    url = reverse("training:session_attendance", args=[s.pk])
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            f"on-{a.pk}": "1",
            f"attended-{a.pk}": "1",
            f"hours-{a.pk}": "8",
            f"passed-{a.pk}": "1",
            f"on-{b.pk}": "1",
            f"hours-{b.pk}": "8",
        },
    )
    rows = {x.trainee_id: x for x in Attendance.objects.filter(session=s)}
    assert rows[a.pk].attended and rows[a.pk].hours == 8 and rows[a.pk].passed is True
    assert not rows[b.pk].attended and rows[b.pk].hours == 0  # absent: no hours
    other = persona("other_township_officer")
    client.force_login(other)
    assert client.get(url).status_code == 404
