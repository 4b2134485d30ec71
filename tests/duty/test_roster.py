"""Rosters: conflicts flagged, swaps through their workflow, a month's Excel sheet out and back in
(atomic, with a row-by-row report), and who may roster which desk."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anlan.core.errors import DomainError, NotAllowed
from anlan.core.excel import ImportRejected
from anlan.core.models import AuditEntry
from anlan.duty import roster, services
from anlan.duty.models import Post, Shift, Swap
from anlan.testing.personas import persona

pytestmark = pytest.mark.django_db

FAR = timezone.now().replace(microsecond=0, second=0, minute=0) + dt.timedelta(days=400)


def _shift(desk, username, post=Post.OFFICER, starts=FAR, hours=24, actor="county_admin"):
    return services.shift_create(
        actor=persona(actor),
        desk=desk.code,
        user=persona(username),
        post=post,
        starts=starts,
        ends=starts + dt.timedelta(hours=hours),
    )


def test_one_person_on_two_desks_at_once_is_flagged(tree):
    # A township's officer may also stand the county's watch (the county desk draws on the whole county),
    # but not both at the same time.
    _shift(tree.county, "township_officer", Post.LEADER)
    _shift(tree.township, "township_officer", Post.LEADER)
    found = roster.conflicts([tree.county.code], FAR - dt.timedelta(days=1), FAR + dt.timedelta(days=2))
    assert [c.kind for c in found] == ["two_desks"]
    assert "同时排在" in found[0].message and tree.township.name in found[0].message


def test_an_officer_alone_is_a_leaderless_period(tree):
    _shift(tree.county, "county_operator", Post.LEADER, hours=12)
    _shift(tree.county, "viewer", Post.OFFICER, hours=24)
    (gap,) = roster.conflicts([tree.county.code], FAR - dt.timedelta(days=1), FAR + dt.timedelta(days=2))
    assert gap.kind == "no_leader"
    assert (gap.starts, gap.ends) == (FAR + dt.timedelta(hours=12), FAR + dt.timedelta(hours=24))


def test_a_swap_is_asked_by_the_person_on_duty_and_decided_by_the_roster_keeper(tree):
    shift = _shift(tree.township, "township_officer", actor="township_officer")
    asker = persona("township_officer")
    village_worker = persona("village_grid_worker")  # lives in the township: may stand its watch
    swap = services.swap_request(actor=asker, shift=shift, replacement=village_worker, reason="外出培训")
    with pytest.raises(DomainError, match="待审批"):
        services.swap_request(actor=asker, shift=shift, replacement=village_worker, reason="再次申请")
    with pytest.raises(NotAllowed):
        services.swap_decide(actor=persona("other_township_officer"), swap=swap, action="approve")
    services.swap_decide(actor=persona("county_operator"), swap=swap, action="approve", note="同意")
    shift.refresh_from_db()
    swap.refresh_from_db()
    assert shift.user == village_worker and swap.status == Swap.Status.APPROVED
    assert AuditEntry.objects.filter(action="swap_approve", object_id=str(swap.pk)).exists()
    with pytest.raises(DomainError, match="不能"):
        services.swap_decide(actor=persona("county_operator"), swap=swap, action="reject")


def test_only_the_asker_withdraws_and_a_replacement_outside_the_desk_is_refused(tree):
    shift = _shift(tree.township, "township_officer")
    asker = persona("township_officer")
    with pytest.raises(DomainError, match="不属于该值班席位"):
        services.swap_request(actor=asker, shift=shift, replacement=persona("other_township_officer"), reason="外出")
    swap = services.swap_request(actor=asker, shift=shift, replacement=persona("village_grid_worker"), reason="外出")
    with pytest.raises(NotAllowed):
        services.swap_decide(actor=persona("county_operator"), swap=swap, action="withdraw")
    services.swap_decide(actor=asker, swap=swap, action="withdraw")
    swap.refresh_from_db()
    assert swap.status == Swap.Status.WITHDRAWN
    shift.refresh_from_db()
    assert shift.user == asker


def test_a_township_cannot_roster_the_county_or_its_neighbour(tree):
    officer = persona("township_officer")
    for desk in (tree.county, tree.other_township):
        with pytest.raises(NotAllowed):
            services.shift_create(
                actor=officer,
                desk=desk.code,
                user=officer,
                post=Post.OFFICER,
                starts=FAR,
                ends=FAR + dt.timedelta(hours=1),
            )
    assert roster.may_roster(persona("county_operator"), tree.other_township.code)
    assert not roster.may_roster(persona("viewer"), tree.county.code)


def _month_of(moment):
    local = timezone.localtime(moment)
    return local.year, local.month


def _upload(workbook) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def test_the_month_goes_out_to_excel_and_back_unchanged(tree):
    year, month = _month_of(FAR)
    first, _ = roster.month_bounds(year, month)
    start = first + dt.timedelta(hours=8, minutes=30)
    _shift(tree.township, "township_officer", Post.LEADER, starts=start)
    _shift(tree.township, "village_grid_worker", Post.OFFICER, starts=start)
    data = roster.roster_workbook(tree.township, year, month)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["日期", "星期", "带班领导", "值班员", "技术保障"]
    row = [c.value for c in sheet[2]]
    assert row[2] == "township_officer" and row[3] == "village_grid_worker" and row[6] == "次日08:30"

    created = services.roster_import(
        actor=persona("township_officer"),
        desk=tree.township.code,
        year=year,
        month=month,
        uploaded=SimpleUploadedFile("roster.xlsx", data),
    )
    assert len(created) == 2
    shifts = list(roster.month_shifts(tree.township.code, year, month))
    assert {(s.user.username, s.post, s.starts, s.ends) for s in shifts} == {
        ("township_officer", Post.LEADER, start, start + dt.timedelta(hours=24)),
        ("village_grid_worker", Post.OFFICER, start, start + dt.timedelta(hours=24)),
    }


def test_an_import_with_a_bad_row_writes_nothing_and_names_every_error(tree):
    year, month = _month_of(FAR)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "星期", "带班领导", "值班员", "技术保障", "开始时间", "结束时间", "备注"])
    ws.append([f"{year}-{month:02d}-01", "", "township_officer", "village_grid_worker", "", "", "", ""])
    ws.append([f"{year}-{month:02d}-02", "", "无此人", "other_township_officer", "", "", "", ""])
    ws.append(["1999-01-03", "", "township_officer", "", "", "", "", ""])
    ws.append([f"{year}-{month:02d}-04", "", "township_officer", "", "", "18:00", "09:00x", ""])
    before = Shift.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        services.roster_import(
            actor=persona("county_operator"), desk=tree.township.code, year=year, month=month, uploaded=_upload(wb)
        )
    errors = {(e.row, e.column) for e in rejected.value.errors}
    assert errors == {(3, "带班领导"), (3, "值班员"), (4, "日期"), (5, "开始时间/结束时间")}
    assert Shift.objects.count() == before


def test_an_import_accepts_names_day_numbers_and_next_morning_ends(tree):
    year, month = _month_of(FAR)
    officer = persona("township_officer")
    officer.display_name = "周乡长"
    officer.save()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["日期", "带班领导", "值班员", "技术保障", "开始时间", "结束时间"])
    ws.append([3, "周乡长", "village_grid_worker、township_officer", "", "09:00", "09:00"])
    created = services.roster_import(
        actor=persona("county_operator"), desk=tree.township.code, year=year, month=month, uploaded=_upload(wb)
    )
    assert len(created) == 3
    leader = next(s for s in created if s.post == Post.LEADER)
    assert timezone.localtime(leader.starts).day == 3 and leader.ends - leader.starts == dt.timedelta(hours=24)
