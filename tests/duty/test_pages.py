"""The roster pages and the header: who is on duty is on every page, phones only for roles that call."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from anlan.duty.models import Post, Shift
from anlan.duty.roster import rosterable_users
from anlan.duty.selectors import on_duty
from anlan.testing.personas import persona
from tests.duty.helpers import clear_desk, on_duty_now

pytestmark = pytest.mark.django_db


def test_the_header_shows_the_county_desk_with_phones_for_those_who_call(client, tree):
    leader = persona("county_admin")
    leader.display_name, leader.phone = "值班测试领导", "19900008801"
    leader.save()
    on_duty_now(tree.county, leader, Post.LEADER)
    client.force_login(persona("county_operator"))
    page = client.get("/inbox/").content.decode()
    assert "值班测试领导 19900008801" in page
    client.force_login(persona("viewer"))
    page = client.get("/inbox/").content.decode()
    assert "值班测试领导" in page and "19900008801" not in page


def test_the_header_decrypts_only_the_phones_it_shows(client, tree, monkeypatch):
    """The header reads the leader's and officers' phones for a role that sees them, a technician's never,
    and no phone at all for a role that does not see them."""
    from anlan.core import crypto

    clear_desk(tree.county)
    for name, post, phone in [
        ("county_admin", Post.LEADER, "19900008811"),
        ("county_operator", Post.OFFICER, "19900008812"),
        ("township_officer", Post.TECH, "19900008813"),
    ]:
        user = persona(name)
        user.phone = phone
        user.save()
        on_duty_now(tree.county, user, post)
    decrypted = []
    original = crypto.decrypt_field
    monkeypatch.setattr(crypto, "decrypt_field", lambda token: decrypted.append(original(token)) or decrypted[-1])

    client.force_login(persona("viewer"))
    client.get("/inbox/")
    viewer_saw = list(decrypted)
    client.force_login(persona("county_operator"))
    decrypted.clear()
    page = client.get("/inbox/").content.decode()
    assert "19900008811" in page and "19900008812" in page and "19900008813" not in page
    # The viewer's own row (the session's user) is the one phone its request reads.
    assert "19900008811" not in viewer_saw and "19900008812" not in viewer_saw
    assert "19900008813" not in decrypted and {"19900008811", "19900008812"} <= set(decrypted)


def test_the_header_says_nobody_is_on_duty(client, tree):
    clear_desk(tree.county)
    client.force_login(persona("township_officer"))
    assert "无人值班" in client.get("/inbox/").content.decode()


def test_the_on_duty_board_flags_an_empty_desk(client, tree):
    clear_desk(tree.township)
    client.force_login(persona("county_operator"))
    page = client.get("/duty/roster/now/").content.decode()
    assert page.count("无人值班") >= 1 and tree.township.name in page
    county = on_duty(tree.county.code)
    assert str(county.leaders[0]) in page


def test_the_month_calendar_print_and_export(client, tree):
    client.force_login(persona("township_officer"))
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get("/duty/roster/", {"desk": tree.township.code, "month": month})
    assert page.status_code == 200
    someone = on_duty(tree.township.code).users[0]
    assert str(someone) in page.content.decode() and 'id="shift-add"' in page.content.decode()
    county = client.get("/duty/roster/", {"desk": tree.county.code, "month": month}).content.decode()
    assert 'id="shift-add"' not in county  # a township reads the county's roster, does not plan it
    assert client.get("/duty/roster/", {"desk": tree.other_township.code}).status_code == 404
    printed = client.get("/duty/roster/print/", {"desk": tree.township.code, "month": month}).content.decode()
    assert "值班表" in printed and str(someone) in printed
    export = client.get("/duty/roster/export/", {"desk": tree.township.code, "month": month})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get("/duty/roster/import/", {"desk": tree.county.code}).status_code == 403


def test_adding_a_shift_that_ends_before_it_starts_shows_the_message(client, tree):
    client.force_login(persona("township_officer"))
    before = Shift.objects.count()
    start = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        "/duty/roster/shifts/add/",
        {
            "desk": tree.township.code,
            "user": persona("township_officer").pk,
            "post": "officer",
            "starts": start.strftime("%Y-%m-%dT%H:%M"),
            "ends": (start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "结束时间须晚于开始时间" in response.content.decode()
    assert Shift.objects.count() == before


def test_the_workbench_shows_the_own_desk_and_says_when_nobody_is_on_it(client, tree):
    client.force_login(persona("township_officer"))
    leader = on_duty(tree.township.code).leaders[0]
    assert str(leader) in client.get("/").content.decode()
    clear_desk(tree.township)
    page = client.get("/").content.decode()
    card = page[page.index('id="duty-card"') :]
    assert "无人值班" in card[: card.index("</a>")]


def test_each_shifts_swap_list_offers_the_desks_people_but_the_shifts_own(client, tree):
    client.force_login(persona("township_officer"))
    month = timezone.localdate().strftime("%Y-%m")
    page = client.get("/duty/roster/", {"desk": tree.township.code, "month": month}).content.decode()
    shifts = Shift.objects.filter(desk=tree.township, starts__date__gte=timezone.localdate().replace(day=1))
    candidates = {str(u.pk): escape(str(u)) for u in rosterable_users(tree.township.code)}
    assert len(candidates) > 2
    checked = 0
    for shift in shifts.order_by("starts")[:5]:
        block = page.split(f'data-shift="{shift.pk}"', 1)[1].split("</details>", 1)[0]
        offered = dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', block))
        assert offered == {pk: name for pk, name in candidates.items() if pk != str(shift.user_id)}
        checked += 1
    assert checked
